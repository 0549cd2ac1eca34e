import type { AnyEventEnvelope, EventEnvelope } from './event-map';

/** Called once per event, in log order per partition (Kafka) or for the whole log (Postgres). */
export type EventHandler = (event: AnyEventEnvelope) => Promise<void>;

/**
 * Called with consecutive events of one partition (Kafka) or of the log (Postgres), in log order,
 * at most `maxEvents` at a time. The position moves past them only when it resolves; when it throws,
 * the same events (or, after a rebalance, a prefix of them again) come back, so it must be
 * idempotent by event id for every event of the batch, not only the first.
 */
export type EventBatchHandler = (events: readonly AnyEventEnvelope[]) => Promise<void>;

export interface SubscribeOptions {
  /**
   * Where a group with no committed position starts: the oldest retained event (true) or the events
   * published after subscribe() resolved (false, the default). A group that has committed a
   * position always resumes right after it.
   */
  fromBeginning?: boolean;
}

export interface BatchSubscribeOptions extends SubscribeOptions {
  /** The most events one handler call gets (default 500). */
  maxEvents?: number;
}

/** subscribeBatches' default batch size. */
export const DEFAULT_MAX_BATCH_EVENTS = 500;

export interface Subscription {
  /** Stops after the handler call in progress; its event is redelivered if it had not resolved. */
  stop(): Promise<void>;
}

/**
 * The event log between services: Kafka in a cluster, a Postgres table in all-in-one mode.
 *
 * Delivery is at least once. A group's position is committed only after its handler resolved for
 * an event, so a crash redelivers the event in flight; a handler that throws is retried, with
 * backoff, until it succeeds or the subscription stops. Handlers must therefore be idempotent by
 * event id (see idempotentHandler). Records that are not Cairn envelopes (or of a type this build
 * does not know) are logged and skipped, since no retry could ever handle them.
 */
export interface EventLog {
  /** Appends the events in the given order; per repository, that order is what consumers see. */
  publish(events: readonly EventEnvelope[]): Promise<void>;
  subscribe(groupId: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
  /**
   * Like subscribe, for a consumer that stores events in bulk: one handler call (one transaction,
   * say) for many events, instead of one per event.
   */
  subscribeBatches(groupId: string, handler: EventBatchHandler, options?: BatchSubscribeOptions): Promise<Subscription>;
  /** Stops every subscription and releases connections. */
  close(): Promise<void>;
}

export interface EventsLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Logs as one JSON line per entry on stderr; services pass their own logger instead. */
export const consoleEventsLogger: EventsLogger = {
  info: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'info', module: 'events', message, ...fields })}\n`),
  warn: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'warn', module: 'events', message, ...fields })}\n`),
  error: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'error', module: 'events', message, ...fields })}\n`),
};

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 100, maxMs: 5_000 };

export function nextBackoff(current: number, backoff: Backoff): number {
  return Math.min(backoff.maxMs, Math.max(backoff.initialMs, current * 2));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
