import { Inject, Injectable } from '@nestjs/common';
import { AwsError, verifySigV4 } from '@cairn/aws-protocol';
import { policy } from '@cairn/contracts';
import { IdentityRepository } from '../account/identity.repository';
import { UserEntity } from '../account/user.entity';
import { SecretBox, verifyAgainstNothing, verifyPassword } from './secrets';
import { POLICY_CONFIG, PolicyConfig } from '../config';

export const SECRET_BOX = Symbol('SECRET_BOX');

export function toPrincipal(user: UserEntity, accountId: string): policy.Principal {
  return { arn: user.arn, userId: user.userId, accountId, name: user.userName };
}

/** Checks the credentials users present: HTTPS Git passwords and SigV4 signatures. */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly identities: IdentityRepository,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(POLICY_CONFIG) private readonly config: PolicyConfig,
  ) {}

  async verifyGitCredential(username: string, password: string): Promise<policy.Principal | undefined> {
    const credential = username.length <= 200 ? await this.identities.findGitCredential(username) : null;
    if (!credential || credential.status !== 'Active') return verifyAgainstNothing(password).then(() => undefined);
    if (!(await verifyPassword(password, credential.passwordHash))) return undefined;
    const user = await this.identities.findUserById(credential.userId);
    const account = await this.identities.findAccount();
    return user && account ? toPrincipal(user, account.accountId) : undefined;
  }

  async verifySignature(request: policy.VerifySignatureRequest): Promise<policy.VerifySignatureResponse> {
    const account = await this.identities.findAccount();
    try {
      const caller = await verifySigV4(
        { method: request.method, path: request.path, query: request.query, headers: request.headers, body: request.body },
        async (accessKeyId) => {
          const key = await this.identities.findAccessKey(accessKeyId);
          if (!key || key.status !== 'Active') return null;
          const user = await this.identities.findUserById(key.userId);
          if (!user || !account) return null;
          return { secretAccessKey: this.secrets.open(key.secretEncrypted), principal: toPrincipal(user, account.accountId) };
        },
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
}
