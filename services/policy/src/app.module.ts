import { Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { openDatabase } from '@cairn/runtime';
import { loadPolicyConfig, POLICY_CONFIG, PolicyConfig } from './config';
import { IdentityRepository, POLICY_ENTITIES } from './account/identity.repository';
import { CredentialsService, SECRET_BOX } from './credentials/credentials.service';
import { SecretBox } from './credentials/secrets';
import { PasswordChecks } from './credentials/password-checks';
import { FailedAuthThrottle } from './credentials/failed-auth-throttle';
import { AuthorizationService } from './authorization/authorization.service';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { PolicyGrpcController } from './policy.grpc.controller';
import { UsersService } from './users/users.service';
import { GroupsService } from './groups/groups.service';
import { RolesService } from './roles/roles.service';
import { PoliciesService } from './policies/policies.service';
import { AccessKeysService } from './credentials/access-keys.service';
import { GitCredentialsService } from './credentials/git-credentials.service';
import { SshKeysService } from './credentials/ssh-keys.service';
import { StsService } from './sts/sts.service';
import { IamGrpcController } from './iam/iam.grpc.controller';
import { SimulationService } from './simulation/simulation.service';

@Module({
  providers: [
    { provide: POLICY_CONFIG, useFactory: loadPolicyConfig },
    { provide: DataSource, inject: [POLICY_CONFIG], useFactory: (c: PolicyConfig) => openDatabase(c.databaseUrl, POLICY_ENTITIES) },
    {
      provide: SECRET_BOX,
      inject: [POLICY_CONFIG],
      useFactory: async (c: PolicyConfig) => new SecretBox(Buffer.from((await readFile(c.masterKeyFile, 'utf8')).trim(), 'base64')),
    },
    {
      provide: FailedAuthThrottle,
      inject: [POLICY_CONFIG],
      useFactory: (c: PolicyConfig) =>
        new FailedAuthThrottle({ perIdentityAndAddress: c.authFailuresPerIdentityAndAddress, perAddress: c.authFailuresPerAddress, windowMs: c.authFailureWindowSeconds * 1000, maxEntries: 100_000 }),
    },
    IdentityRepository,
    CredentialsService,
    PasswordChecks,
    AuthorizationService,
    BootstrapService,
    UsersService,
    GroupsService,
    RolesService,
    PoliciesService,
    AccessKeysService,
    GitCredentialsService,
    SshKeysService,
    StsService,
    SimulationService,
    PolicyGrpcController,
    IamGrpcController,
  ],
})
export class PolicyModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly bootstrap: BootstrapService,
    private readonly policies: PoliciesService,
    private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bootstrap.ensureBootstrapped();
    await this.policies.ensureAwsManagedPolicies();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
