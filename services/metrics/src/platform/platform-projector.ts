import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventLog, idempotentHandler, Subscription } from '@cairn/events';
import { PlatformStore } from './platform-store';

export const EVENT_LOG = Symbol('EVENT_LOG');

/** The consumer group: from the beginning, so a new metrics store counts everything the log still has. */
export const PLATFORM_GROUP = 'metrics.platform';

/** Turns every event into the platform counters, once per event (the inbox). */
@Injectable()
export class PlatformProjector implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_LOG) private readonly eventLog: EventLog,
    private readonly db: DataSource,
    private readonly store: PlatformStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const handler = idempotentHandler(this.db, PLATFORM_GROUP, (event, manager) => this.store.apply(event, manager));
    this.subscription = await this.eventLog.subscribe(PLATFORM_GROUP, handler, { fromBeginning: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }
}
