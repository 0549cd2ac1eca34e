import { callUnary, iam, policy } from '@cairn/contracts';
import { Operation } from '../operation';
import { Upstreams } from '../upstreams';
import { IamUpstream } from './iam-upstream';
import { optional, page, pageXml, required, userNameOrCaller } from './query-input';
import { serviceSpecificCredentialXml, sshPublicKeyXml } from './iam-xml';

/** Access keys, HTTPS Git credentials (service-specific credentials) and SSH public keys. */
export function credentialOperations(upstream: IamUpstream, upstreams: Upstreams): Record<string, Operation> {
  const c = upstream.client;
  const p = upstreams.policy;
  const userArn = async (userName: string) => (await callUnary(c, c.resolveArn, { kind: iam.EntityKind.ENTITY_KIND_USER, name: userName })).arn;
  /** For actions whose UserName defaults to the caller. */
  const callerOr = async (input: Record<string, unknown>, caller: policy.Principal) => [await userArn(userNameOrCaller(input, caller))];
  const named = async (input: Record<string, unknown>) => [await userArn(required(input, 'UserName'))];

  return {
    CreateAccessKey: {
      resources: callerOr,
      run: async (input, caller) => {
        const { accessKey } = await callUnary(c, c.createAccessKey, { userName: userNameOrCaller(input, caller) });
        const k = accessKey!;
        return { AccessKey: { UserName: k.userName, AccessKeyId: k.accessKeyId, Status: k.status, SecretAccessKey: k.secretAccessKey, CreateDate: new Date(k.createDate) } };
      },
    },
    ListAccessKeys: {
      resources: callerOr,
      run: async (input, caller) => {
        const r = await callUnary(c, c.listAccessKeys, { userName: userNameOrCaller(input, caller), ...page(input) });
        return { AccessKeyMetadata: r.accessKeys.map((k) => ({ UserName: k.userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: new Date(k.createDate) })), ...pageXml(r) };
      },
    },
    UpdateAccessKey: {
      resources: callerOr,
      run: async (input, caller) =>
        void (await callUnary(c, c.updateAccessKey, { userName: userNameOrCaller(input, caller), accessKeyId: required(input, 'AccessKeyId'), status: required(input, 'Status') })),
    },
    DeleteAccessKey: {
      resources: callerOr,
      run: async (input, caller) => void (await callUnary(c, c.deleteAccessKey, { userName: userNameOrCaller(input, caller), accessKeyId: required(input, 'AccessKeyId') })),
    },

    CreateServiceSpecificCredential: {
      resources: named,
      run: async (input) => {
        const { credential } = await callUnary(p, p.createServiceSpecificCredential, { userName: required(input, 'UserName'), serviceName: required(input, 'ServiceName') });
        return { ServiceSpecificCredential: serviceSpecificCredentialXml(credential!) };
      },
    },
    ListServiceSpecificCredentials: {
      resources: callerOr,
      run: async (input, caller) => {
        const r = await callUnary(c, c.listServiceSpecificCredentials, { userName: userNameOrCaller(input, caller), serviceName: optional(input, 'ServiceName') });
        return { ServiceSpecificCredentials: r.credentials.map(serviceSpecificCredentialXml), IsTruncated: false };
      },
    },
    ResetServiceSpecificCredential: {
      resources: callerOr,
      run: async (input, caller) => {
        const { credential } = await callUnary(c, c.resetServiceSpecificCredential, {
          userName: userNameOrCaller(input, caller),
          serviceSpecificCredentialId: required(input, 'ServiceSpecificCredentialId'),
        });
        return { ServiceSpecificCredential: serviceSpecificCredentialXml(credential!) };
      },
    },
    UpdateServiceSpecificCredential: {
      resources: callerOr,
      run: async (input, caller) =>
        void (await callUnary(c, c.updateServiceSpecificCredential, {
          userName: userNameOrCaller(input, caller),
          serviceSpecificCredentialId: required(input, 'ServiceSpecificCredentialId'),
          status: required(input, 'Status'),
        })),
    },
    DeleteServiceSpecificCredential: {
      resources: callerOr,
      run: async (input, caller) =>
        void (await callUnary(c, c.deleteServiceSpecificCredential, { userName: userNameOrCaller(input, caller), serviceSpecificCredentialId: required(input, 'ServiceSpecificCredentialId') })),
    },

    UploadSSHPublicKey: {
      resources: named,
      run: async (input) => {
        const { sshPublicKey } = await callUnary(c, c.uploadSshPublicKey, { userName: required(input, 'UserName'), sshPublicKeyBody: required(input, 'SSHPublicKeyBody') });
        return { SSHPublicKey: sshPublicKeyXml(sshPublicKey!) };
      },
    },
    GetSSHPublicKey: {
      resources: named,
      run: async (input) => {
        const { sshPublicKey } = await callUnary(c, c.getSshPublicKey, { userName: required(input, 'UserName'), sshPublicKeyId: required(input, 'SSHPublicKeyId'), encoding: required(input, 'Encoding') });
        return { SSHPublicKey: sshPublicKeyXml(sshPublicKey!) };
      },
    },
    ListSSHPublicKeys: {
      resources: callerOr,
      run: async (input, caller) => {
        const r = await callUnary(c, c.listSshPublicKeys, { userName: userNameOrCaller(input, caller), ...page(input) });
        return { SSHPublicKeys: r.sshPublicKeys.map(sshPublicKeyXml), ...pageXml(r) };
      },
    },
    UpdateSSHPublicKey: {
      resources: named,
      run: async (input) =>
        void (await callUnary(c, c.updateSshPublicKey, { userName: required(input, 'UserName'), sshPublicKeyId: required(input, 'SSHPublicKeyId'), status: required(input, 'Status') })),
    },
    DeleteSSHPublicKey: {
      resources: named,
      run: async (input) => void (await callUnary(c, c.deleteSshPublicKey, { userName: required(input, 'UserName'), sshPublicKeyId: required(input, 'SSHPublicKeyId') })),
    },
  };
}
