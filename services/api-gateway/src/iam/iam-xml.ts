import type { iam, policy } from '@cairn/contracts';
import { encodeDocument } from './query-input';

/** IAM's response shapes (awsQuery XML members in the model's names). */
export function userXml(u: policy.User) {
  return { Path: u.path, UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: new Date(u.createDate) };
}

export function groupXml(g: iam.Group) {
  return { Path: g.path, GroupName: g.groupName, GroupId: g.groupId, Arn: g.arn, CreateDate: new Date(g.createDate) };
}

export function roleXml(r: iam.Role) {
  return {
    Path: r.path,
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: new Date(r.createDate),
    AssumeRolePolicyDocument: encodeDocument(r.assumeRolePolicyDocument),
    Description: r.description || undefined,
    MaxSessionDuration: r.maxSessionDuration,
  };
}

export function policyXml(p: iam.ManagedPolicy, withDescription: boolean) {
  return {
    PolicyName: p.policyName,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: p.attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: withDescription && p.description ? p.description : undefined,
    CreateDate: new Date(p.createDate),
    UpdateDate: new Date(p.updateDate),
  };
}

export function policyVersionXml(v: iam.PolicyVersion) {
  return { Document: v.document ? encodeDocument(v.document) : undefined, VersionId: v.versionId, IsDefaultVersion: v.isDefaultVersion, CreateDate: new Date(v.createDate) };
}

export function serviceSpecificCredentialXml(c: policy.ServiceSpecificCredential) {
  return {
    CreateDate: new Date(c.createDate),
    ServiceName: c.serviceName,
    ServiceUserName: c.serviceUserName,
    ServicePassword: c.servicePassword || undefined,
    ServiceSpecificCredentialId: c.serviceSpecificCredentialId,
    UserName: c.userName,
    Status: c.status,
  };
}

export function sshPublicKeyXml(k: iam.SshPublicKey) {
  return {
    UserName: k.userName,
    SSHPublicKeyId: k.sshPublicKeyId,
    Fingerprint: k.sshPublicKeyBody ? k.fingerprint : undefined,
    SSHPublicKeyBody: k.sshPublicKeyBody || undefined,
    Status: k.status,
    UploadDate: new Date(k.uploadDate),
  };
}
