import { Injectable } from '@nestjs/common';
import { iam } from '@cairn/contracts';
import { QueryFailedError } from 'typeorm';
import { IdentityRepository } from '../account/identity.repository';
import { UserEntity } from '../account/user.entity';
import { checkStatus, iamErrors } from '../iam/iam-errors';
import { memoryPage, Page, PageRequest } from '../iam/paging';
import { SshPublicKeyEntity } from './ssh-public-key.entity';
import { iamId } from './secrets';
import { openSshBody, parseSshPublicKey, pemBody } from './ssh-public-key';

/** IAM's quota of SSH public keys per user. */
const SSH_KEYS_PER_USER = 5;
const MAX_BODY_LENGTH = 16384;

/** SSH public keys for git over SSH; the key id (APKA…) is the SSH user name. */
@Injectable()
export class SshKeysService {
  constructor(private readonly identities: IdentityRepository) {}

  async upload(userName: string, body: string): Promise<iam.SshPublicKey> {
    if (body.length === 0 || body.length > MAX_BODY_LENGTH || !/^[\t\n\r\x20-\xff]+$/.test(body)) {
      throw iamErrors.validation(`1 validation error detected: Value at 'sSHPublicKeyBody' failed to satisfy constraint: Member must have length between 1 and ${MAX_BODY_LENGTH} and printable Latin-1 characters`);
    }
    const key = parseSshPublicKey(body);
    try {
      const saved = await this.identities.transaction(async (m) => {
        const user = await this.identities.requireUser(userName, m, true);
        const existing = await m.findBy(SshPublicKeyEntity, { userId: user.userId });
        if (existing.some((k) => k.fingerprint === key.fingerprint)) throw iamErrors.duplicateSshKey();
        if (existing.length >= SSH_KEYS_PER_USER) throw iamErrors.limitExceeded(`Cannot exceed quota for PublicKeysPerUser: ${SSH_KEYS_PER_USER}`);
        const sshPublicKeyId = iamId('APKA');
        await m.insert(SshPublicKeyEntity, { sshPublicKeyId, userId: user.userId, keyBlob: key.blob.toString('base64'), fingerprint: key.fingerprint, status: 'Active' });
        return { entity: (await m.findOneBy(SshPublicKeyEntity, { sshPublicKeyId }))!, user };
      });
      return toSshKey(saved.entity, saved.user, 'SSH');
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') throw iamErrors.duplicateSshKey();
      throw error;
    }
  }

  async get(userName: string, sshPublicKeyId: string, encoding: string): Promise<iam.SshPublicKey> {
    if (encoding !== 'SSH' && encoding !== 'PEM') throw iamErrors.validation(`1 validation error detected: Value '${encoding}' at 'encoding' failed to satisfy constraint: Member must satisfy enum value set: [SSH, PEM]`);
    const user = await this.identities.requireUser(userName);
    return toSshKey(await this.requireKey(user, sshPublicKeyId), user, encoding);
  }

  async list(userName: string, page: PageRequest): Promise<Page<iam.SshPublicKey>> {
    const user = await this.identities.requireUser(userName);
    const keys = await this.identities.manager.findBy(SshPublicKeyEntity, { userId: user.userId });
    const listed = memoryPage(keys, (k) => `${k.createdAt.toISOString()} ${k.sshPublicKeyId}`, page);
    return { ...listed, items: listed.items.map((k) => toSshKey(k, user, undefined)) };
  }

  async update(userName: string, sshPublicKeyId: string, status: string): Promise<void> {
    const value = checkStatus(status);
    const key = await this.requireKey(await this.identities.requireUser(userName), sshPublicKeyId);
    await this.identities.transaction((m) => m.update(SshPublicKeyEntity, { sshPublicKeyId: key.sshPublicKeyId }, { status: value }));
  }

  async delete(userName: string, sshPublicKeyId: string): Promise<void> {
    const key = await this.requireKey(await this.identities.requireUser(userName), sshPublicKeyId);
    await this.identities.transaction((m) => m.delete(SshPublicKeyEntity, { sshPublicKeyId: key.sshPublicKeyId }));
  }

  private async requireKey(user: UserEntity, sshPublicKeyId: string): Promise<SshPublicKeyEntity> {
    const key = sshPublicKeyId ? await this.identities.manager.findOneBy(SshPublicKeyEntity, { sshPublicKeyId, userId: user.userId }) : null;
    if (!key) throw iamErrors.noSuchEntity(`The Public Key with id ${sshPublicKeyId} cannot be found.`);
    return key;
  }
}

function toSshKey(k: SshPublicKeyEntity, user: UserEntity, encoding: 'SSH' | 'PEM' | undefined): iam.SshPublicKey {
  const blob = Buffer.from(k.keyBlob, 'base64');
  return {
    userName: user.userName,
    sshPublicKeyId: k.sshPublicKeyId,
    fingerprint: k.fingerprint,
    sshPublicKeyBody: encoding === 'SSH' ? openSshBody(blob) : encoding === 'PEM' ? pemBody(blob) : '',
    status: k.status,
    uploadDate: k.createdAt.getTime(),
  };
}
