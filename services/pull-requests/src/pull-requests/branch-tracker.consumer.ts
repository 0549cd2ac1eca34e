import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { EventLog, Subscription } from '@cairn/events';
import { PullRequestsService } from './pull-requests.service';

export const EVENT_LOG = Symbol('EVENT_LOG');

/**
 * Keeps open pull requests in step with pushes: every reference change of a repository refreshes
 * the open pull requests whose source or destination it touched (new revision, merged by push).
 * Refreshing is idempotent, so a redelivered event changes nothing.
 */
@Injectable()
export class BranchTrackerConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_LOG) private readonly eventLog: EventLog,
    private readonly pullRequests: PullRequestsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.eventLog.subscribe('pull-requests.branch-tracker', async (event) => {
      if (event.type !== 'references.updated') return;
      const ids = await this.pullRequests.openTouching(event.payload.repositoryId, event.payload.updates.map((u) => u.ref));
      for (const id of ids) await this.pullRequests.refresh(id, event.payload.actorArn, event.payload.accountId);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }
}
