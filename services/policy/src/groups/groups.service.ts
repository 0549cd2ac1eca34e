import { Injectable } from '@nestjs/common';
import { iam, policy } from '@cairn/contracts';
import { QueryFailedError } from 'typeorm';
import { IdentityRepository } from '../account/identity.repository';
import { UserEntity } from '../account/user.entity';
import { PolicyAttachmentEntity } from '../policies/policy-attachment.entity';
import { InlinePolicyEntity } from '../policies/inline-policy.entity';
import { iamId } from '../credentials/secrets';
import { checkName, checkPath, checkPathPrefix, iamErrors, likePrefix } from '../iam/iam-errors';
import { keysetPage, memoryPage, Page, PageRequest } from '../iam/paging';
import { toUser } from '../users/users.service';
import { GroupEntity } from './group.entity';
import { GroupMembershipEntity } from './group-membership.entity';

/** IAM's quota of groups a user may be in. */
const GROUPS_PER_USER = 10;

/** IAM groups and their members. */
@Injectable()
export class GroupsService {
  constructor(private readonly identities: IdentityRepository) {}

  async createGroup(request: iam.CreateGroupRequest): Promise<iam.Group> {
    checkName('groupName', request.groupName, 128);
    const path = checkPath(request.path);
    const account = await this.identities.requireAccount();
    const nameKey = request.groupName.toLowerCase();
    const exists = () => iamErrors.alreadyExists(`Group with name ${request.groupName} already exists.`);
    if (await this.identities.manager.findOneBy(GroupEntity, { nameKey })) throw exists();
    const groupId = iamId('AGPA');
    try {
      await this.identities.transaction((m) =>
        m.insert(GroupEntity, { groupId, groupName: request.groupName, nameKey, path, arn: `arn:aws:iam::${account.accountId}:group${path}${request.groupName}` }),
      );
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') throw exists();
      throw error;
    }
    return toGroup((await this.identities.manager.findOneBy(GroupEntity, { groupId }))!);
  }

  async getGroup(request: iam.GetGroupRequest): Promise<{ group: iam.Group; users: Page<policy.User> }> {
    const group = await this.identities.requireGroup(request.groupName);
    const query = this.identities.manager
      .createQueryBuilder(UserEntity, 'u')
      .innerJoin(GroupMembershipEntity, 'gm', 'gm.userId = u.userId')
      .where('gm.groupId = :groupId', { groupId: group.groupId });
    const users = await keysetPage(query, ['u.userName', 'u.userId'], (u) => [u.userName, u.userId], request);
    return { group: toGroup(group), users: { ...users, items: users.items.map(toUser) } };
  }

  async listGroups(pathPrefix: string, page: PageRequest): Promise<Page<iam.Group>> {
    const query = this.identities.manager.createQueryBuilder(GroupEntity, 'g').where('g.path LIKE :prefix', { prefix: likePrefix(checkPathPrefix(pathPrefix)) });
    const listed = await keysetPage(query, ['g.nameKey', 'g.groupId'], (g) => [g.nameKey, g.groupId], page);
    return { ...listed, items: listed.items.map(toGroup) };
  }

  async deleteGroup(groupName: string): Promise<void> {
    await this.identities.transaction(async (m) => {
      const group = await this.identities.requireGroup(groupName, m);
      if (await m.existsBy(GroupMembershipEntity, { groupId: group.groupId })) throw iamErrors.deleteConflict('Cannot delete entity, must remove users from group first.');
      if (await m.existsBy(PolicyAttachmentEntity, { entityType: 'group', entityId: group.groupId })) throw iamErrors.deleteConflict('Cannot delete entity, must detach all policies first.');
      if (await m.existsBy(InlinePolicyEntity, { entityType: 'group', entityId: group.groupId })) throw iamErrors.deleteConflict('Cannot delete entity, must delete policies first.');
      await m.delete(GroupEntity, { groupId: group.groupId });
    });
  }

  async addUserToGroup(groupName: string, userName: string): Promise<void> {
    await this.identities.transaction(async (m) => {
      const group = await this.identities.requireGroup(groupName, m);
      const user = await this.identities.requireUser(userName, m, true);
      if (await m.existsBy(GroupMembershipEntity, { groupId: group.groupId, userId: user.userId })) return;
      if ((await m.countBy(GroupMembershipEntity, { userId: user.userId })) >= GROUPS_PER_USER) throw iamErrors.limitExceeded(`Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`);
      await m.insert(GroupMembershipEntity, { groupId: group.groupId, userId: user.userId });
    });
  }

  async removeUserFromGroup(groupName: string, userName: string): Promise<void> {
    const group = await this.identities.requireGroup(groupName);
    const user = await this.identities.requireUser(userName);
    const removed = await this.identities.transaction((m) => m.delete(GroupMembershipEntity, { groupId: group.groupId, userId: user.userId }));
    if (!removed.affected) throw iamErrors.noSuchEntity(`User ${user.userName} is not in group ${group.groupName}.`);
  }

  async listGroupsForUser(userName: string, page: PageRequest): Promise<Page<iam.Group>> {
    const user = await this.identities.requireUser(userName);
    const groups = await this.identities.groupsOf(user.userId);
    const listed = memoryPage(groups, (g) => `${g.nameKey} ${g.groupId}`, page);
    return { ...listed, items: listed.items.map(toGroup) };
  }
}

function toGroup(g: GroupEntity): iam.Group {
  return { groupName: g.groupName, groupId: g.groupId, arn: g.arn, path: g.path, createDate: g.createdAt.getTime() };
}
