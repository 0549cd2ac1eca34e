import { Module } from '@nestjs/common';
import { GIT_PROTOCOL_CONFIG, loadGitProtocolConfig } from './config';
import { Upstreams } from './upstreams/upstreams';
import { GitCredentialsAuthenticator } from './auth/git-credentials.authenticator';
import { GitAuthorizer } from './auth/authorizer';
import { GitAccess } from './auth/git-access';
import { SmartHttpController } from './smart-http/smart-http.http.controller';
import { FrontDoor } from './front-door/front-door';
import { SshServer } from './ssh/ssh.server';
import { GitAudit } from './audit/git-audit';

@Module({
  providers: [
    { provide: GIT_PROTOCOL_CONFIG, useFactory: loadGitProtocolConfig },
    Upstreams,
    GitCredentialsAuthenticator,
    GitAuthorizer,
    GitAccess,
    GitAudit,
    SmartHttpController,
    FrontDoor,
    SshServer,
  ],
})
export class GitProtocolModule {}
