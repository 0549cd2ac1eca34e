import { Injectable } from '@nestjs/common';
import { domainCodeOf, iam } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { IdentityRepository } from '../account/identity.repository';
import { UsersService } from '../users/users.service';
import { GroupsService } from '../groups/groups.service';
import { RolesService } from '../roles/roles.service';
import { PoliciesService } from '../policies/policies.service';
import { holderType } from '../policies/policy-holders';
import { AccessKeysService } from '../credentials/access-keys.service';
import { GitCredentialsService } from '../credentials/git-credentials.service';
import { SshKeysService } from '../credentials/ssh-keys.service';
import { StsService } from '../sts/sts.service';
import { SimulationService } from '../simulation/simulation.service';

const empty = {};

/** The IAM/STS management RPCs (libs/contracts/proto/policy/v1/iam.proto). */
@Injectable()
export class IamGrpcController {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly roles: RolesService,
    private readonly policies: PoliciesService,
    private readonly accessKeys: AccessKeysService,
    private readonly gitCredentials: GitCredentialsService,
    private readonly sshKeys: SshKeysService,
    private readonly sts: StsService,
    private readonly simulation: SimulationService,
  ) {}

  readonly implementation: iam.IamServer = {
    resolveArn: unary((req: iam.ResolveArnRequest) => this.resolveArn(req)),

    getUser: unary(async (req: iam.GetUserRequest) => ({ user: await this.users.getUser(req.userName) })),
    listUsers: unary(async (req: iam.ListUsersRequest) => {
      const page = await this.users.listUsers(req.pathPrefix, req);
      return { users: page.items, isTruncated: page.isTruncated, marker: page.marker };
    }),
    deleteUser: unary(async (req: iam.DeleteUserRequest) => (await this.users.deleteUser(req.userName), empty)),

    createGroup: unary(async (req: iam.CreateGroupRequest) => ({ group: await this.groups.createGroup(req) })),
    getGroup: unary(async (req: iam.GetGroupRequest) => {
      const { group, users } = await this.groups.getGroup(req);
      return { group, users: users.items, isTruncated: users.isTruncated, marker: users.marker };
    }),
    listGroups: unary(async (req: iam.ListGroupsRequest) => {
      const page = await this.groups.listGroups(req.pathPrefix, req);
      return { groups: page.items, isTruncated: page.isTruncated, marker: page.marker };
    }),
    deleteGroup: unary(async (req: iam.DeleteGroupRequest) => (await this.groups.deleteGroup(req.groupName), empty)),
    addUserToGroup: unary(async (req: iam.AddUserToGroupRequest) => (await this.groups.addUserToGroup(req.groupName, req.userName), empty)),
    removeUserFromGroup: unary(async (req: iam.RemoveUserFromGroupRequest) => (await this.groups.removeUserFromGroup(req.groupName, req.userName), empty)),
    listGroupsForUser: unary(async (req: iam.ListGroupsForUserRequest) => {
      const page = await this.groups.listGroupsForUser(req.userName, req);
      return { groups: page.items, isTruncated: page.isTruncated, marker: page.marker };
    }),

    createRole: unary(async (req: iam.CreateRoleRequest) => ({ role: await this.roles.createRole(req) })),
    getRole: unary(async (req: iam.GetRoleRequest) => ({ role: await this.roles.getRole(req.roleName) })),
    listRoles: unary(async (req: iam.ListRolesRequest) => {
      const page = await this.roles.listRoles(req.pathPrefix, req);
      return { roles: page.items, isTruncated: page.isTruncated, marker: page.marker };
    }),
    deleteRole: unary(async (req: iam.DeleteRoleRequest) => (await this.roles.deleteRole(req.roleName), empty)),
    updateAssumeRolePolicy: unary(async (req: iam.UpdateAssumeRolePolicyRequest) => (await this.roles.updateAssumeRolePolicy(req.roleName, req.policyDocument), empty)),

    createPolicy: unary(async (req: iam.CreatePolicyRequest) => ({ policy: await this.policies.createPolicy(req) })),
    getPolicy: unary(async (req: iam.GetPolicyRequest) => ({ policy: await this.policies.getPolicy(req.policyArn) })),
    listPolicies: unary(async (req: iam.ListPoliciesRequest) => {
      const page = await this.policies.listPolicies(req);
      return { policies: page.items, isTruncated: page.isTruncated, marker: page.marker };
    }),
    deletePolicy: unary(async (req: iam.DeletePolicyRequest) => (await this.policies.deletePolicy(req.policyArn), empty)),
    createPolicyVersion: unary(async (req: iam.CreatePolicyVersionRequest) => ({ policyVersion: await this.policies.createPolicyVersion(req) })),
    getPolicyVersion: unary(async (req: iam.GetPolicyVersionRequest) => ({ policyVersion: await this.policies.getPolicyVersion(req.policyArn, req.versionId) })),
    listPolicyVersions: unary(async (req: iam.ListPolicyVersionsRequest) => {
      const page = await this.policies.listPolicyVersions(req);
      return { versions: page.items, isTruncated: page.isTruncated, marker: page.marker };
    }),
    deletePolicyVersion: unary(async (req: iam.DeletePolicyVersionRequest) => (await this.policies.deletePolicyVersion(req.policyArn, req.versionId), empty)),
    setDefaultPolicyVersion: unary(async (req: iam.SetDefaultPolicyVersionRequest) => (await this.policies.setDefaultPolicyVersion(req.policyArn, req.versionId), empty)),

    attachPolicy: unary(async (req: iam.AttachPolicyRequest) => (await this.policies.attachPolicy(req), empty)),
    detachPolicy: unary(async (req: iam.DetachPolicyRequest) => (await this.policies.detachPolicy(req), empty)),
    listAttachedPolicies: unary(async (req: iam.ListAttachedPoliciesRequest) => {
      const page = await this.policies.listAttachedPolicies(req);
      return { attachedPolicies: page.items, isTruncated: page.isTruncated, marker: page.marker };
    }),

    putInlinePolicy: unary(async (req: iam.PutInlinePolicyRequest) => (await this.policies.putInlinePolicy(req), empty)),
    getInlinePolicy: unary((req: iam.GetInlinePolicyRequest) => this.policies.getInlinePolicy(req)),
    listInlinePolicies: unary(async (req: iam.ListInlinePoliciesRequest) => {
      const page = await this.policies.listInlinePolicies(req);
      return { policyNames: page.items, isTruncated: page.isTruncated, marker: page.marker };
    }),
    deleteInlinePolicy: unary(async (req: iam.DeleteInlinePolicyRequest) => (await this.policies.deleteInlinePolicy(req), empty)),

    createAccessKey: unary(async (req: iam.CreateAccessKeyRequest) => ({ accessKey: await this.accessKeys.create(req.userName) })),
    listAccessKeys: unary(async (req: iam.ListAccessKeysRequest) => {
      const page = await this.accessKeys.list(req.userName, req);
      return { accessKeys: page.items, isTruncated: page.isTruncated, marker: page.marker };
    }),
    updateAccessKey: unary(async (req: iam.UpdateAccessKeyRequest) => (await this.accessKeys.update(req.userName, req.accessKeyId, req.status), empty)),
    deleteAccessKey: unary(async (req: iam.DeleteAccessKeyRequest) => (await this.accessKeys.delete(req.userName, req.accessKeyId), empty)),

    listServiceSpecificCredentials: unary(async (req: iam.ListServiceSpecificCredentialsRequest) => ({
      credentials: await this.gitCredentials.list(req.userName, req.serviceName),
    })),
    resetServiceSpecificCredential: unary(async (req: iam.ResetServiceSpecificCredentialRequest) => ({
      credential: await this.gitCredentials.reset(req.userName, req.serviceSpecificCredentialId),
    })),
    updateServiceSpecificCredential: unary(
      async (req: iam.UpdateServiceSpecificCredentialRequest) => (await this.gitCredentials.update(req.userName, req.serviceSpecificCredentialId, req.status), empty),
    ),
    deleteServiceSpecificCredential: unary(
      async (req: iam.DeleteServiceSpecificCredentialRequest) => (await this.gitCredentials.delete(req.userName, req.serviceSpecificCredentialId), empty),
    ),

    uploadSshPublicKey: unary(async (req: iam.UploadSshPublicKeyRequest) => ({ sshPublicKey: await this.sshKeys.upload(req.userName, req.sshPublicKeyBody) })),
    getSshPublicKey: unary(async (req: iam.GetSshPublicKeyRequest) => ({ sshPublicKey: await this.sshKeys.get(req.userName, req.sshPublicKeyId, req.encoding) })),
    listSshPublicKeys: unary(async (req: iam.ListSshPublicKeysRequest) => {
      const page = await this.sshKeys.list(req.userName, req);
      return { sshPublicKeys: page.items, isTruncated: page.isTruncated, marker: page.marker };
    }),
    updateSshPublicKey: unary(async (req: iam.UpdateSshPublicKeyRequest) => (await this.sshKeys.update(req.userName, req.sshPublicKeyId, req.status), empty)),
    deleteSshPublicKey: unary(async (req: iam.DeleteSshPublicKeyRequest) => (await this.sshKeys.delete(req.userName, req.sshPublicKeyId), empty)),

    assumeRole: unary((req: iam.AssumeRoleRequest) => this.sts.assumeRole(req)),

    simulatePrincipalPolicy: unary((req: iam.SimulatePrincipalPolicyRequest) => this.simulation.simulatePrincipalPolicy(req)),
  };

  /** The ARN to authorize an action on a named entity: its real one, or the one it would get. */
  private async resolveArn(req: iam.ResolveArnRequest): Promise<iam.ResolveArnResponse> {
    const type = holderType(req.kind);
    const found = await this.identities.requireHolder(type, req.name).catch((error: unknown) => {
      if (domainCodeOf(error) === 'NoSuchEntityException') return undefined;
      throw error;
    });
    if (found) return { arn: found.arn, exists: true };
    const { accountId } = await this.identities.requireAccount();
    return { arn: `arn:aws:iam::${accountId}:${type}/${req.name}`, exists: false };
  }
}
