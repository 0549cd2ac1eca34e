import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEventLog, EventLog } from '@cairn/events';
import { openDatabase } from '@cairn/runtime';
import { AUDIT_ENTITIES } from './chain/audit-record.entity';
import { AuditRepository, prepareAuditSchema } from './chain/audit.repository';
import { ChainVerifier } from './chain/chain-verifier';
import { AUDIT_CONFIG, AuditConfig, loadAuditConfig } from './config';
import { ExportService } from './export/export.service';
import { AuditGrpcController } from './grpc/audit.grpc.controller';
import { AuditIngestConsumer, EVENT_LOG } from './ingest/audit-ingest.consumer';
import { LookupEventsService } from './lookup/lookup-events.service';
import { RetentionService } from './retention/retention.service';
import { PeriodicVerificationService } from './verify/periodic-verification.service';

@Module({
  providers: [
    { provide: AUDIT_CONFIG, useFactory: loadAuditConfig },
    {
      provide: DataSource,
      inject: [AUDIT_CONFIG],
      useFactory: async (c: AuditConfig) => {
        const db = await openDatabase(c.databaseUrl, AUDIT_ENTITIES);
        await prepareAuditSchema(db);
        return db;
      },
    },
    { provide: EVENT_LOG, inject: [AUDIT_CONFIG], useFactory: (c: AuditConfig) => createEventLog(c.eventLogUrl, { clientId: 'audit' }) },
    AuditRepository,
    ChainVerifier,
    LookupEventsService,
    ExportService,
    RetentionService,
    PeriodicVerificationService,
    AuditIngestConsumer,
    AuditGrpcController,
  ],
})
export class AuditModule implements OnApplicationShutdown {
  constructor(
    private readonly db: DataSource,
    @Inject(EVENT_LOG) private readonly eventLog: EventLog,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.eventLog.close();
    await this.db.destroy();
  }
}
