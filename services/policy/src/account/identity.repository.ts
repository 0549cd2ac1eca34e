import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccountEntity } from './account.entity';
import { UserEntity } from './user.entity';
import { AccessKeyEntity } from '../credentials/access-key.entity';
import { GitCredentialEntity } from '../credentials/git-credential.entity';
import { SshPublicKeyEntity } from '../credentials/ssh-public-key.entity';
import { GroupEntity } from '../groups/group.entity';
import { GroupMembershipEntity } from '../groups/group-membership.entity';
import { RoleEntity } from '../roles/role.entity';
import { ManagedPolicyEntity } from '../policies/managed-policy.entity';
import { PolicyVersionEntity } from '../policies/policy-version.entity';
import { PolicyAttachmentEntity, EntityType } from '../policies/policy-attachment.entity';
import { InlinePolicyEntity } from '../policies/inline-policy.entity';
import { SessionCredentialEntity } from '../sts/session-credential.entity';
import { iamErrors } from '../iam/iam-errors';

/** A user, group or role, as policies see it. */
export interface PolicyHolder {
  type: EntityType;
  id: string;
  name: string;
  arn: string;
}

/**
 * All persistence of identities and credentials. Reads go through `manager`; a write runs in
 * `transaction` and uses only the manager it is given (in all-in-one mode the pool has one
 * connection, so a query outside the transaction's manager would wait for it forever).
 */
@Injectable()
export class IdentityRepository {
  private writes = 0;

  constructor(private readonly db: DataSource) {}

  /**
   * Counts committed write transactions: anything derived from the store and remembered (the
   * authorization cache) is stale once this moves.
   */
  get generation(): number {
    return this.writes;
  }

  get manager(): EntityManager {
    return this.db.manager;
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(work);
    } finally {
      // Also on failure: a commit whose answer was lost may still have happened.
      this.writes += 1;
    }
  }

  findAccount(): Promise<AccountEntity | null> {
    return this.db.getRepository(AccountEntity).findOne({ where: {}, order: { createdAt: 'ASC' } });
  }

  async requireAccount(): Promise<AccountEntity> {
    const account = await this.findAccount();
    if (!account) throw iamErrors.notBootstrapped();
    return account;
  }

  findUserByArn(arn: string): Promise<UserEntity | null> {
    return this.db.getRepository(UserEntity).findOneBy({ arn });
  }

  findUserById(userId: string): Promise<UserEntity | null> {
    return this.db.getRepository(UserEntity).findOneBy({ userId });
  }

  /**
   * Case-insensitive, as IAM compares user names. With `lock` (inside a transaction) the row is
   * locked, which serializes the quota checks on the user's credentials with DeleteUser.
   */
  findUserByName(userName: string, m: EntityManager = this.db.manager, lock = false): Promise<UserEntity | null> {
    const query = m.getRepository(UserEntity).createQueryBuilder('u').where('lower(u.userName) = lower(:userName)', { userName });
    return (lock ? query.setLock('pessimistic_write') : query).getOne();
  }

  async requireUser(userName: string, m: EntityManager = this.db.manager, lock = false): Promise<UserEntity> {
    const user = userName ? await this.findUserByName(userName, m, lock) : null;
    if (!user) throw iamErrors.noSuchEntity(`The user with name ${userName} cannot be found.`);
    return user;
  }

  /** The groups a user belongs to, by name. */
  groupsOf(userId: string): Promise<GroupEntity[]> {
    return this.db.manager
      .createQueryBuilder(GroupEntity, 'g')
      .innerJoin(GroupMembershipEntity, 'gm', 'gm.groupId = g.groupId')
      .where('gm.userId = :userId', { userId })
      .orderBy('g.nameKey')
      .getMany();
  }

  /** Whose policies apply to a user: the user, then its groups (by name). */
  async holdersOfUser(user: UserEntity): Promise<PolicyHolder[]> {
    const groups = await this.groupsOf(user.userId);
    return [{ type: 'user', id: user.userId, name: user.userName, arn: user.arn }, ...groups.map((g) => ({ type: 'group' as const, id: g.groupId, name: g.groupName, arn: g.arn }))];
  }

  async requireGroup(groupName: string, m: EntityManager = this.db.manager): Promise<GroupEntity> {
    const group = groupName ? await m.findOneBy(GroupEntity, { nameKey: groupName.toLowerCase() }) : null;
    if (!group) throw iamErrors.noSuchEntity(`The group with name ${groupName} cannot be found.`);
    return group;
  }

  async requireRole(roleName: string, m: EntityManager = this.db.manager): Promise<RoleEntity> {
    const role = roleName ? await m.findOneBy(RoleEntity, { nameKey: roleName.toLowerCase() }) : null;
    if (!role) throw iamErrors.noSuchEntity(`The role with name ${roleName} cannot be found.`);
    return role;
  }

  async requireHolder(type: EntityType, name: string, m: EntityManager = this.db.manager): Promise<PolicyHolder> {
    if (type === 'user') {
      const user = await this.requireUser(name, m);
      return { type, id: user.userId, name: user.userName, arn: user.arn };
    }
    if (type === 'group') {
      const group = await this.requireGroup(name, m);
      return { type, id: group.groupId, name: group.groupName, arn: group.arn };
    }
    const role = await this.requireRole(name, m);
    return { type, id: role.roleId, name: role.roleName, arn: role.arn };
  }

  countGitCredentials(userId: string): Promise<number> {
    return this.db.getRepository(GitCredentialEntity).countBy({ userId });
  }

  findAccessKey(accessKeyId: string): Promise<AccessKeyEntity | null> {
    return this.db.getRepository(AccessKeyEntity).findOneBy({ accessKeyId });
  }

  findGitCredential(serviceUserName: string): Promise<GitCredentialEntity | null> {
    return this.db.getRepository(GitCredentialEntity).findOneBy({ serviceUserName });
  }

  findSshPublicKey(sshPublicKeyId: string): Promise<SshPublicKeyEntity | null> {
    return this.db.getRepository(SshPublicKeyEntity).findOneBy({ sshPublicKeyId });
  }

  findSession(accessKeyId: string): Promise<SessionCredentialEntity | null> {
    return this.db.getRepository(SessionCredentialEntity).findOneBy({ accessKeyId });
  }

  findRoleById(roleId: string): Promise<RoleEntity | null> {
    return this.db.getRepository(RoleEntity).findOneBy({ roleId });
  }
}

export const POLICY_ENTITIES = [
  AccountEntity,
  UserEntity,
  AccessKeyEntity,
  GitCredentialEntity,
  SshPublicKeyEntity,
  GroupEntity,
  GroupMembershipEntity,
  RoleEntity,
  ManagedPolicyEntity,
  PolicyVersionEntity,
  PolicyAttachmentEntity,
  InlinePolicyEntity,
  SessionCredentialEntity,
];
