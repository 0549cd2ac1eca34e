import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { EventLog, Subscription } from '@cairn/events';
import { BranchesService } from './branches.service';

export const EVENT_LOG = Symbol('EVENT_LOG');

/**
 * Watches pushes for the first branch of an empty repository (CodeCommit makes it the default).
 * Idempotent: replaying an event finds the default already set and does nothing.
 */
@Injectable()
export class FirstBranchConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_LOG) private readonly eventLog: EventLog,
    private readonly branches: BranchesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.eventLog.subscribe('repo-metadata.default-branch', async (event) => {
      if (event.type === 'references.updated') await this.branches.adoptFirstBranch(event.payload.repositoryId, event.payload.updates);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }
}
