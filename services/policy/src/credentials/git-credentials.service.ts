import { Injectable } from '@nestjs/common';
import { policy } from '@cairn/contracts';
import { IdentityRepository } from '../account/identity.repository';
import { UserEntity } from '../account/user.entity';
import { checkStatus, iamErrors } from '../iam/iam-errors';
import { GitCredentialEntity } from './git-credential.entity';
import { hashPassword, iamId, randomSecret } from './secrets';

const CODECOMMIT = 'codecommit.amazonaws.com';
/** IAM allows two service-specific credentials per user and service. */
const CREDENTIALS_PER_SERVICE = 2;

/**
 * HTTPS Git credentials (IAM service-specific credentials for CodeCommit). Passwords are shown
 * once and kept as scrypt hashes; a status change or deletion takes effect on the next check.
 */
@Injectable()
export class GitCredentialsService {
  constructor(private readonly identities: IdentityRepository) {}

  async create(request: policy.CreateServiceSpecificCredentialRequest): Promise<policy.ServiceSpecificCredential> {
    checkService(request.serviceName);
    const account = await this.identities.requireAccount();
    const password = randomSecret(44);
    const passwordHash = await hashPassword(password);
    const saved = await this.identities.transaction(async (m) => {
      const user = await this.identities.requireUser(request.userName, m, true);
      const existing = await m.findBy(GitCredentialEntity, { userId: user.userId });
      if (existing.length >= CREDENTIALS_PER_SERVICE) {
        throw iamErrors.limitExceeded(`Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: ${CREDENTIALS_PER_SERVICE}`);
      }
      // IAM names a user's further credentials with a numeric suffix; take the first one free.
      const base = `${user.userName}-at-${account.accountId}`;
      const taken = new Set(existing.map((c) => c.serviceUserName));
      let serviceUserName = base;
      for (let n = 1; taken.has(serviceUserName); n++) serviceUserName = `${base}-${n}`;
      const serviceSpecificCredentialId = iamId('ACCA');
      await m.insert(GitCredentialEntity, { serviceSpecificCredentialId, userId: user.userId, serviceUserName, passwordHash, status: 'Active' });
      return { credential: (await m.findOneBy(GitCredentialEntity, { serviceSpecificCredentialId }))!, user };
    });
    return toCredential(saved.credential, saved.user, password);
  }

  async list(userName: string, serviceName: string): Promise<policy.ServiceSpecificCredential[]> {
    if (serviceName) checkService(serviceName);
    const user = await this.identities.requireUser(userName);
    const credentials = await this.identities.manager.find(GitCredentialEntity, { where: { userId: user.userId }, order: { createdAt: 'ASC' } });
    return credentials.map((c) => toCredential(c, user, ''));
  }

  async reset(userName: string, credentialId: string): Promise<policy.ServiceSpecificCredential> {
    const user = await this.identities.requireUser(userName);
    const credential = await this.requireCredential(user, credentialId);
    const password = randomSecret(44);
    const passwordHash = await hashPassword(password);
    await this.identities.transaction((m) => m.update(GitCredentialEntity, { serviceSpecificCredentialId: credential.serviceSpecificCredentialId }, { passwordHash }));
    return toCredential(credential, user, password);
  }

  async update(userName: string, credentialId: string, status: string): Promise<void> {
    const value = checkStatus(status);
    const user = await this.identities.requireUser(userName);
    const credential = await this.requireCredential(user, credentialId);
    await this.identities.transaction((m) => m.update(GitCredentialEntity, { serviceSpecificCredentialId: credential.serviceSpecificCredentialId }, { status: value }));
  }

  async delete(userName: string, credentialId: string): Promise<void> {
    const user = await this.identities.requireUser(userName);
    const credential = await this.requireCredential(user, credentialId);
    await this.identities.transaction((m) => m.delete(GitCredentialEntity, { serviceSpecificCredentialId: credential.serviceSpecificCredentialId }));
  }

  private async requireCredential(user: UserEntity, credentialId: string): Promise<GitCredentialEntity> {
    const credential = credentialId ? await this.identities.manager.findOneBy(GitCredentialEntity, { serviceSpecificCredentialId: credentialId, userId: user.userId }) : null;
    if (!credential) throw iamErrors.noSuchEntity(`No such credential ${credentialId} exists for user ${user.userName}.`);
    return credential;
  }
}

function checkService(serviceName: string): void {
  if (serviceName !== CODECOMMIT) throw iamErrors.serviceNotSupported(`The specified service ${serviceName} is not supported.`);
}

function toCredential(c: GitCredentialEntity, user: UserEntity, password: string): policy.ServiceSpecificCredential {
  return {
    createDate: c.createdAt.getTime(),
    serviceName: CODECOMMIT,
    serviceUserName: c.serviceUserName,
    servicePassword: password,
    serviceSpecificCredentialId: c.serviceSpecificCredentialId,
    userName: user.userName,
    status: c.status,
  };
}
