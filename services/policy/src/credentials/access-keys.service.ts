import { Inject, Injectable } from '@nestjs/common';
import { iam } from '@cairn/contracts';
import { IdentityRepository } from '../account/identity.repository';
import { UserEntity } from '../account/user.entity';
import { checkStatus, iamErrors } from '../iam/iam-errors';
import { memoryPage, Page, PageRequest } from '../iam/paging';
import { AccessKeyEntity } from './access-key.entity';
import { iamId, randomSecret, SecretBox } from './secrets';
import { SECRET_BOX } from './credentials.service';

/** IAM's quota of access keys per user. */
const ACCESS_KEYS_PER_USER = 2;

/** Access keys for SigV4. The secret is shown once and kept sealed under the master key. */
@Injectable()
export class AccessKeysService {
  constructor(
    private readonly identities: IdentityRepository,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async create(userName: string): Promise<iam.AccessKey> {
    const secretAccessKey = randomSecret(40);
    const saved = await this.identities.transaction(async (m) => {
      const user = await this.identities.requireUser(userName, m, true);
      if ((await m.countBy(AccessKeyEntity, { userId: user.userId })) >= ACCESS_KEYS_PER_USER) {
        throw iamErrors.limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);
      }
      const accessKeyId = iamId('AKIA');
      await m.insert(AccessKeyEntity, { accessKeyId, userId: user.userId, secretEncrypted: this.secrets.seal(secretAccessKey), status: 'Active' });
      return { key: (await m.findOneBy(AccessKeyEntity, { accessKeyId }))!, user };
    });
    return { ...toAccessKey(saved.key, saved.user), secretAccessKey };
  }

  async list(userName: string, page: PageRequest): Promise<Page<iam.AccessKey>> {
    const user = await this.identities.requireUser(userName);
    const keys = await this.identities.manager.findBy(AccessKeyEntity, { userId: user.userId });
    const listed = memoryPage(keys, (k) => `${k.createdAt.toISOString()} ${k.accessKeyId}`, page);
    return { ...listed, items: listed.items.map((k) => toAccessKey(k, user)) };
  }

  async update(userName: string, accessKeyId: string, status: string): Promise<void> {
    const value = checkStatus(status);
    const key = await this.requireKey(await this.identities.requireUser(userName), accessKeyId);
    await this.identities.transaction((m) => m.update(AccessKeyEntity, { accessKeyId: key.accessKeyId }, { status: value }));
  }

  async delete(userName: string, accessKeyId: string): Promise<void> {
    const key = await this.requireKey(await this.identities.requireUser(userName), accessKeyId);
    await this.identities.transaction((m) => m.delete(AccessKeyEntity, { accessKeyId: key.accessKeyId }));
  }

  private async requireKey(user: UserEntity, accessKeyId: string): Promise<AccessKeyEntity> {
    const key = accessKeyId ? await this.identities.manager.findOneBy(AccessKeyEntity, { accessKeyId, userId: user.userId }) : null;
    if (!key) throw iamErrors.noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`);
    return key;
  }
}

function toAccessKey(k: AccessKeyEntity, user: UserEntity): iam.AccessKey {
  return { userName: user.userName, accessKeyId: k.accessKeyId, status: k.status, secretAccessKey: '', createDate: k.createdAt.getTime() };
}
