import { Inject, Injectable } from '@nestjs/common';
import { open, rename } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import { Logger } from '@cairn/runtime';
import { IdentityRepository } from '../account/identity.repository';
import { AccountEntity } from '../account/account.entity';
import { UserEntity } from '../account/user.entity';
import { AccessKeyEntity } from '../credentials/access-key.entity';
import { GitCredentialEntity } from '../credentials/git-credential.entity';
import { hashPassword, iamId, randomSecret, SecretBox } from '../credentials/secrets';
import { SECRET_BOX } from '../credentials/credentials.service';
import { POLICY_CONFIG, PolicyConfig } from '../config';

export interface BootstrapSecrets {
  accountId: string;
  region: string;
  userArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  gitUsername: string;
  gitPassword: string;
}

/**
 * On the very first start: the account and an administrator with an access key and HTTPS Git
 * credentials. The secrets exist in plain text only in the bootstrap output file (0600), written
 * once; the database keeps the password hashed and the secret key encrypted.
 */
@Injectable()
export class BootstrapService {
  private readonly logger = new Logger('policy');

  constructor(
    private readonly identities: IdentityRepository,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(POLICY_CONFIG) private readonly config: PolicyConfig,
  ) {}

  async ensureBootstrapped(): Promise<void> {
    const pendingOutput = this.config.bootstrapOutput ? `${this.config.bootstrapOutput}.pending` : '';
    if (await this.identities.findAccount()) {
      // A crash between the commit and the rename below: the pending file holds the real secrets.
      if (pendingOutput) await rename(pendingOutput, this.config.bootstrapOutput).catch(() => undefined);
      return;
    }
    const accountId = String(randomInt(100_000, 999_999)) + String(randomInt(100_000, 999_999));
    const userName = 'admin';
    const userArn = `arn:aws:iam::${accountId}:user/${userName}`;
    const secrets: BootstrapSecrets = {
      accountId,
      region: this.config.region,
      userArn,
      accessKeyId: iamId('AKIA'),
      secretAccessKey: randomSecret(40),
      gitUsername: `${userName}-at-${accountId}`,
      gitPassword: randomSecret(44),
    };
    const userId = iamId('AIDA');
    const passwordHash = await hashPassword(secrets.gitPassword);
    // Secrets reach the disk before the commit and are published after it, so the file never
    // names credentials that do not exist and committed credentials are never lost.
    if (pendingOutput) await writePrivateFile(pendingOutput, JSON.stringify(secrets, null, 2));
    await this.identities.transaction(async (m) => {
      await m.insert(AccountEntity, { accountId, region: this.config.region });
      await m.insert(UserEntity, { userId, userName, path: '/', arn: userArn, isAdministrator: true });
      await m.insert(AccessKeyEntity, { accessKeyId: secrets.accessKeyId, userId, secretEncrypted: this.secrets.seal(secrets.secretAccessKey), status: 'Active' });
      await m.insert(GitCredentialEntity, {
        serviceSpecificCredentialId: iamId('ACCA'),
        userId,
        serviceUserName: secrets.gitUsername,
        passwordHash,
        status: 'Active',
      });
    });
    if (pendingOutput) await rename(pendingOutput, this.config.bootstrapOutput);
    this.logger.info('bootstrapped account and administrator', { accountId, userArn });
  }
}

async function writePrivateFile(path: string, content: string): Promise<void> {
  const file = await open(path, 'w', 0o600);
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
}
