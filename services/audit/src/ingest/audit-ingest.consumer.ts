import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AnyEventEnvelope, EventLog, Subscription } from '@cairn/events';
import { Logger } from '@cairn/runtime';
import { AuditRepository } from '../chain/audit.repository';

export const EVENT_LOG = Symbol('EVENT_LOG');

/** The consumer group: from the beginning, so a new store takes in every record the log still has. */
export const INGEST_GROUP = 'audit.store';

/**
 * Appends every `audit.recorded` event's record to the chain. Idempotent by the record's eventID
 * (a unique column), so a redelivery, or a producer that published a record twice, adds nothing.
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
    this.subscription = await this.eventLog.subscribe(INGEST_GROUP, (event) => this.handle(event), { fromBeginning: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  async handle(event: AnyEventEnvelope): Promise<void> {
    if (event.type !== 'audit.recorded') return;
    const record = event.payload.record as unknown;
    // No retry could ever store it; throwing would stall the group behind it forever.
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      this.logger.error('audit.recorded event without a record object; skipped', { eventId: event.id, source: event.source });
      return;
    }
    const occurredAt = new Date(event.occurredAt);
    await this.repository.append(event.payload.record, { eventId: event.id, eventTime: Number.isNaN(occurredAt.getTime()) ? new Date() : occurredAt });
  }
}
