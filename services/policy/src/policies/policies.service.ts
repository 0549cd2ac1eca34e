import { Injectable } from '@nestjs/common';
import { iam, policy } from '@cairn/contracts';
import { Brackets, EntityManager, QueryFailedError } from 'typeorm';
import { IdentityRepository, PolicyHolder } from '../account/identity.repository';
import { RoleEntity } from '../roles/role.entity';
import { sessionPrincipal, toPrincipal } from '../credentials/credentials.service';
import { checkName, checkPath, checkPathPrefix, iamErrors, likePrefix } from '../iam/iam-errors';
import { keysetPage, memoryPage, Page } from '../iam/paging';
import { iamId } from '../credentials/secrets';
import { ManagedPolicyEntity } from './managed-policy.entity';
import { PolicyVersionEntity } from './policy-version.entity';
import { PolicyAttachmentEntity } from './policy-attachment.entity';
import { InlinePolicyEntity } from './inline-policy.entity';
import { parseStatements, policySize } from './policy-document';
import { ATTACHED_POLICIES_PER_HOLDER, HOLDER_LIMITS, holderType } from './policy-holders';
import { AWS_MANAGED_POLICIES, awsManagedPolicyArn } from './aws-managed-policies';

/** IAM's limits on managed policies. */
const MAX_VERSIONS = 5;
const MAX_MANAGED_POLICY_SIZE = 6144;
const POLICY_ARN = /^arn:aws:iam::(\d{12}|aws):policy(\/|\/[\x21-\x7e]*\/)([\w+=,.@-]{1,128})$/;
const SESSION_ARN = /^arn:aws:sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})$/;

/** A principal and the identity-based policies that apply to it, as the evaluation engine takes them. */
export interface PrincipalPolicies {
  principal: policy.Principal;
  /** `id`: the managed policy's ARN, or `<user|group|role>/<name>/inline/<policy name>`. */
  policies: { id: string; document: string }[];
}

/** Managed policies with their versions, attachments to users/groups/roles, and inline policies. */
@Injectable()
export class PoliciesService {
  constructor(private readonly identities: IdentityRepository) {}

  /** Seeds the built-in policies; safe to run on every start and from several replicas at once. */
  async ensureAwsManagedPolicies(): Promise<void> {
    for (const builtin of AWS_MANAGED_POLICIES) {
      const arn = awsManagedPolicyArn(builtin.name);
      await this.identities.transaction(async (m) => {
        const existing = await m.findOneBy(ManagedPolicyEntity, { arn });
        if (existing) {
          await m.update(PolicyVersionEntity, { policyId: existing.policyId, versionId: existing.defaultVersionId }, { document: builtin.document });
          return;
        }
        const policyId = iamId('ANPA');
        // Another replica seeding at the same time wins the unique ARN; this insert then does nothing.
        await m
          .createQueryBuilder()
          .insert()
          .into(ManagedPolicyEntity)
          .values({ policyId, arn, policyName: builtin.name, nameKey: `aws:${builtin.name.toLowerCase()}`, path: '/', description: builtin.description, awsManaged: true, defaultVersionId: 'v1', nextVersion: 2, updatedAt: new Date() })
          .orIgnore()
          .execute();
        if (await m.findOneBy(ManagedPolicyEntity, { policyId })) await m.insert(PolicyVersionEntity, { policyId, versionId: 'v1', document: builtin.document });
      });
    }
  }

