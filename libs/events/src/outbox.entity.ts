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

/** One event to record: its type and payload. */
export type OutboxEvent = { [K in EventType]: { type: K; payload: EventMap[K] } }[EventType];

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
  const [envelope] = await appendAllToOutbox(manager, source, [{ type, payload } as OutboxEvent]);
  return envelope as EventEnvelope<K>;
}

// 7 parameters a row; PostgreSQL allows 65,535 a statement.
const ROWS_PER_INSERT = 1_000;

/**
 * Records several events, in this order, as appendToOutbox does one: one INSERT for all of them
 * (a change that emits many events, or a producer taking in a stream, pays one round trip rather
 * than one per event).
 */
export async function appendAllToOutbox(manager: EntityManager, source: string, events: readonly OutboxEvent[]): Promise<EventEnvelope[]> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error(`appendAllToOutbox(${events.map((e) => e.type).join(', ')}) needs the EntityManager of the transaction that makes the change`);
  }
  const envelopes: EventEnvelope[] = events.map(({ type, payload }) => createEnvelope(source, type, payload));
  for (let start = 0; start < envelopes.length; start += ROWS_PER_INSERT) {
    const chunk = envelopes.slice(start, start + ROWS_PER_INSERT);
    const values = chunk.flatMap((e) => [e.id, e.type, e.source, JSON.stringify(e.payload), e.occurredAt, null, e.traceparent ?? null]);
    const rows = chunk.map((_, i) => `($${i * 7 + 1}, $${i * 7 + 2}, $${i * 7 + 3}, $${i * 7 + 4}::jsonb, $${i * 7 + 5}::timestamptz, $${i * 7 + 6}::timestamptz, $${i * 7 + 7})`);
    await manager.query(`INSERT INTO outbox (event_id, type, source, payload, occurred_at, published_at, traceparent) VALUES ${rows.join(', ')}`, values);
  }
  return envelopes;
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
