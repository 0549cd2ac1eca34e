import { Column, Entity, PrimaryColumn, type DataSource, type EntityManager } from 'typeorm';
import type { EventHandler } from './event-log';
import type { AnyEventEnvelope } from './event-map';

/**
 * The events a consumer has already handled, by consumer name and event id. Written in the
 * consumer's own transaction together with the effects of handling the event, so a redelivered
 * event (delivery is at least once) finds its id here and changes nothing.
 */
@Entity({ name: 'processed_events' })
export class ProcessedEvent {
  @PrimaryColumn({ type: 'text', name: 'consumer' })
  consumer!: string;

  @PrimaryColumn({ type: 'uuid', name: 'event_id' })
  eventId!: string;

  @Column({ type: 'timestamptz', name: 'processed_at' })
  processedAt!: Date;
}

/** Add to a consuming service's DataSource `entities`. */
export const INBOX_ENTITIES = [ProcessedEvent];

/**
 * Records that `consumer` handles `eventId`, inside the caller's transaction. Returns false when it
 * was recorded before: a duplicate delivery, whose effects must then be skipped.
 */
export async function markProcessed(manager: EntityManager, consumer: string, eventId: string): Promise<boolean> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('markProcessed needs the EntityManager of the transaction that applies the event');
  }
  const rows = (await manager.query(
    'INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING RETURNING event_id',
    [consumer, eventId],
  )) as unknown[];
  return rows.length === 1;
}

/**
 * Wraps a handler so that each event id is applied once per consumer: the id is recorded and the
 * handler's writes are made in one transaction, and a duplicate is acknowledged without effect.
 */
export function idempotentHandler(
  dataSource: DataSource,
  consumer: string,
  handle: (event: AnyEventEnvelope, manager: EntityManager) => Promise<void>,
): EventHandler {
  return (event) =>
    dataSource.transaction(async (manager) => {
      if (await markProcessed(manager, consumer, event.id)) await handle(event, manager);
    });
}
