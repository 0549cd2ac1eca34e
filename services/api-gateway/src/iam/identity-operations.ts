import { callUnary, iam } from '@cairn/contracts';
import { Operation } from '../operation';
import { IamUpstream } from './iam-upstream';
import { integer, optional, page, pageXml, required, userNameOrCaller } from './query-input';
import { groupXml, roleXml, userXml } from './iam-xml';

const { ENTITY_KIND_USER: USER, ENTITY_KIND_GROUP: GROUP, ENTITY_KIND_ROLE: ROLE } = iam.EntityKind;

/** Users, groups and roles. */
export function identityOperations(upstream: IamUpstream): Record<string, Operation> {
  const c = upstream.client;
  const arnOf = async (kind: iam.EntityKind, name: string) => (await callUnary(c, c.resolveArn, { kind, name })).arn;
  const newArn = async (type: string, input: Record<string, unknown>, nameMember: string) =>
    `arn:aws:iam::${await upstream.accountId()}:${type}${optional(input, 'Path') || '/'}${required(input, nameMember)}`;
  const everything = async () => ['*'];

  return {
    GetUser: {
      resources: async (input, caller) => [await arnOf(USER, userNameOrCaller(input, caller))],
      run: async (input, caller) => ({ User: userXml((await callUnary(c, c.getUser, { userName: userNameOrCaller(input, caller) })).user!) }),
    },
    ListUsers: {
      resources: everything,
      run: async (input) => {
        const r = await callUnary(c, c.listUsers, { pathPrefix: optional(input, 'PathPrefix'), ...page(input) });
        return { Users: r.users.map(userXml), ...pageXml(r) };
      },
    },
    DeleteUser: {
      resources: async (input) => [await arnOf(USER, required(input, 'UserName'))],
      run: async (input) => void (await callUnary(c, c.deleteUser, { userName: required(input, 'UserName') })),
    },

    CreateGroup: {
      resources: async (input) => [await newArn('group', input, 'GroupName')],
      run: async (input) => ({ Group: groupXml((await callUnary(c, c.createGroup, { groupName: required(input, 'GroupName'), path: optional(input, 'Path') })).group!) }),
    },
    GetGroup: {
      resources: async (input) => [await arnOf(GROUP, required(input, 'GroupName'))],
      run: async (input) => {
        const r = await callUnary(c, c.getGroup, { groupName: required(input, 'GroupName'), ...page(input) });
        return { Group: groupXml(r.group!), Users: r.users.map(userXml), ...pageXml(r) };
      },
    },
    ListGroups: {
      resources: everything,
      run: async (input) => {
        const r = await callUnary(c, c.listGroups, { pathPrefix: optional(input, 'PathPrefix'), ...page(input) });
        return { Groups: r.groups.map(groupXml), ...pageXml(r) };
      },
    },
    DeleteGroup: {
      resources: async (input) => [await arnOf(GROUP, required(input, 'GroupName'))],
      run: async (input) => void (await callUnary(c, c.deleteGroup, { groupName: required(input, 'GroupName') })),
    },
    AddUserToGroup: {
      resources: async (input) => [await arnOf(GROUP, required(input, 'GroupName'))],
      run: async (input) => void (await callUnary(c, c.addUserToGroup, { groupName: required(input, 'GroupName'), userName: required(input, 'UserName') })),
    },
    RemoveUserFromGroup: {
      resources: async (input) => [await arnOf(GROUP, required(input, 'GroupName'))],
      run: async (input) => void (await callUnary(c, c.removeUserFromGroup, { groupName: required(input, 'GroupName'), userName: required(input, 'UserName') })),
    },
    ListGroupsForUser: {
      resources: async (input) => [await arnOf(USER, required(input, 'UserName'))],
      run: async (input) => {
        const r = await callUnary(c, c.listGroupsForUser, { userName: required(input, 'UserName'), ...page(input) });
        return { Groups: r.groups.map(groupXml), ...pageXml(r) };
      },
    },

    CreateRole: {
      resources: async (input) => [await newArn('role', input, 'RoleName')],
      run: async (input) => {
        const { role } = await callUnary(c, c.createRole, {
          roleName: required(input, 'RoleName'),
          path: optional(input, 'Path'),
          assumeRolePolicyDocument: required(input, 'AssumeRolePolicyDocument'),
          description: optional(input, 'Description'),
          maxSessionDuration: integer(input, 'MaxSessionDuration'),
        });
        return { Role: roleXml(role!) };
      },
    },
    GetRole: {
      resources: async (input) => [await arnOf(ROLE, required(input, 'RoleName'))],
      run: async (input) => ({ Role: roleXml((await callUnary(c, c.getRole, { roleName: required(input, 'RoleName') })).role!) }),
    },
    ListRoles: {
      resources: everything,
      run: async (input) => {
        const r = await callUnary(c, c.listRoles, { pathPrefix: optional(input, 'PathPrefix'), ...page(input) });
        return { Roles: r.roles.map(roleXml), ...pageXml(r) };
      },
    },
    DeleteRole: {
      resources: async (input) => [await arnOf(ROLE, required(input, 'RoleName'))],
      run: async (input) => void (await callUnary(c, c.deleteRole, { roleName: required(input, 'RoleName') })),
    },
    UpdateAssumeRolePolicy: {
      resources: async (input) => [await arnOf(ROLE, required(input, 'RoleName'))],
      run: async (input) => void (await callUnary(c, c.updateAssumeRolePolicy, { roleName: required(input, 'RoleName'), policyDocument: required(input, 'PolicyDocument') })),
    },
  };
}
