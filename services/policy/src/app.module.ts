import { Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { openDatabase } from '@cairn/runtime';
import { loadPolicyConfig, POLICY_CONFIG, PolicyConfig } from './config';
import { IdentityRepository, POLICY_ENTITIES } from './account/identity.repository';
import { CredentialsService, SECRET_BOX } from './credentials/credentials.service';
import { SecretBox } from './credentials/secrets';
import { AuthorizationService } from './authorization/authorization.service';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { PolicyGrpcController } from './policy.grpc.controller';
import { UsersService } from './users/users.service';

@Module({
  providers: [
    { provide: POLICY_CONFIG, useFactory: loadPolicyConfig },
    { provide: DataSource, inject: [POLICY_CONFIG], useFactory: (c: PolicyConfig) => openDatabase(c.databaseUrl, POLICY_ENTITIES) },
    {
      provide: SECRET_BOX,
      inject: [POLICY_CONFIG],
      useFactory: async (c: PolicyConfig) => new SecretBox(Buffer.from((await readFile(c.masterKeyFile, 'utf8')).trim(), 'base64')),
    },
    IdentityRepository,
    CredentialsService,
    AuthorizationService,
    BootstrapService,
    UsersService,
    PolicyGrpcController,
  ],
})
export class PolicyModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly bootstrap: BootstrapService,
    private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bootstrap.ensureBootstrapped();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
