import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEventLog, EventLog, OUTBOX_ENTITIES, OutboxRelay } from '@cairn/events';
import { openDatabase } from '@cairn/runtime';
import { loadPullRequestsConfig, PULL_REQUESTS_CONFIG, PullRequestsConfig } from './config';
import { Upstreams } from './upstreams';
import { PULL_REQUEST_ENTITIES } from './pull-requests/pull-request.entity';
import { TEMPLATE_ENTITIES } from './templates/approval-rule-template.entity';
import { PullRequestsService } from './pull-requests/pull-requests.service';
import { PullRequestOperations } from './pull-requests/pull-requests.operations';
import { BranchTrackerConsumer, EVENT_LOG } from './pull-requests/branch-tracker.consumer';
import { ApprovalsService } from './approvals/approvals.service';
import { RuleTemplates } from './templates/rule-templates';
import { TemplatesService } from './templates/templates.service';
import { TemplateOperations } from './templates/templates.operations';
import { InvokeGrpcController } from './invoke/invoke.grpc.controller';
import { COMMENT_ENTITIES } from './comments/comment.entity';
import { COMMENT_PROVIDERS } from './comments/comments.operations';

@Module({
  providers: [
    { provide: PULL_REQUESTS_CONFIG, useFactory: loadPullRequestsConfig },
    { provide: DataSource, inject: [PULL_REQUESTS_CONFIG], useFactory: (c: PullRequestsConfig) => openDatabase(c.databaseUrl, [...PULL_REQUEST_ENTITIES, ...TEMPLATE_ENTITIES, ...COMMENT_ENTITIES, ...OUTBOX_ENTITIES]) },
    { provide: EVENT_LOG, inject: [PULL_REQUESTS_CONFIG], useFactory: (c: PullRequestsConfig) => createEventLog(c.eventLogUrl) },
    { provide: OutboxRelay, inject: [DataSource, EVENT_LOG], useFactory: (dataSource: DataSource, eventLog: EventLog) => new OutboxRelay({ dataSource, eventLog }) },
    Upstreams,
    RuleTemplates,
    TemplatesService,
    TemplateOperations,
    PullRequestsService,
    ApprovalsService,
    PullRequestOperations,
    BranchTrackerConsumer,
    ...COMMENT_PROVIDERS,
    InvokeGrpcController,
  ],
})
export class PullRequestsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly db: DataSource,
    @Inject(EVENT_LOG) private readonly eventLog: EventLog,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.eventLog.close();
    await this.db.destroy();
  }
}
