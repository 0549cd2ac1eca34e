import { randomUUID } from 'node:crypto';
import { AuditRecord, createEnvelope, EventEnvelope } from './event-map';
import { EventLog, EventsLogger, consoleEventsLogger } from './event-log';

export interface AuditPublisherOptions {
  /** Name of the producing service (the envelope's source). */
  source: string;
  /** Records held while the log is slow or down; past this, `record` waits (backpressure). */
  maxBuffered?: number;
  /** How long a record may wait to be batched. */
  flushMs?: number;
  logger?: EventsLogger;
}

/**
 * Sends audit records to the event log off the request path: records are batched, a failed
 * publish is retried with backoff, and a full buffer makes `record` wait instead of dropping.
 * Records buffered in a process that dies are lost; the buffer is kept small (and flushed within
 * `flushMs`) to keep that window short.
 */
export class AuditPublisher {
  private buffer: EventEnvelope<'audit.recorded'>[] = [];
  private readonly waiters: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private backoffMs = 0;
  private closed = false;
  private readonly maxBuffered: number;
  private readonly flushMs: number;
  private readonly logger: EventsLogger;

  constructor(
    private readonly log: EventLog,
    private readonly options: AuditPublisherOptions,
  ) {
    this.maxBuffered = options.maxBuffered ?? 10_000;
    this.flushMs = options.flushMs ?? 50;
    this.logger = options.logger ?? consoleEventsLogger;
  }

  /** Queues one record; resolves at once unless the buffer is full. */
  async record(record: AuditRecord, repositoryId?: string): Promise<void> {
    while (this.buffer.length >= this.maxBuffered && !this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.buffer.push(createEnvelope(this.options.source, 'audit.recorded', repositoryId ? { repositoryId, record } : { record }));
    this.schedule(this.flushMs);
  }

  /** Publishes everything buffered (retrying until it succeeds or `timeoutMs` passes). */
  async close(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    clearTimeout(this.timer);
    while (this.buffer.length > 0 && Date.now() < deadline) {
      await this.flush();
      if (this.buffer.length > 0) await new Promise((r) => setTimeout(r, 100));
    }
    this.closed = true;
    if (this.buffer.length > 0) this.logger.error('audit records lost at shutdown: the event log did not take them', { count: this.buffer.length });
    for (const wake of this.waiters.splice(0)) wake();
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().then(() => {
        if (this.buffer.length > 0) this.schedule(this.backoffMs || this.flushMs);
      });
    }, delayMs);
  }

  private flush(): Promise<void> {
    this.flushing ??= (async () => {
      const batch = this.buffer.slice(0, 500);
      if (batch.length === 0) return;
      try {
        await this.log.publish(batch);
        this.buffer = this.buffer.slice(batch.length);
        this.backoffMs = 0;
        for (const wake of this.waiters.splice(0)) wake();
      } catch (error) {
        this.backoffMs = Math.min(5_000, Math.max(100, this.backoffMs * 2));
        this.logger.warn('publishing audit records failed; retrying', { error: String(error), buffered: this.buffer.length, retryInMs: this.backoffMs });
      }
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }
}

const SECRET_KEY = /password|secret|token|privatekey|credential/i;
const CONTENT_KEY = /content$/i;

/**
 * Request parameters as an audit record may hold them: secrets replaced by "HIDDEN_DUE_TO_SECURITY_REASONS"
 * (CloudTrail's marker) and file contents by their size, at any depth.
 */
export function redactParameters(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactParameters);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, v]) => {
      if (SECRET_KEY.test(key) && key !== 'clientRequestToken') return [key, 'HIDDEN_DUE_TO_SECURITY_REASONS'];
      if (CONTENT_KEY.test(key) && typeof v === 'string') return [key, `<${v.length} characters omitted>`];
      return [key, redactParameters(v)];
    }),
  );
}

/** What differs between audit records; the rest is the same for every record Cairn writes. */
export type AuditRecordFields = Omit<AuditRecord, 'eventVersion' | 'eventID' | 'eventTime' | 'eventType' | 'managementEvent' | 'eventCategory' | 'recipientAccountId'> & {
  accountId: string;
};

/** A CloudTrail record (`eventVersion` 1.08) for a request handled now, in the given account. */
export function auditRecord(fields: AuditRecordFields): AuditRecord {
  const { accountId, ...rest } = fields;
  return {
    eventVersion: '1.08',
    eventID: randomUUID(),
    eventTime: new Date().toISOString(),
    ...rest,
    eventType: 'AwsApiCall',
    recipientAccountId: accountId,
    managementEvent: true,
    eventCategory: 'Management',
  };
}

/** The authenticated caller as the policy service describes it (a policy.Principal). */
export interface AuditedPrincipal {
  type: string;
  userId: string;
  arn: string;
  accountId: string;
  name: string;
}

/** CloudTrail's userIdentity for a caller; Unknown when the request was not authenticated. */
export function userIdentityOf(principal: AuditedPrincipal | undefined, accessKeyId = ''): AuditRecord['userIdentity'] {
  const key = accessKeyId ? { accessKeyId } : {};
  if (!principal) return { type: 'Unknown', ...key };
  const type = principal.type || 'IAMUser';
  return { type, principalId: principal.userId, arn: principal.arn, accountId: principal.accountId, ...key, userName: type === 'AssumedRole' ? undefined : principal.name };
}
