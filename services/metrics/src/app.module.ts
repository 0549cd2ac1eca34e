import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEventLog, EventLog, INBOX_ENTITIES } from '@cairn/events';
import { openDatabase } from '@cairn/runtime';
import { loadMetricsConfig, METRICS_CONFIG, MetricsConfig } from './config';
import { PLATFORM_ENTITIES } from './platform/platform.entities';
import { PlatformMetrics } from './platform/platform-metrics';
import { EVENT_LOG, PlatformProjector } from './platform/platform-projector';
import { PlatformStore } from './platform/platform-store';

@Module({
  providers: [
    { provide: METRICS_CONFIG, useFactory: loadMetricsConfig },
    { provide: DataSource, inject: [METRICS_CONFIG], useFactory: (c: MetricsConfig) => openDatabase(c.databaseUrl, [...PLATFORM_ENTITIES, ...INBOX_ENTITIES]) },
    { provide: EVENT_LOG, inject: [METRICS_CONFIG], useFactory: (c: MetricsConfig) => createEventLog(c.eventLogUrl, { clientId: 'metrics' }) },
    PlatformStore,
    PlatformMetrics,
    PlatformProjector,
  ],
})
export class MetricsModule implements OnApplicationShutdown {
  constructor(
    private readonly db: DataSource,
    @Inject(EVENT_LOG) private readonly eventLog: EventLog,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.eventLog.close();
    await this.db.destroy();
  }
}
