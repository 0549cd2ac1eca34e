import { Inject, Injectable } from '@nestjs/common';
import { AwsError, CredentialRecord, expiredToken, verifySigV4 } from '@cairn/aws-protocol';
import { policy } from '@cairn/contracts';
import { IdentityRepository } from '../account/identity.repository';
import { UserEntity } from '../account/user.entity';
import { RoleEntity } from '../roles/role.entity';
import { SecretBox, verifyAgainstNothing } from './secrets';
import { PasswordChecks } from './password-checks';
import { POLICY_CONFIG, PolicyConfig } from '../config';

export const SECRET_BOX = Symbol('SECRET_BOX');

export function toPrincipal(user: UserEntity, accountId: string): policy.Principal {
  return { arn: user.arn, userId: user.userId, accountId, name: user.userName, type: 'IAMUser', roleArn: '', sessionName: '' };
}

/** A role session as IAM names it: arn:aws:sts::<account>:assumed-role/<role>/<session>. */
export function sessionPrincipal(role: RoleEntity, sessionName: string, accountId: string): policy.Principal {
  return {
    arn: `arn:aws:sts::${accountId}:assumed-role/${role.roleName}/${sessionName}`,
    userId: `${role.roleId}:${sessionName}`,
    accountId,
    name: `${role.roleName}/${sessionName}`,
    type: 'AssumedRole',
    roleArn: role.arn,
    sessionName,
  };
}

/**
 * Checks the credentials users present: HTTPS Git passwords, SigV4 signatures (access keys and
 * STS session credentials) and SSH keys. Every check reads the store, so a credential that is
 * deactivated, deleted or expired is refused on the very next request.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly identities: IdentityRepository,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(POLICY_CONFIG) private readonly config: PolicyConfig,
    private readonly passwords: PasswordChecks,
  ) {}

  async verifyGitCredential(username: string, password: string): Promise<policy.Principal | undefined> {
    const credential = username.length <= 200 ? await this.identities.findGitCredential(username) : null;
    if (!credential || credential.status !== 'Active') return verifyAgainstNothing(password).then(() => undefined);
    if (!(await this.passwords.matches(password, credential.passwordHash))) return undefined;
    const user = await this.identities.findUserById(credential.userId);
    const account = await this.identities.findAccount();
    return user && account ? toPrincipal(user, account.accountId) : undefined;
  }

  async verifySignature(request: policy.VerifySignatureRequest): Promise<policy.VerifySignatureResponse> {
    const account = await this.identities.findAccount();
    try {
      const caller = await verifySigV4(
        { method: request.method, path: request.path, query: request.query, headers: request.headers, body: request.body },
        (accessKeyId) => (account ? this.lookupSecret(accessKeyId, account.accountId) : Promise.resolve(null)),
        { region: this.config.region, allowedServices: request.allowedServices },
      );
      return { principal: caller.principal, errorCode: '', errorMessage: '', errorStatus: 0, accessKeyId: caller.accessKeyId, errorQueryCode: '', errorQueryStatus: 0 };
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      return {
        principal: undefined,
        errorCode: error.code,
        errorMessage: error.message,
        errorStatus: error.statusCode,
        accessKeyId: '',
        errorQueryCode: error.queryCode,
        errorQueryStatus: error.queryStatusCode,
      };
    }
  }

  /** The owner of an active SSH key, when the blob the client presented is that key. */
  async verifySshKey(sshPublicKeyId: string, publicKeyBlob: Uint8Array): Promise<policy.Principal | undefined> {
    const key = /^APKA[A-Z2-7]{16}$/.test(sshPublicKeyId) ? await this.identities.findSshPublicKey(sshPublicKeyId) : null;
    if (!key || key.status !== 'Active' || !Buffer.from(key.keyBlob, 'base64').equals(Buffer.from(publicKeyBlob))) return undefined;
    const user = await this.identities.findUserById(key.userId);
    const account = await this.identities.findAccount();
    return user && account ? toPrincipal(user, account.accountId) : undefined;
  }

  /** Access keys (AKIA…) and STS session credentials (ASIA…, valid until they expire). */
  private async lookupSecret(accessKeyId: string, accountId: string): Promise<CredentialRecord<policy.Principal> | null> {
    if (accessKeyId.startsWith('ASIA')) {
      const session = await this.identities.findSession(accessKeyId);
      if (!session) return null;
      if (session.expiresAt.getTime() <= Date.now()) throw expiredToken();
      const role = await this.identities.findRoleById(session.roleId);
      if (!role) return null;
      return {
        secretAccessKey: this.secrets.open(session.secretEncrypted),
        sessionToken: this.secrets.open(session.sessionTokenEncrypted),
        principal: sessionPrincipal(role, session.sessionName, accountId),
      };
    }
    const key = await this.identities.findAccessKey(accessKeyId);
    if (!key || key.status !== 'Active') return null;
    const user = await this.identities.findUserById(key.userId);
    return user ? { secretAccessKey: this.secrets.open(key.secretEncrypted), principal: toPrincipal(user, accountId) } : null;
  }
}
