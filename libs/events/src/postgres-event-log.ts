import { randomUUID } from 'node:crypto';
import { escapeLiteral, Pool } from 'pg';
import { Wakeup, handleWithRetry, oneAtATime } from './delivery';
import {
  consoleEventsLogger,
  DEFAULT_BACKOFF,
  DEFAULT_MAX_BATCH_EVENTS,
  errorMessage,
  nextBackoff,
  type Backoff,
  type BatchSubscribeOptions,
  type EventBatchHandler,
  type EventHandler,
  type EventLog,
  type EventsLogger,
  type SubscribeOptions,
  type Subscription,
} from './event-log';
import { isEventType, partitionKeyOf, type AnyEventEnvelope, type EventEnvelope } from './event-map';

export interface PostgresEventLogOptions {
  /** A database of its own (all-in-one mode: a PGlite instance behind pglite-socket). */
  connectionString: string;
  /** Pool size; a pglite-socket server must accept more connections than this. */
  maxConnections?: number;
  /** How often a subscription looks for events published by other processes. */
  pollIntervalMs?: number;
  batchSize?: number;
  /** A group's member keeps the group this long after its last sign of life (see subscribe). */
  leaseMs?: number;
  backoff?: Backoff;
  logger?: EventsLogger;
}

// One ordered log (seq) and one committed position per consumer group. event_id is unique, so a
// relay that publishes a batch again after a crash appends nothing twice.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS event_log (
     seq bigserial PRIMARY KEY,
     event_id uuid NOT NULL UNIQUE,
     type text NOT NULL,
     source text NOT NULL,
     partition_key text,
     occurred_at timestamptz NOT NULL,
     payload jsonb NOT NULL,
     appended_at timestamptz NOT NULL DEFAULT now()
   );
  ALTER TABLE event_log ADD COLUMN IF NOT EXISTS traceparent text;
  CREATE TABLE IF NOT EXISTS event_log_offsets (
     group_id text PRIMARY KEY,
     last_seq bigint NOT NULL,
     owner text,
     lease_until timestamptz,
     updated_at timestamptz NOT NULL DEFAULT now()
   );`;

interface LogRow {
  seq: string;
  event_id: string;
  type: string;
  source: string;
  occurred_at: Date;
  payload: unknown;
  traceparent: string | null;
}

/**
 * The event log kept in PostgreSQL tables, for all-in-one mode: same contract as Kafka, one
 * partition (the whole log is in order). Each consumer group has one active member at a time,
 * holding a lease on its offsets row that every poll and every commit renews.
 *
 * Every operation is ONE simple-protocol query (values escaped here, no bind parameters, no
 * BEGIN/COMMIT across round trips). Every service's relay and consumers share this database, and
 * pglite-socket runs all connections on one PGlite backend, queueing them message by message: a
 * transaction that spans several messages on one connection breaks another connection's
 * parameterized query in flight ("unnamed prepared statement does not exist"), and can stall the
 * queue. A single Query message is executed whole, so it cannot be cut into.
 */
export class PostgresEventLog implements EventLog {
  private readonly pool: Pool;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly backoff: Backoff;
  private readonly logger: EventsLogger;
  private schemaReady: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly subscriptions = new Set<PostgresSubscription>();

  constructor(options: PostgresEventLogOptions) {
    this.pool = new Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4 });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    this.pool.on('error', (error) => this.logger.warn('postgres event log: idle connection failed', { error: error.message }));
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.batchSize = options.batchSize ?? 100;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.logger = options.logger ?? consoleEventsLogger;
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    await this.ensureSchema();
    const rows = events.map(
      (e) =>
        `(${uuid(e.id)}, ${escapeLiteral(e.type)}, ${escapeLiteral(e.source)}, ${nullable(partitionKeyOf(e))}, ` +
        `${escapeLiteral(e.occurredAt)}, ${escapeLiteral(JSON.stringify(e.payload))}::jsonb, ${nullable(e.traceparent)})`,
    );
    // One message, one implicit transaction. seq is drawn under the lock, which is held to commit,
    // so rows become visible in seq order: a reader that has seen seq N never later finds a
    // committed row below N.
    await this.pool.query(
      `LOCK TABLE event_log IN EXCLUSIVE MODE;
       INSERT INTO event_log (event_id, type, source, partition_key, occurred_at, payload, traceparent) VALUES ${rows.join(', ')}
       ON CONFLICT (event_id) DO NOTHING`,
    );
    for (const subscription of this.subscriptions) subscription.wake();
  }

  subscribe(groupId: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    return this.startSubscription(groupId, oneAtATime(handler), 1, options);
  }

  subscribeBatches(groupId: string, handler: EventBatchHandler, options: BatchSubscribeOptions = {}): Promise<Subscription> {
    return this.startSubscription(groupId, handler, Math.max(1, options.maxEvents ?? DEFAULT_MAX_BATCH_EVENTS), options);
  }

  private async startSubscription(groupId: string, handler: EventBatchHandler, maxEvents: number, options: SubscribeOptions): Promise<Subscription> {
    await this.ensureSchema();
    const start = options.fromBeginning ? '0' : '(SELECT coalesce(max(seq), 0) FROM event_log)';
    await this.pool.query(
      `INSERT INTO event_log_offsets (group_id, last_seq) VALUES (${escapeLiteral(groupId)}, ${start}) ON CONFLICT (group_id) DO NOTHING`,
    );
    const subscription = new PostgresSubscription(this.pool, groupId, handler, {
      pollIntervalMs: this.pollIntervalMs,
      // A batch handler gets its whole batch from one read.
      batchSize: Math.max(this.batchSize, maxEvents),
      maxEvents,
      leaseMs: this.leaseMs,
      backoff: this.backoff,
      logger: this.logger,
      onStopped: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.stop()));
      await this.pool.end();
    })();
    return this.closing;
  }

  private ensureSchema(): Promise<void> {
    this.schemaReady ??= this.createSchema().catch((error: unknown) => {
      this.schemaReady = undefined;
      throw error;
    });
    return this.schemaReady;
  }

  private async createSchema(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pool.query(SCHEMA);
        return;
      } catch (error) {
        // Two processes creating the same table at once: one loses with a duplicate error; retry sees it.
        const code = (error as { code?: string }).code;
        if (attempt >= 3 || (code !== '23505' && code !== '42P07')) throw error;
      }
    }
  }
}

interface SubscriptionSettings {
  pollIntervalMs: number;
  /** Events read per query. */
  batchSize: number;
  /** Events per handler call (1 for subscribe()). */
  maxEvents: number;
  leaseMs: number;
  backoff: Backoff;
  logger: EventsLogger;
  onStopped(): void;
}

class PostgresSubscription implements Subscription {
  private readonly owner = randomUUID();
  private readonly group: string;
  private readonly wakeup = new Wakeup();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly groupId: string,
    private readonly handler: EventBatchHandler,
    private readonly settings: SubscriptionSettings,
  ) {
    this.group = escapeLiteral(groupId);
  }

  start(): void {
    this.loop = this.run();
  }

  wake(): void {
    this.wakeup.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeup.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { pollIntervalMs, logger, backoff } = this.settings;
    let failureWait = 0;
    while (!this.stopped) {
      try {
        const delivered = await this.deliverBatch();
        failureWait = 0;
        if (delivered === 0) await this.wakeup.wait(pollIntervalMs);
      } catch (error) {
        failureWait = nextBackoff(failureWait, backoff);
        logger.warn('postgres event log: subscription failed; will retry', { groupId: this.groupId, retryInMs: failureWait, error: errorMessage(error) });
        await this.wakeup.wait(failureWait);
      }
    }
    await this.pool
      .query(`UPDATE event_log_offsets SET owner = NULL, lease_until = NULL WHERE group_id = ${this.group} AND owner = '${this.owner}'`)
      .catch(() => undefined);
    this.settings.onStopped();
  }

  /** Returns how many events it handled; 0 when there were none or another member holds the group. */
  private async deliverBatch(): Promise<number> {
    const { batchSize, maxEvents, leaseMs, backoff, logger } = this.settings;
    const claim = await this.pool.query<{ last_seq: string }>(
      `UPDATE event_log_offsets SET owner = '${this.owner}', lease_until = now() + interval '${integer(leaseMs)} milliseconds'
       WHERE group_id = ${this.group} AND (owner IS NULL OR owner = '${this.owner}' OR lease_until < now())
       RETURNING last_seq`,
    );
    if (claim.rowCount === 0) return 0;
    const rows = await this.pool.query<LogRow>(
      `SELECT seq, event_id, type, source, occurred_at, payload, traceparent FROM event_log
       WHERE seq > ${integer(claim.rows[0].last_seq)} ORDER BY seq LIMIT ${integer(batchSize)}`,
    );
    let delivered = 0;
    const context = { isStopped: () => this.stopped, pause: (ms: number) => this.wakeup.wait(ms), backoff, logger, groupId: this.groupId };
    for (let next = 0; next < rows.rows.length; ) {
      const chunk = rows.rows.slice(next, next + maxEvents);
      const events: AnyEventEnvelope[] = [];
      for (const row of chunk) {
        const event = toEnvelope(row);
        if (event) events.push(event);
        else logger.warn('postgres event log: skipping a record of unknown type', { groupId: this.groupId, seq: row.seq, type: row.type });
      }
      if (events.length > 0 && !(await handleWithRetry(this.handler, events, context))) break;
      const last = chunk[chunk.length - 1].seq;
      const committed = await this.pool.query(
        `UPDATE event_log_offsets
         SET last_seq = ${integer(last)}, lease_until = now() + interval '${integer(leaseMs)} milliseconds', updated_at = now()
         WHERE group_id = ${this.group} AND owner = '${this.owner}'`,
      );
      if (committed.rowCount === 0) {
        logger.warn('postgres event log: lost the group lease; another member goes on', { groupId: this.groupId, seq: last });
        break;
      }
      next += chunk.length;
      delivered += chunk.length;
    }
    return delivered;
  }
}

function toEnvelope(row: LogRow): AnyEventEnvelope | undefined {
  if (!isEventType(row.type)) return undefined;
  return {
    id: row.event_id,
    type: row.type,
    occurredAt: row.occurred_at.toISOString(),
    source: row.source,
    payload: row.payload,
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
  } as AnyEventEnvelope;
}

function uuid(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw new Error(`event id is not a uuid: ${value}`);
  return `'${value}'`;
}

function integer(value: string | number): string {
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new Error(`not a non-negative integer: ${text}`);
  return text;
}

function nullable(value: string | undefined): string {
  return value === undefined ? 'NULL' : escapeLiteral(value);
}
