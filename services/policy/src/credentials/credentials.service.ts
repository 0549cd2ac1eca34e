import { Inject, Injectable } from '@nestjs/common';
import {
  AwsError,
  constantTimeEqual,
  CredentialRecord,
  expiredToken,
  gitPasswordMatches,
  GitPasswordUsername,
  parseGitPassword,
  parseGitPasswordUsername,
  throttling,
  verifySigV4,
} from '@cairn/aws-protocol';
import { policy } from '@cairn/contracts';
import { IdentityRepository } from '../account/identity.repository';
import { UserEntity } from '../account/user.entity';
import { RoleEntity } from '../roles/role.entity';
import { SecretBox, verifyAgainstNothing } from './secrets';
import { PasswordChecks } from './password-checks';
import { POLICY_CONFIG, PolicyConfig } from '../config';
import { FailedAuthThrottle } from './failed-auth-throttle';
import { authenticationFailures } from '../policy-metrics';

/** Failures that are guesses (a wrong secret or an unknown key), as opposed to malformed or stale requests. */
const GUESS_FAILURES = new Set(['InvalidSignatureException', 'UnrecognizedClientException']);

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
 * Checks the credentials users present: HTTPS Git passwords, SigV4-signed Git passwords, SigV4
 * signatures (access keys and STS session credentials) and SSH keys. Every check reads the store,
 * so a credential that is deactivated, deleted or expired is refused on the very next request.
 * Passwords and signatures that keep failing from one address are throttled (FailedAuthThrottle).
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly identities: IdentityRepository,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(POLICY_CONFIG) private readonly config: PolicyConfig,
    private readonly passwords: PasswordChecks,
    private readonly throttle: FailedAuthThrottle,
  ) {}

  async verifyGitCredential(request: policy.VerifyGitCredentialRequest): Promise<policy.VerifyGitCredentialResponse> {
    const signed = parseGitPasswordUsername(request.username);
    const identity = signed?.accessKeyId ?? request.username.slice(0, 200);
    const address = request.sourceIp || 'unknown';
    const verdict = this.throttle.check(identity, address);
    const kind = signed ? 'git-signature' : 'git-credential';
    if (verdict.throttled) {
      authenticationFailures.inc({ kind, reason: 'throttled' });
      return { valid: false, principal: undefined, throttled: true, retryAfterSeconds: verdict.retryAfterSeconds };
    }
    const principal = signed ? await this.verifyGitPassword(signed, request) : await this.verifyServiceCredential(request.username, request.password);
    if (principal) this.throttle.recordSuccess(identity, address);
    else {
      this.throttle.recordFailure(identity, address);
      authenticationFailures.inc({ kind, reason: 'invalid' });
    }
    return { valid: principal !== undefined, principal, throttled: false, retryAfterSeconds: 0 };
  }

  /** An HTTPS Git credential (service-specific credential): user name and generated password. */
  private async verifyServiceCredential(username: string, password: string): Promise<policy.Principal | undefined> {
    const credential = username.length <= 200 ? await this.identities.findGitCredential(username) : null;
    if (!credential || credential.status !== 'Active') return verifyAgainstNothing(password).then(() => undefined);
    if (!(await this.passwords.matches(password, credential.passwordHash))) return undefined;
    const user = await this.identities.findUserById(credential.userId);
    const account = await this.identities.findAccount();
    return user && account ? toPrincipal(user, account.accountId) : undefined;
  }

  /**
   * A password the AWS CLI credential helper or git-remote-codecommit signed with an access key
   * or session credentials. The client signed the Host it connected to (the CLI helper without the
   * port) and the repository path (with or without a trailing slash), so each is tried.
   */
  private async verifyGitPassword(username: GitPasswordUsername, request: policy.VerifyGitCredentialRequest): Promise<policy.Principal | undefined> {
    const password = parseGitPassword(request.password);
    const account = await this.identities.findAccount();
    if (!password || !account || !request.host || !request.repositoryName) return undefined;
    let record: CredentialRecord<policy.Principal> | null;
    try {
      record = await this.lookupSecret(username.accessKeyId, account.accountId);
    } catch (error) {
      if (error instanceof AwsError) return undefined; // expired session credentials
      throw error;
    }
    if (!record || !sameSecret(record.sessionToken, username.sessionToken)) return undefined;
    const path = `/v1/repos/${request.repositoryName}`;
    const hosts = [...new Set([request.host, withoutPort(request.host)])];
    const matches = gitPasswordMatches(password, { secretAccessKey: record.secretAccessKey, region: this.config.region, hosts, paths: [path, `${path}/`] });
    return matches ? record.principal : undefined;
  }

  async verifySignature(request: policy.VerifySignatureRequest): Promise<policy.VerifySignatureResponse> {
    const identity = /Credential=([A-Z0-9]{1,128})\//.exec(request.headers['authorization'] ?? '')?.[1] ?? '';
    const address = request.sourceIp || 'unknown';
    const verdict = this.throttle.check(identity, address);
    if (verdict.throttled) {
      authenticationFailures.inc({ kind: 'api-signature', reason: 'throttled' });
      return signatureFailure(throttling(`Too many failed authentication attempts from ${address}; retry in ${verdict.retryAfterSeconds} seconds`));
    }
    const response = await this.checkSignature(request);
    if (response.principal) this.throttle.recordSuccess(identity, address);
    else if (GUESS_FAILURES.has(response.errorCode)) {
      this.throttle.recordFailure(identity, address);
      authenticationFailures.inc({ kind: 'api-signature', reason: 'invalid' });
    }
    return response;
  }

  private async checkSignature(request: policy.VerifySignatureRequest): Promise<policy.VerifySignatureResponse> {
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
      return signatureFailure(error);
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

function signatureFailure(error: AwsError): policy.VerifySignatureResponse {
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

/** Both absent, or both present and equal (compared in constant time). */
function sameSecret(expected: string | undefined, sent: string | undefined): boolean {
  if (expected === undefined || sent === undefined) return expected === sent;
  return constantTimeEqual(expected, sent);
}

/** `host:port` → `host`; `[::1]:port` → `[::1]`. */
function withoutPort(host: string): string {
  return host.replace(/:\d+$/, '');
}
