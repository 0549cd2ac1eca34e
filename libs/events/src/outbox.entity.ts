import { Column, Entity, Index, PrimaryGeneratedColumn, type EntityManager } from 'typeorm';
import { createEnvelope, type EventEnvelope, type EventMap, type EventType } from './event-map';

/**
 * One event waiting for (or done with) publication. Rows are written in the same transaction as the
 * change they describe, so an event exists exactly when its change committed.
 */
@Entity({ name: 'outbox' })
@Index('outbox_unpublished_idx', ['sequence'], { where: '"published_at" IS NULL' })
export class OutboxEntry {
  /** Insertion order; the relay publishes in this order. bigint reads back as a string. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint', name: 'sequence' })
  sequence!: string;

  @Index('outbox_event_id_key', { unique: true })
  @Column({ type: 'uuid', name: 'event_id' })
  eventId!: string;

  @Column({ type: 'text', name: 'type' })
  type!: EventType;

  @Column({ type: 'text', name: 'source' })
  source!: string;

  @Column({ type: 'jsonb', name: 'payload' })
  payload!: EventMap[EventType];

  @Column({ type: 'timestamptz', name: 'occurred_at' })
  occurredAt!: Date;

  @Column({ type: 'timestamptz', name: 'published_at', nullable: true })
  publishedAt!: Date | null;

  /** W3C trace context of the change, when it was traced. */
  @Column({ type: 'text', name: 'traceparent', nullable: true })
  traceparent!: string | null;
}

/** Add to a producing service's DataSource `entities`. */
export const OUTBOX_ENTITIES = [OutboxEntry];

/**
 * Records an event in the outbox through `manager`, which must be inside the transaction that makes
 * the change (`dataSource.transaction(async (manager) => …)`): the event then commits or rolls back
 * with it. Returns the envelope that will be published.
 */
export async function appendToOutbox<K extends EventType>(
  manager: EntityManager,
  source: string,
  type: K,
  payload: EventMap[K],
): Promise<EventEnvelope<K>> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error(`appendToOutbox(${type}) needs the EntityManager of the transaction that makes the change`);
  }
  const envelope = createEnvelope(source, type, payload);
  await manager.insert(OutboxEntry, {
    eventId: envelope.id,
    type: envelope.type,
    source: envelope.source,
    payload: envelope.payload,
    occurredAt: new Date(envelope.occurredAt),
    publishedAt: null,
    traceparent: envelope.traceparent ?? null,
  });
  return envelope;
}

export function envelopeOf(entry: OutboxEntry): EventEnvelope {
  return {
    id: entry.eventId,
    type: entry.type,
    occurredAt: entry.occurredAt.toISOString(),
    source: entry.source,
    payload: entry.payload,
    ...(entry.traceparent ? { traceparent: entry.traceparent } : {}),
  };
}
