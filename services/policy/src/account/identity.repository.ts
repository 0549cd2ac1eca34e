import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccountEntity } from './account.entity';
import { UserEntity } from './user.entity';
import { AccessKeyEntity } from '../credentials/access-key.entity';
import { GitCredentialEntity } from '../credentials/git-credential.entity';

/** All persistence of identities and credentials. */
@Injectable()
export class IdentityRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  findAccount(): Promise<AccountEntity | null> {
    return this.db.getRepository(AccountEntity).findOne({ where: {}, order: { createdAt: 'ASC' } });
  }

  findUserByArn(arn: string): Promise<UserEntity | null> {
    return this.db.getRepository(UserEntity).findOneBy({ arn });
  }

  findUserById(userId: string): Promise<UserEntity | null> {
    return this.db.getRepository(UserEntity).findOneBy({ userId });
  }

  /** Case-insensitive, as IAM compares user names. */
  findUserByName(userName: string): Promise<UserEntity | null> {
    return this.db.getRepository(UserEntity).createQueryBuilder('u').where('lower(u.userName) = lower(:userName)', { userName }).getOne();
  }

  countGitCredentials(userId: string): Promise<number> {
    return this.db.getRepository(GitCredentialEntity).countBy({ userId });
  }

  findAccessKey(accessKeyId: string): Promise<AccessKeyEntity | null> {
    return this.db.getRepository(AccessKeyEntity).findOneBy({ accessKeyId });
  }

  findGitCredential(serviceUserName: string): Promise<GitCredentialEntity | null> {
    return this.db.getRepository(GitCredentialEntity).findOneBy({ serviceUserName });
  }
}

export const POLICY_ENTITIES = [AccountEntity, UserEntity, AccessKeyEntity, GitCredentialEntity];
