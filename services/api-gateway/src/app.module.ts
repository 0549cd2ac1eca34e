import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, loadGatewayConfig } from './config';
import { Upstreams } from './upstreams';
import { RepositoryOperations } from './codecommit/repository-operations';
import { BranchOperations } from './codecommit/branch-operations';
import { CommitOperations } from './codecommit/commit-operations';
import { ContentOperations } from './codecommit/content-operations';
import { MergeOperations } from './codecommit/merge-operations';
import { PullRequestOperations } from './codecommit/pull-request-operations';
import { TriggerOperations } from './codecommit/trigger-operations';
import { RepositoryArns } from './codecommit/repository-arns';
import { GatewayHttpController } from './http/gateway.http.controller';
import { ApiAudit } from './http/api-audit';
import { CloudTrailOperations } from './cloudtrail/cloudtrail-operations';
import { IamOperations } from './iam/iam-operations';
import { IamUpstream } from './iam/iam-upstream';
import { StsOperations } from './sts/sts-operations';

@Module({
  providers: [{ provide: GATEWAY_CONFIG, useFactory: loadGatewayConfig }, Upstreams, RepositoryArns, RepositoryOperations, BranchOperations, CommitOperations, ContentOperations, MergeOperations, PullRequestOperations, TriggerOperations, IamUpstream, IamOperations, StsOperations, CloudTrailOperations, ApiAudit, GatewayHttpController],
})
export class ApiGatewayModule {}
