import { Injectable } from '@nestjs/common';
import { policy } from '@cairn/contracts';
import { EntityManager, QueryFailedError } from 'typeorm';
import { IdentityRepository } from '../account/identity.repository';
import { UserEntity } from '../account/user.entity';
import { AccessKeyEntity } from '../credentials/access-key.entity';
import { GitCredentialEntity } from '../credentials/git-credential.entity';
import { SshPublicKeyEntity } from '../credentials/ssh-public-key.entity';
import { GroupMembershipEntity } from '../groups/group-membership.entity';
import { PolicyAttachmentEntity } from '../policies/policy-attachment.entity';
import { InlinePolicyEntity } from '../policies/inline-policy.entity';
import { iamId } from '../credentials/secrets';
import { checkName, checkPath, checkPathPrefix, iamErrors, likePrefix } from '../iam/iam-errors';
import { keysetPage, Page, PageRequest } from '../iam/paging';

/** IAM users. */
@Injectable()
export class UsersService {
  constructor(private readonly identities: IdentityRepository) {}

  async createUser(request: policy.CreateUserRequest): Promise<policy.User> {
    checkName('userName', request.userName, 64);
    const path = checkPath(request.path);
    const account = await this.identities.requireAccount();
    // IAM user names are unique regardless of case.
    if (await this.identities.findUserByName(request.userName)) throw alreadyExists(request.userName);
    const user: Partial<UserEntity> = {
      userId: iamId('AIDA'),
      userName: request.userName,
      path,
      arn: `arn:aws:iam::${account.accountId}:user${path}${request.userName}`,
      isAdministrator: false,
    };
    try {
      await this.identities.transaction((m) => m.insert(UserEntity, user));
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') throw alreadyExists(request.userName);
      throw error;
    }
    return toUser((await this.identities.findUserById(user.userId!))!);
  }

  async getUser(userName: string): Promise<policy.User> {
    return toUser(await this.identities.requireUser(userName));
  }

  async listUsers(pathPrefix: string, page: PageRequest): Promise<Page<policy.User>> {
    const query = this.identities.manager.createQueryBuilder(UserEntity, 'u').where('u.path LIKE :prefix', { prefix: likePrefix(checkPathPrefix(pathPrefix)) });
    const listed = await keysetPage(query, ['u.userName', 'u.userId'], (u) => [u.userName, u.userId], page);
    return { ...listed, items: listed.items.map(toUser) };
  }

  /** As IAM: only a user with nothing left attached can go. */
  async deleteUser(userName: string): Promise<void> {
    await this.identities.transaction(async (m) => {
      const user = await this.identities.requireUser(userName, m, true);
      const conflict = await deleteConflict(m, user.userId);
      if (conflict) throw iamErrors.deleteConflict(`Cannot delete entity, must ${conflict} first.`);
      await m.delete(UserEntity, { userId: user.userId });
    });
  }
}

async function deleteConflict(m: EntityManager, userId: string): Promise<string | undefined> {
  if (await m.existsBy(AccessKeyEntity, { userId })) return 'delete access keys';
  if (await m.existsBy(GitCredentialEntity, { userId })) return 'delete service specific credentials';
  if (await m.existsBy(SshPublicKeyEntity, { userId })) return 'delete SSH public keys';
  if (await m.existsBy(GroupMembershipEntity, { userId })) return 'remove users from group';
  if (await m.existsBy(PolicyAttachmentEntity, { entityType: 'user', entityId: userId })) return 'detach all policies';
  if (await m.existsBy(InlinePolicyEntity, { entityType: 'user', entityId: userId })) return 'delete policies';
  return undefined;
}

function alreadyExists(userName: string) {
  return iamErrors.alreadyExists(`User with name ${userName} already exists.`);
}

export function toUser(user: UserEntity): policy.User {
  return { userName: user.userName, userId: user.userId, arn: user.arn, path: user.path, createDate: user.createdAt.getTime() };
}
