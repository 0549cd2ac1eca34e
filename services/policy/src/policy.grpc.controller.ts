import { Inject, Injectable } from '@nestjs/common';
import { GrpcStatus, policy, RpcError } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { AuthorizationService } from './authorization/authorization.service';
import { CredentialsService } from './credentials/credentials.service';
import { IdentityRepository } from './account/identity.repository';
import { UsersService } from './users/users.service';
import { GitCredentialsService } from './credentials/git-credentials.service';
import { POLICY_CONFIG, PolicyConfig } from './config';

@Injectable()
export class PolicyGrpcController {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly credentials: CredentialsService,
    private readonly identities: IdentityRepository,
    private readonly users: UsersService,
    private readonly gitCredentials: GitCredentialsService,
    @Inject(POLICY_CONFIG) private readonly config: PolicyConfig,
  ) {}

  readonly implementation: policy.PolicyServer = {
    authorize: unary((req: policy.AuthorizeRequest) => this.authorization.authorize(req)),
    authorizeMany: unary(async (req: policy.AuthorizeManyRequest) => ({ responses: await this.authorization.authorizeMany(req.requests) })),
    verifyGitCredential: unary((req: policy.VerifyGitCredentialRequest) => this.credentials.verifyGitCredential(req)),
    verifySignature: unary((req: policy.VerifySignatureRequest) => this.credentials.verifySignature(req)),
    getAccount: unary(async () => {
      const account = await this.identities.findAccount();
      if (!account) throw new RpcError(GrpcStatus.UNAVAILABLE, 'NotBootstrapped', 'the account is not set up yet');
      return { accountId: account.accountId, region: this.config.region };
    }),
    createUser: unary(async (req: policy.CreateUserRequest) => ({ user: await this.users.createUser(req) })),
    createServiceSpecificCredential: unary(async (req: policy.CreateServiceSpecificCredentialRequest) => ({
      credential: await this.gitCredentials.create(req),
    })),
    verifySshKey: unary(async (req: policy.VerifySshKeyRequest) => {
      const principal = await this.credentials.verifySshKey(req.sshPublicKeyId, req.publicKeyBlob);
      return { valid: principal !== undefined, principal };
    }),
  };
}
