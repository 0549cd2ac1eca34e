import { Injectable } from '@nestjs/common';
import { GrpcStatus, policy, RpcError } from '@cairn/contracts';
import { QueryFailedError } from 'typeorm';
import { IdentityRepository } from '../account/identity.repository';
import { UserEntity } from '../account/user.entity';
import { GitCredentialEntity } from '../credentials/git-credential.entity';
import { hashPassword, iamId, randomSecret } from '../credentials/secrets';

const USER_NAME = /^[\w+=,.@-]{1,64}$/;
const PATH = /^\/([\x21-\x7e]*\/)?$/;
const CODECOMMIT = 'codecommit.amazonaws.com';
/** IAM allows two service-specific credentials per user and service. */
const CREDENTIALS_PER_SERVICE = 2;

const err = (status: GrpcStatus, code: string, message: string) => new RpcError(status, code, message);

/** IAM users and their HTTPS Git credentials (the first slice of the IAM API). */
@Injectable()
export class UsersService {
  constructor(private readonly identities: IdentityRepository) {}

  async createUser(request: policy.CreateUserRequest): Promise<policy.User> {
    const path = request.path || '/';
    if (!USER_NAME.test(request.userName)) throw err(GrpcStatus.INVALID_ARGUMENT, 'ValidationErrorException', 'The specified value for userName is invalid.');
    if (path.length > 512 || !PATH.test(path)) throw err(GrpcStatus.INVALID_ARGUMENT, 'ValidationErrorException', 'The specified value for path is invalid.');
    const account = await this.requireAccount();
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

  async createServiceSpecificCredential(request: policy.CreateServiceSpecificCredentialRequest): Promise<policy.ServiceSpecificCredential> {
    if (request.serviceName !== CODECOMMIT) throw err(GrpcStatus.INVALID_ARGUMENT, 'ServiceNotSupportedException', `The specified service ${request.serviceName} is not supported.`);
    const user = await this.identities.findUserByName(request.userName);
    if (!user) throw err(GrpcStatus.NOT_FOUND, 'NoSuchEntityException', `The user with name ${request.userName} cannot be found.`);
    const account = await this.requireAccount();
    const existing = await this.identities.countGitCredentials(user.userId);
    if (existing >= CREDENTIALS_PER_SERVICE) {
      throw err(GrpcStatus.RESOURCE_EXHAUSTED, 'LimitExceededException', `Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: ${CREDENTIALS_PER_SERVICE}`);
    }
    const password = randomSecret(44);
    const credential = {
      serviceSpecificCredentialId: iamId('ACCA'),
      userId: user.userId,
      // IAM names the second credential of a user with a numeric suffix.
      serviceUserName: `${user.userName}-at-${account.accountId}${existing === 0 ? '' : `-${existing}`}`,
      passwordHash: await hashPassword(password),
      status: 'Active' as const,
    };
    await this.identities.transaction((m) => m.insert(GitCredentialEntity, credential));
    const saved = (await this.identities.findGitCredential(credential.serviceUserName))!;
    return {
      createDate: saved.createdAt.getTime(),
      serviceName: CODECOMMIT,
      serviceUserName: saved.serviceUserName,
      servicePassword: password,
      serviceSpecificCredentialId: saved.serviceSpecificCredentialId,
      userName: user.userName,
      status: saved.status,
    };
  }

  private async requireAccount() {
    const account = await this.identities.findAccount();
    if (!account) throw err(GrpcStatus.UNAVAILABLE, 'ServiceFailureException', 'The account is not set up yet.');
    return account;
  }
}

function alreadyExists(userName: string) {
  return err(GrpcStatus.ALREADY_EXISTS, 'EntityAlreadyExistsException', `User with name ${userName} already exists.`);
}

function toUser(user: UserEntity): policy.User {
  return { userName: user.userName, userId: user.userId, arn: user.arn, path: user.path, createDate: user.createdAt.getTime() };
}