  async createPolicy(request: iam.CreatePolicyRequest): Promise<iam.ManagedPolicy> {
    checkName('policyName', request.policyName, 128);
    const path = checkPath(request.path);
    if (request.description.length > 1000) throw iamErrors.validation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000");
    checkManagedDocument(request.policyDocument);
    const account = await this.identities.requireAccount();
    const arn = `arn:aws:iam::${account.accountId}:policy${path}${request.policyName}`;
    const nameKey = `local:${request.policyName.toLowerCase()}`;
    const exists = () => iamErrors.alreadyExists(`A policy called ${request.policyName} already exists. Duplicate names are not allowed.`);
    if (await this.identities.manager.findOneBy(ManagedPolicyEntity, { nameKey })) throw exists();
    const policyId = iamId('ANPA');
    try {
      await this.identities.transaction(async (m) => {
        await m.insert(ManagedPolicyEntity, { policyId, arn, policyName: request.policyName, nameKey, path, description: request.description, awsManaged: false, defaultVersionId: 'v1', nextVersion: 2, updatedAt: new Date() });
        await m.insert(PolicyVersionEntity, { policyId, versionId: 'v1', document: request.policyDocument });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw exists();
      throw error;
    }
    return this.getPolicy(arn);
  }

  async getPolicy(policyArn: string): Promise<iam.ManagedPolicy> {
    const policy = await this.requirePolicy(policyArn);
    return toManagedPolicy(policy, await this.attachmentCount(policy.policyId));
  }

  async listPolicies(request: iam.ListPoliciesRequest): Promise<Page<iam.ManagedPolicy>> {
    const query = this.identities.manager.createQueryBuilder(ManagedPolicyEntity, 'p').where('p.path LIKE :prefix', { prefix: likePrefix(checkPathPrefix(request.pathPrefix)) });
    if (request.scope === iam.PolicyScope.POLICY_SCOPE_AWS) query.andWhere('p.awsManaged = true');
    if (request.scope === iam.PolicyScope.POLICY_SCOPE_LOCAL) query.andWhere('p.awsManaged = false');
    if (request.onlyAttached) query.andWhere('EXISTS (SELECT 1 FROM iam_policy_attachment a WHERE a."policyId" = p."policyId")');
    const page = await keysetPage(query, ['p.policyName', 'p.policyId'], (p) => [p.policyName, p.policyId], request);
    const counts = await this.attachmentCounts(page.items.map((p) => p.policyId));
    return { ...page, items: page.items.map((p) => toManagedPolicy(p, counts.get(p.policyId) ?? 0)) };
  }

  async deletePolicy(policyArn: string): Promise<void> {
    const policy = await this.requirePolicy(policyArn);
    if (policy.awsManaged) throw iamErrors.invalidInput(`Policy ${policyArn} is managed by AWS and cannot be deleted.`);
    await this.identities.transaction(async (m) => {
      if ((await m.countBy(PolicyAttachmentEntity, { policyId: policy.policyId })) > 0) throw iamErrors.deleteConflict('Cannot delete a policy attached to entities.');
      if ((await m.countBy(PolicyVersionEntity, { policyId: policy.policyId })) > 1) {
        throw iamErrors.deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
      }
      await m.delete(PolicyVersionEntity, { policyId: policy.policyId });
      await m.delete(ManagedPolicyEntity, { policyId: policy.policyId });
    });
  }

  async createPolicyVersion(request: iam.CreatePolicyVersionRequest): Promise<iam.PolicyVersion> {
    checkManagedDocument(request.policyDocument);
    const found = await this.requirePolicy(request.policyArn);
    if (found.awsManaged) throw iamErrors.invalidInput(`Policy ${request.policyArn} is managed by AWS and cannot be changed.`);
    return this.identities.transaction(async (m) => {
      // The row lock serializes version numbering and the 5-version limit.
      const policy = (await m.findOne(ManagedPolicyEntity, { where: { policyId: found.policyId }, lock: { mode: 'pessimistic_write' } }))!;
      if ((await m.countBy(PolicyVersionEntity, { policyId: policy.policyId })) >= MAX_VERSIONS) {
        throw iamErrors.limitExceeded(`A managed policy can have up to ${MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version.`);
      }
      const versionId = `v${policy.nextVersion}`;
      await m.insert(PolicyVersionEntity, { policyId: policy.policyId, versionId, document: request.policyDocument });
      await m.update(ManagedPolicyEntity, { policyId: policy.policyId }, {
        nextVersion: policy.nextVersion + 1,
        updatedAt: new Date(),
        ...(request.setAsDefault ? { defaultVersionId: versionId } : {}),
      });
      const saved = (await m.findOneBy(PolicyVersionEntity, { policyId: policy.policyId, versionId }))!;
      return { versionId, document: '', isDefaultVersion: request.setAsDefault, createDate: saved.createdAt.getTime() };
    });
  }

  async getPolicyVersion(policyArn: string, versionId: string): Promise<iam.PolicyVersion> {
    const policy = await this.requirePolicy(policyArn);
    const version = await this.requireVersion(policy, versionId);
    return toPolicyVersion(version, policy, true);
  }

  async listPolicyVersions(request: iam.ListPolicyVersionsRequest): Promise<Page<iam.PolicyVersion>> {
    const policy = await this.requirePolicy(request.policyArn);
    const versions = await this.identities.manager.findBy(PolicyVersionEntity, { policyId: policy.policyId });
    // Newest first, as IAM lists them: the key counts down as version numbers go up.
    const newestFirst = (v: PolicyVersionEntity) => String(1e9 - Number(v.versionId.slice(1))).padStart(10, '0');
    return mapPage(memoryPage(versions, newestFirst, request), (v) => toPolicyVersion(v, policy, false));
  }

  async deletePolicyVersion(policyArn: string, versionId: string): Promise<void> {
    const policy = await this.requirePolicy(policyArn);
    if (policy.awsManaged) throw iamErrors.invalidInput(`Policy ${policyArn} is managed by AWS and cannot be changed.`);
    await this.identities.transaction(async (m) => {
      const locked = (await m.findOne(ManagedPolicyEntity, { where: { policyId: policy.policyId }, lock: { mode: 'pessimistic_write' } }))!;
      await this.requireVersion(locked, versionId, m);
      if (locked.defaultVersionId === versionId) throw iamErrors.deleteConflict('Cannot delete the default version of a policy.');
      await m.delete(PolicyVersionEntity, { policyId: policy.policyId, versionId });
    });
  }

  async setDefaultPolicyVersion(policyArn: string, versionId: string): Promise<void> {
    const policy = await this.requirePolicy(policyArn);
    if (policy.awsManaged) throw iamErrors.invalidInput(`Policy ${policyArn} is managed by AWS and cannot be changed.`);
    await this.identities.transaction(async (m) => {
      await this.requireVersion(policy, versionId, m);
      await m.update(ManagedPolicyEntity, { policyId: policy.policyId }, { defaultVersionId: versionId, updatedAt: new Date() });
    });
  }

  async attachPolicy(request: iam.AttachPolicyRequest): Promise<void> {
    const type = holderType(request.kind);
    checkPolicyArn(request.policyArn);
    await this.identities.transaction(async (m) => {
      const holder = await this.identities.requireHolder(type, request.entityName, m);
      const policy = await m.findOneBy(ManagedPolicyEntity, { arn: request.policyArn });
      if (!policy) throw iamErrors.noSuchEntity(`Policy ${request.policyArn} does not exist or is not attachable.`);
      if (await m.findOneBy(PolicyAttachmentEntity, { entityType: type, entityId: holder.id, policyId: policy.policyId })) return;
      if ((await m.countBy(PolicyAttachmentEntity, { entityType: type, entityId: holder.id })) >= ATTACHED_POLICIES_PER_HOLDER) {
        throw iamErrors.limitExceeded(`Cannot exceed quota for ${HOLDER_LIMITS[type].attachedQuota}: ${ATTACHED_POLICIES_PER_HOLDER}`);
      }
      await m.createQueryBuilder().insert().into(PolicyAttachmentEntity).values({ entityType: type, entityId: holder.id, policyId: policy.policyId }).orIgnore().execute();
    });
  }

  async detachPolicy(request: iam.DetachPolicyRequest): Promise<void> {
    const type = holderType(request.kind);
    checkPolicyArn(request.policyArn);
    const holder = await this.identities.requireHolder(type, request.entityName);
    const policy = await this.identities.manager.findOneBy(ManagedPolicyEntity, { arn: request.policyArn });
    const removed = policy ? await this.identities.transaction((m) => m.delete(PolicyAttachmentEntity, { entityType: type, entityId: holder.id, policyId: policy.policyId })) : undefined;
    if (!removed?.affected) throw iamErrors.noSuchEntity(`Policy ${request.policyArn} was not found.`);
  }

  async listAttachedPolicies(request: iam.ListAttachedPoliciesRequest): Promise<Page<iam.AttachedPolicy>> {
    const type = holderType(request.kind);
    const holder = await this.identities.requireHolder(type, request.entityName);
    const prefix = checkPathPrefix(request.pathPrefix);
    const attached = await this.identities.manager
      .createQueryBuilder(ManagedPolicyEntity, 'p')
      .innerJoin(PolicyAttachmentEntity, 'a', 'a.policyId = p.policyId')
      .where('a.entityType = :type AND a.entityId = :id', { type, id: holder.id })
      .andWhere('p.path LIKE :prefix', { prefix: likePrefix(prefix) })
      .getMany();
    return mapPage(memoryPage(attached, (p) => `${p.policyName}\u0000${p.policyId}`, request), (p) => ({ policyName: p.policyName, policyArn: p.arn }));
  }

  async putInlinePolicy(request: iam.PutInlinePolicyRequest): Promise<void> {
    const type = holderType(request.kind);
    checkName('policyName', request.policyName, 128);
    parseStatements(request.policyDocument, 'identity');
    await this.identities.transaction(async (m) => {
      const holder = await this.identities.requireHolder(type, request.entityName, m);
      const others = await m.findBy(InlinePolicyEntity, { entityType: type, entityId: holder.id });
      const total = others.filter((p) => p.policyName !== request.policyName).reduce((sum, p) => sum + policySize(p.document), policySize(request.policyDocument));
      const limit = HOLDER_LIMITS[type].inlineBytes;
      if (total > limit) throw iamErrors.limitExceeded(`Maximum policy size of ${limit} bytes exceeded for ${HOLDER_LIMITS[type].label} ${holder.name}`);
      await m.upsert(InlinePolicyEntity, { entityType: type, entityId: holder.id, policyName: request.policyName, document: request.policyDocument }, ['entityType', 'entityId', 'policyName']);
    });
  }

  async getInlinePolicy(request: iam.GetInlinePolicyRequest): Promise<iam.GetInlinePolicyResponse> {
    const type = holderType(request.kind);
    const holder = await this.identities.requireHolder(type, request.entityName);
    const policy = await this.identities.manager.findOneBy(InlinePolicyEntity, { entityType: type, entityId: holder.id, policyName: request.policyName });
    if (!policy) throw iamErrors.noSuchEntity(`The ${HOLDER_LIMITS[type].label} policy with name ${request.policyName} cannot be found.`);
    return { entityName: holder.name, policyName: policy.policyName, policyDocument: policy.document };
  }

  async listInlinePolicies(request: iam.ListInlinePoliciesRequest): Promise<Page<string>> {
    const type = holderType(request.kind);
    const holder = await this.identities.requireHolder(type, request.entityName);
    const policies = await this.identities.manager.findBy(InlinePolicyEntity, { entityType: type, entityId: holder.id });
    return mapPage(memoryPage(policies, (p) => p.policyName, request), (p) => p.policyName);
  }

  async deleteInlinePolicy(request: iam.DeleteInlinePolicyRequest): Promise<void> {
    const type = holderType(request.kind);
    const holder = await this.identities.requireHolder(type, request.entityName);
    const removed = await this.identities.transaction((m) => m.delete(InlinePolicyEntity, { entityType: type, entityId: holder.id, policyName: request.policyName }));
    if (!removed.affected) throw iamErrors.noSuchEntity(`The ${HOLDER_LIMITS[type].label} policy with name ${request.policyName} cannot be found.`);
  }

  /**
   * Everything an authorization decision about `principalArn` needs from the store: for a user
   * its own and its groups' inline and attached policies (default versions), for a role session
   * (arn:aws:sts::<account>:assumed-role/<role>/<session>) its role's. Undefined when the
   * principal does not exist (any more).
   */
  async policiesOf(principalArn: string): Promise<PrincipalPolicies | undefined> {
    const account = await this.identities.findAccount();
    if (!account) return undefined;
    const m = this.identities.manager;
    const session = SESSION_ARN.exec(principalArn);
    let principal: policy.Principal;
    let holders: PolicyHolder[];
    if (session) {
      const role = session[1] === account.accountId ? await m.findOneBy(RoleEntity, { nameKey: session[2]!.toLowerCase() }) : null;
      if (!role || role.roleName !== session[2]) return undefined;
      principal = sessionPrincipal(role, session[3]!, account.accountId);
      holders = [{ type: 'role', id: role.roleId, name: role.roleName, arn: role.arn }];
    } else {
      const user = await this.identities.findUserByArn(principalArn);
      if (!user) return undefined;
      principal = toPrincipal(user, account.accountId);
      holders = await this.identities.holdersOfUser(user);
    }
    const policies: PrincipalPolicies['policies'] = [];
    const seen = new Set<string>();
    for (const holder of holders) {
      const inline = await m.find(InlinePolicyEntity, { where: { entityType: holder.type, entityId: holder.id }, order: { policyName: 'ASC' } });
      for (const p of inline) policies.push({ id: `${holder.type}/${holder.name}/inline/${p.policyName}`, document: p.document });
    }
    const attached = await m
      .createQueryBuilder(PolicyAttachmentEntity, 'a')
      .innerJoin(ManagedPolicyEntity, 'p', 'p.policyId = a.policyId')
      .innerJoin(PolicyVersionEntity, 'v', 'v.policyId = p.policyId AND v.versionId = p.defaultVersionId')
      .select('p.arn', 'arn')
      .addSelect('v.document', 'document')
      .where(new Brackets((q) => holders.forEach((h, i) => q.orWhere(`(a.entityType = :type${i} AND a.entityId = :id${i})`, { [`type${i}`]: h.type, [`id${i}`]: h.id }))))
      .orderBy('p.arn')
      .getRawMany<{ arn: string; document: string }>();
    for (const row of attached) {
      if (seen.has(row.arn)) continue;
      seen.add(row.arn);
      policies.push({ id: row.arn, document: row.document });
    }
    return { principal, policies };
  }

  private async requirePolicy(policyArn: string): Promise<ManagedPolicyEntity> {
    checkPolicyArn(policyArn);
    const policy = await this.identities.manager.findOneBy(ManagedPolicyEntity, { arn: policyArn });
    if (!policy) throw iamErrors.noSuchEntity(`Policy ${policyArn} was not found.`);
    return policy;
  }

  private async requireVersion(policy: ManagedPolicyEntity, versionId: string, m: EntityManager = this.identities.manager): Promise<PolicyVersionEntity> {
    const version = /^v[1-9]\d{0,8}$/.test(versionId) ? await m.findOneBy(PolicyVersionEntity, { policyId: policy.policyId, versionId }) : null;
    if (!version) throw iamErrors.noSuchEntity(`Policy ${policy.arn} version ${versionId} does not exist or is not attachable.`);
    return version;
  }

  private async attachmentCount(policyId: string): Promise<number> {
    return this.identities.manager.countBy(PolicyAttachmentEntity, { policyId });
  }

  private async attachmentCounts(policyIds: string[]): Promise<Map<string, number>> {
    if (policyIds.length === 0) return new Map();
    const rows = await this.identities.manager
      .createQueryBuilder(PolicyAttachmentEntity, 'a')
      .select('a.policyId', 'policyId')
      .addSelect('COUNT(*)', 'count')
      .where('a.policyId IN (:...policyIds)', { policyIds })
      .groupBy('a.policyId')
      .getRawMany<{ policyId: string; count: string }>();
    return new Map(rows.map((r) => [r.policyId, Number(r.count)]));
  }
}

function checkPolicyArn(arn: string): void {
  if (!POLICY_ARN.test(arn)) throw iamErrors.invalidInput(`ARN ${arn} is not valid.`);
}

function checkManagedDocument(document: string): void {
  parseStatements(document, 'identity');
  if (policySize(document) > MAX_MANAGED_POLICY_SIZE) throw iamErrors.limitExceeded(`Cannot exceed quota for PolicySize: ${MAX_MANAGED_POLICY_SIZE}`);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

function mapPage<T, U>(page: Page<T>, f: (item: T) => U): Page<U> {
  return { items: page.items.map(f), isTruncated: page.isTruncated, marker: page.marker };
}

function toManagedPolicy(p: ManagedPolicyEntity, attachmentCount: number): iam.ManagedPolicy {
  return {
    policyName: p.policyName,
    policyId: p.policyId,
    arn: p.arn,
    path: p.path,
    defaultVersionId: p.defaultVersionId,
    attachmentCount,
    description: p.description,
    createDate: p.createdAt.getTime(),
    updateDate: p.updatedAt.getTime(),
    awsManaged: p.awsManaged,
  };
}

function toPolicyVersion(v: PolicyVersionEntity, policy: ManagedPolicyEntity, withDocument: boolean): iam.PolicyVersion {
  return { versionId: v.versionId, document: withDocument ? v.document : '', isDefaultVersion: v.versionId === policy.defaultVersionId, createDate: v.createdAt.getTime() };
}

