import { Injectable } from '@nestjs/common';
import { iam } from '@cairn/contracts';
import { QueryFailedError } from 'typeorm';
import { IdentityRepository } from '../account/identity.repository';
import { UserEntity } from '../account/user.entity';
import { PolicyAttachmentEntity } from '../policies/policy-attachment.entity';
import { InlinePolicyEntity } from '../policies/inline-policy.entity';
import { isObject, parseStatements, policySize, stringList } from '../policies/policy-document';
import { SessionCredentialEntity } from '../sts/session-credential.entity';
import { iamId } from '../credentials/secrets';
import { checkName, checkPath, checkPathPrefix, constraintError, iamErrors, likePrefix } from '../iam/iam-errors';
import { keysetPage, Page, PageRequest } from '../iam/paging';
import { RoleEntity } from './role.entity';

const MIN_SESSION = 3600;
const MAX_SESSION = 43200;
/** IAM's default quota on a trust policy's size (characters without white space). */
const TRUST_POLICY_SIZE = 2048;
const PRINCIPAL_KEYS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const AWS_PRINCIPAL = /^(\*|\d{12}|arn:aws:iam::\d{12}:root|arn:aws:iam::(\d{12}):(user|role)\/[\x21-\x7e]+|arn:aws:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/;

/** IAM roles: identities with a trust policy, taken on through STS AssumeRole. */
@Injectable()
export class RolesService {
  constructor(private readonly identities: IdentityRepository) {}

  async createRole(request: iam.CreateRoleRequest): Promise<iam.Role> {
    checkName('roleName', request.roleName, 64);
    const path = checkPath(request.path);
    if (request.description.length > 1000) throw constraintError('description', request.description, 'Member must have length less than or equal to 1000');
    const maxSessionDuration = request.maxSessionDuration || MIN_SESSION;
    if (maxSessionDuration < MIN_SESSION || maxSessionDuration > MAX_SESSION) {
      throw constraintError('maxSessionDuration', String(maxSessionDuration), `Member must have value between ${MIN_SESSION} and ${MAX_SESSION}`);
    }
    await this.checkTrustPolicy(request.assumeRolePolicyDocument);
    const account = await this.identities.requireAccount();
    const nameKey = request.roleName.toLowerCase();
    const exists = () => iamErrors.alreadyExists(`Role with name ${request.roleName} already exists.`);
    if (await this.identities.manager.findOneBy(RoleEntity, { nameKey })) throw exists();
    const roleId = iamId('AROA');
    try {
      await this.identities.transaction((m) =>
        m.insert(RoleEntity, {
          roleId,
          roleName: request.roleName,
          nameKey,
          path,
          arn: `arn:aws:iam::${account.accountId}:role${path}${request.roleName}`,
          assumeRolePolicyDocument: request.assumeRolePolicyDocument,
          description: request.description,
          maxSessionDuration,
        }),
      );
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') throw exists();
      throw error;
    }
    return toRole((await this.identities.findRoleById(roleId))!);
  }

  async getRole(roleName: string): Promise<iam.Role> {
    return toRole(await this.identities.requireRole(roleName));
  }

  async listRoles(pathPrefix: string, page: PageRequest): Promise<Page<iam.Role>> {
    const query = this.identities.manager.createQueryBuilder(RoleEntity, 'r').where('r.path LIKE :prefix', { prefix: likePrefix(checkPathPrefix(pathPrefix)) });
    const listed = await keysetPage(query, ['r.nameKey', 'r.roleId'], (r) => [r.nameKey, r.roleId], page);
    return { ...listed, items: listed.items.map(toRole) };
  }

  /** The role's sessions end with it: their credentials are refused from now on. */
  async deleteRole(roleName: string): Promise<void> {
    await this.identities.transaction(async (m) => {
      const role = await this.identities.requireRole(roleName, m);
      if (await m.existsBy(PolicyAttachmentEntity, { entityType: 'role', entityId: role.roleId })) throw iamErrors.deleteConflict('Cannot delete entity, must detach all policies first.');
      if (await m.existsBy(InlinePolicyEntity, { entityType: 'role', entityId: role.roleId })) throw iamErrors.deleteConflict('Cannot delete entity, must delete policies first.');
      await m.delete(SessionCredentialEntity, { roleId: role.roleId });
      await m.delete(RoleEntity, { roleId: role.roleId });
    });
  }

  async updateAssumeRolePolicy(roleName: string, document: string): Promise<void> {
    const role = await this.identities.requireRole(roleName);
    await this.checkTrustPolicy(document);
    await this.identities.transaction((m) => m.update(RoleEntity, { roleId: role.roleId }, { assumeRolePolicyDocument: document }));
  }

  /** Shape, size, and principals IAM would accept; named users and roles of this account must exist. */
  private async checkTrustPolicy(document: string): Promise<void> {
    const statements = parseStatements(document, 'trust');
    if (policySize(document) > TRUST_POLICY_SIZE) throw iamErrors.limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_SIZE}`);
    const account = await this.identities.requireAccount();
    for (const statement of statements) {
      const principal = statement.Principal ?? statement.NotPrincipal;
      if (principal === '*') continue;
      if (!isObject(principal) || Object.keys(principal).length === 0 || Object.keys(principal).some((k) => !PRINCIPAL_KEYS.has(k))) {
        throw iamErrors.malformedPolicy('Invalid principal in policy');
      }
      for (const value of stringList(principal.AWS)) {
        const match = AWS_PRINCIPAL.exec(value);
        const invalid = () => iamErrors.malformedPolicy(`Invalid principal in policy: "AWS":"${value}"`);
        if (!match) throw invalid();
        if (match[2] === account.accountId) {
          const exists = match[3] === 'user' ? await this.identities.manager.existsBy(UserEntity, { arn: value }) : await this.identities.manager.existsBy(RoleEntity, { arn: value });
          if (!exists) throw invalid();
        }
      }
    }
  }
}

export function toRole(r: RoleEntity): iam.Role {
  return {
    roleName: r.roleName,
    roleId: r.roleId,
    arn: r.arn,
    path: r.path,
    createDate: r.createdAt.getTime(),
    assumeRolePolicyDocument: r.assumeRolePolicyDocument,
    description: r.description,
    maxSessionDuration: r.maxSessionDuration,
  };
}
