import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AnyEventEnvelope, EventLog, Subscription } from '@cairn/events';
import { Logger } from '@cairn/runtime';
import { AuditRepository, type AppendEntry } from '../chain/audit.repository';

export const EVENT_LOG = Symbol('EVENT_LOG');

/** The consumer group: from the beginning, so a new store takes in every record the log still has. */
export const INGEST_GROUP = 'audit.store';

/**
 * Appends every `audit.recorded` event's record to the chain, a fetched batch in one transaction
 * (one chain lock and one multi-row insert for up to 500 records, where one transaction per record
 * capped ingestion near 1,100 records/s). Idempotent by the record's eventID (a unique column), so a
 * redelivery, or a producer that published a record twice, adds nothing.
 */
@Injectable()
export class AuditIngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('audit');
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_LOG) private readonly eventLog: EventLog,
    private readonly repository: AuditRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.eventLog.subscribeBatches(INGEST_GROUP, (events) => this.handle(events), { fromBeginning: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  async handle(events: readonly AnyEventEnvelope[]): Promise<void> {
    const entries: AppendEntry[] = [];
    for (const event of events) {
      if (event.type !== 'audit.recorded') continue;
      const record = event.payload.record as unknown;
      // No retry could ever store it; throwing would stall the group behind it forever.
      if (typeof record !== 'object' || record === null || Array.isArray(record)) {
        this.logger.error('audit.recorded event without a record object; skipped', { eventId: event.id, source: event.source });
        continue;
      }
      const occurredAt = new Date(event.occurredAt);
      entries.push({ record: event.payload.record, fallback: { eventId: event.id, eventTime: Number.isNaN(occurredAt.getTime()) ? new Date() : occurredAt } });
    }
    await this.repository.appendMany(entries);
  }
}
