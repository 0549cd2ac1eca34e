/**
 * The entities a simulation is about, read from the store: the PolicySourceArn's user, group or
 * role with the policies that apply to it, and the CallerArn's user. PoliciesService.policiesOf
 * answers for users and role sessions (what Authorize sees) and keeps no names or kinds of
 * policy; a simulation also takes groups and roles and reports each policy by name and kind.
 */
import { Brackets } from 'typeorm';
import { IdentityRepository, PolicyHolder } from '../account/identity.repository';
import { GroupEntity } from '../groups/group.entity';
import { RoleEntity } from '../roles/role.entity';
import { InlinePolicyEntity } from '../policies/inline-policy.entity';
import { ManagedPolicyEntity } from '../policies/managed-policy.entity';
import { PolicyAttachmentEntity } from '../policies/policy-attachment.entity';
import { PolicyVersionEntity } from '../policies/policy-version.entity';
import type { RequestPrincipal } from '../evaluation';
import { iamErrors } from '../iam/iam-errors';
import type { SimulationPolicy } from './simulate';

/** The simulated identity: who it is as a caller, and its policies. */
export interface SimulationSource {
  readonly kind: 'user' | 'group' | 'role';
  readonly principal: RequestPrincipal;
  /** The bootstrap administrator, which Authorize allows everything. */
  readonly administrator: boolean;
  readonly policies: SimulationPolicy[];
}

/** What a simulation reads; an interface so that the request handling can be tested without a database. */
export interface SimulationSources {
  /** The PolicySourceArn's entity; InvalidInput for an ARN that is no user, group or role, NoSuchEntity when it does not exist. */
  load(policySourceArn: string): Promise<SimulationSource>;
  /** The CallerArn's user; InvalidInput when the ARN is not a user's, NoSuchEntity when it does not exist. */
  caller(callerArn: string): Promise<RequestPrincipal>;
}

const ENTITY_ARN = /^arn:aws:iam::(\d{12}):(user|group|role)(\/(?:[\x21-\x7e]*\/)?)([\w+=,.@-]+)$/;

function parseArn(arn: string): { type: 'user' | 'group' | 'role'; name: string } {
  const m = ENTITY_ARN.exec(arn);
  if (!m) throw iamErrors.invalidInput(`Invalid ARN ${arn}: PolicySourceArn must be the ARN of a user, a group or a role.`);
  return { type: m[2] as 'user' | 'group' | 'role', name: m[4]! };
}

function noSuch(type: string, name: string) {
  return iamErrors.noSuchEntity(`The ${type} with name ${name} cannot be found.`);
}

export class PolicySources implements SimulationSources {
  constructor(private readonly identities: IdentityRepository) {}

  async load(policySourceArn: string): Promise<SimulationSource> {
    const { type, name } = parseArn(policySourceArn);
    const { accountId } = await this.identities.requireAccount();
    const m = this.identities.manager;
    // By full ARN: an entity of that name under another path is not the one asked about.
    if (type === 'user') {
      const user = await this.identities.findUserByArn(policySourceArn);
      if (!user) throw noSuch(type, name);
      const holders = await this.identities.holdersOfUser(user);
      return {
        kind: type,
        principal: { arn: user.arn, userName: user.userName, userId: user.userId, accountId },
        administrator: user.isAdministrator,
        policies: await this.policiesOf(holders),
      };
    }
    if (type === 'group') {
      const group = await m.findOneBy(GroupEntity, { arn: policySourceArn });
      if (!group) throw noSuch(type, name);
      return {
        kind: type,
        // A group never calls; its ARN and id stand in for the caller (no aws:username).
        principal: { arn: group.arn, userId: group.groupId, accountId },
        administrator: false,
        policies: await this.policiesOf([{ type, id: group.groupId, name: group.groupName, arn: group.arn }]),
      };
    }
    const role = await m.findOneBy(RoleEntity, { arn: policySourceArn });
    if (!role) throw noSuch(type, name);
    return {
      kind: type,
      principal: { arn: role.arn, userId: role.roleId, accountId, principalArn: role.arn },
      administrator: false,
      policies: await this.policiesOf([{ type, id: role.roleId, name: role.roleName, arn: role.arn }]),
    };
  }

  async caller(callerArn: string): Promise<RequestPrincipal> {
    const m = ENTITY_ARN.exec(callerArn);
    if (!m || m[2] !== 'user') throw iamErrors.invalidInput(`Invalid ARN ${callerArn}: CallerArn must be the ARN of a user.`);
    const { accountId } = await this.identities.requireAccount();
    const user = await this.identities.findUserByArn(callerArn);
    if (!user) throw noSuch('user', m[4]!);
    return { arn: user.arn, userName: user.userName, userId: user.userId, accountId };
  }

  /** Inline policies holder by holder, then the attached managed policies once each (default versions), as policiesOf orders them. */
  private async policiesOf(holders: PolicyHolder[]): Promise<SimulationPolicy[]> {
    const m = this.identities.manager;
    const out: SimulationPolicy[] = [];
    for (const holder of holders) {
      const inline = await m.find(InlinePolicyEntity, { where: { entityType: holder.type, entityId: holder.id }, order: { policyName: 'ASC' } });
      for (const p of inline) {
        out.push({ id: `${holder.type}/${holder.name}/inline/${p.policyName}`, sourcePolicyId: p.policyName, sourcePolicyType: holder.type, document: p.document, layer: 'identity' });
      }
    }
    const attached = await m
      .createQueryBuilder(PolicyAttachmentEntity, 'a')
      .innerJoin(ManagedPolicyEntity, 'p', 'p.policyId = a.policyId')
      .innerJoin(PolicyVersionEntity, 'v', 'v.policyId = p.policyId AND v.versionId = p.defaultVersionId')
      .select('p.arn', 'arn')
      .addSelect('p.policyName', 'policyName')
      .addSelect('v.document', 'document')
      .where(new Brackets((q) => holders.forEach((h, i) => q.orWhere(`(a.entityType = :type${i} AND a.entityId = :id${i})`, { [`type${i}`]: h.type, [`id${i}`]: h.id }))))
      .orderBy('p.arn')
      .getRawMany<{ arn: string; policyName: string; document: string }>();
    const seen = new Set<string>();
    for (const row of attached) {
      // A policy attached to the user and to one of its groups counts once.
      if (seen.has(row.arn)) continue;
      seen.add(row.arn);
      const sourcePolicyType = row.arn.startsWith('arn:aws:iam::aws:policy/') ? 'aws-managed' : 'user-managed';
      out.push({ id: row.arn, sourcePolicyId: row.policyName, sourcePolicyType, document: row.document, layer: 'identity' });
    }
    return out;
  }
}
