import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type EachBatchPayload, type KafkaMessage, type KafkaConfig, type LogEntry, type Producer } from 'kafkajs';
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
import { parseEnvelope, partitionKeyOf, type AnyEventEnvelope, type EventEnvelope } from './event-map';
import { KAFKA_TOPICS } from './topics';

/** The event log's topic unless one is given (see topics.ts). */
export const DEFAULT_EVENTS_TOPIC = KAFKA_TOPICS.events.name;

export interface KafkaEventLogOptions {
  brokers: string[];
  /** Created on first use when missing. */
  topic?: string;
  clientId?: string;
  /** For the topic when this log creates it. */
  numPartitions?: number;
  /** -1: the broker's default.replication.factor. */
  replicationFactor?: number;
  backoff?: Backoff;
  logger?: EventsLogger;
  /** TLS, SASL and the like, passed to kafkajs as they are. */
  kafka?: Omit<KafkaConfig, 'brokers' | 'clientId' | 'logCreator'>;
  /** How long subscribe() waits for the consumer to join its group. */
  joinTimeoutMs?: number;
  /**
   * The largest event this log takes, set as the topic's `max.message.bytes` when this log
   * creates it (default 16 MiB; Kafka's own default, 1 MB, is exceeded by the references.updated
   * of a push of ~8,000 refs). A topic created otherwise keeps its setting: raise it there.
   */
  maxMessageBytes?: number;
}

const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** One produce request carries events up to about this many bytes (a partition's batch must fit max.message.bytes). */
const SEND_BYTES = 1024 * 1024;

/**
 * The event log on a Kafka topic. The message key is the repository id when the event has one, so
 * a repository's events share a partition and keep their order; the value is the envelope as JSON.
 */
export class KafkaEventLog implements EventLog {
  readonly topic: string;
  private readonly kafka: Kafka;
  private readonly logger: EventsLogger;
  private readonly backoff: Backoff;
  private topicReady: Promise<void> | undefined;
  private producerReady: Promise<Producer> | undefined;
  private closing: Promise<void> | undefined;
  private readonly subscriptions = new Set<KafkaSubscription>();

  constructor(private readonly options: KafkaEventLogOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaEventLog needs at least one broker');
    this.topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
    this.logger = options.logger ?? consoleEventsLogger;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.kafka = new Kafka({
      ...options.kafka,
      clientId: options.clientId ?? 'cairn',
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.logKafka(entry),
    });
  }

  /**
   * Sends in requests of about SEND_BYTES, one after the other (one request in flight keeps the
   * order), so a backlog of large events never makes a record batch the broker refuses.
   */
  async publish(events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    await this.ensureTopic();
    const producer = await this.producer();
    const messages = events.map((event) => ({
      key: partitionKeyOf(event) ?? event.id,
      value: JSON.stringify(event),
      headers: { 'cairn-event-id': event.id, 'cairn-event-type': event.type, ...(event.traceparent ? { traceparent: event.traceparent } : {}) },
    }));
    for (const chunk of bySize(messages, SEND_BYTES)) await producer.send({ topic: this.topic, acks: -1, messages: chunk });
  }

  subscribe(groupId: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    return this.startSubscription(groupId, oneAtATime(handler), 1, options);
  }

  subscribeBatches(groupId: string, handler: EventBatchHandler, options: BatchSubscribeOptions = {}): Promise<Subscription> {
    return this.startSubscription(groupId, handler, Math.max(1, options.maxEvents ?? DEFAULT_MAX_BATCH_EVENTS), options);
  }

  private async startSubscription(groupId: string, handler: EventBatchHandler, maxEvents: number, options: SubscribeOptions): Promise<Subscription> {
    await this.ensureTopic();
    const fromBeginning = options.fromBeginning ?? false;
    const startAt = await this.newGroupStart(groupId, fromBeginning);
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
    const subscription = new KafkaSubscription(consumer, groupId, handler, maxEvents, this.backoff, this.logger, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    try {
      await subscription.start(this.topic, fromBeginning, startAt, this.options.joinTimeoutMs ?? 60_000);
    } catch (error) {
      await subscription.stop();
      throw error;
    }
    return subscription;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.stop()));
      const producer = await this.producerReady?.catch(() => undefined);
      this.producerReady = undefined;
      await producer?.disconnect();
    })();
    return this.closing;
  }

  private ensureTopic(): Promise<void> {
    this.topicReady ??= this.withAdmin(async (admin) => {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: this.topic,
            numPartitions: this.options.numPartitions ?? 6,
            replicationFactor: this.options.replicationFactor ?? -1,
            configEntries: [{ name: 'max.message.bytes', value: String(this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) }],
          },
        ],
      });
    }).catch((error: unknown) => {
      this.topicReady = undefined;
      throw error;
    });
    return this.topicReady;
  }

  /**
   * Where a group that has never committed starts, per partition: the start or the end of the topic
   * as of now. Left to itself, kafkajs would pick "the end" at its first fetch, some time after
   * subscribe() returned, and pick again if it stopped before committing anything. (kafkajs'
   * admin.setOffsets would do, but it joins the group with a consumer and costs seconds.)
   */
  private async newGroupStart(groupId: string, fromBeginning: boolean): Promise<Map<number, string> | undefined> {
    return this.withAdmin(async (admin) => {
      // kafkajs' admin does not retry "coordinator loading" (a fresh broker's first group request).
      const [committed] = await retryRetriable(() => admin.fetchOffsets({ groupId, topics: [this.topic] }), this.backoff);
      if (committed && committed.partitions.some((p) => Number(p.offset) >= 0)) return undefined;
      const offsets = await admin.fetchTopicOffsets(this.topic);
      return new Map(offsets.map(({ partition, low, high }) => [partition, fromBeginning ? low : high]));
    });
  }

  private producer(): Promise<Producer> {
    this.producerReady ??= (async () => {
      // One request in flight keeps a batch's order through retries.
      const producer = this.kafka.producer({ maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.producerReady = undefined;
      throw error;
    });
    return this.producerReady;
  }

  private async withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  }

  private logKafka({ level, namespace, log }: LogEntry): void {
    const { message, timestamp: _timestamp, ...fields } = log;
    const write = level === logLevel.ERROR ? this.logger.error : level === logLevel.WARN ? this.logger.warn : this.logger.info;
    write.call(this.logger, `kafkajs ${namespace}: ${message}`, fields);
  }
}

/** A consumer commits its position after this many handled events of a batch, or this often. */
const COMMIT_EVERY = 100;
const COMMIT_INTERVAL_MS = 1000;

class KafkaSubscription implements Subscription {
  private stopped = false;
  private readonly wakeup = new Wakeup();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly groupId: string,
    private readonly handler: EventBatchHandler,
    /** The most events one handler call gets: 1 for subscribe(). */
    private readonly maxEvents: number,
    private readonly backoff: Backoff,
    private readonly logger: EventsLogger,
    private readonly onStopped: () => void,
  ) {}

  /** Resolves once the consumer joined its group (and, for a new group, fixed its position). */
  async start(topic: string, fromBeginning: boolean, startAt: Map<number, string> | undefined, joinTimeoutMs: number): Promise<void> {
    const { consumer, groupId, logger } = this;
    let timer: NodeJS.Timeout | undefined;
    const joined = new Promise<number[]>((resolve, reject) => {
      const removeListener = consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        removeListener();
        resolve(payload.memberAssignment[topic] ?? []);
      });
      timer = setTimeout(() => reject(new Error(`consumer group ${groupId} did not join within ${joinTimeoutMs} ms`)), joinTimeoutMs);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      logger.warn('kafka event log: consumer crashed', { groupId, error: errorMessage(payload.error), restart: payload.restart }),
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.onBatch(payload) });
      const assigned = await joined;
      if (startAt) {
        // Commit the start for the partitions this member got; other members do theirs. A message
        // handled before the seek lands is handled again after it: a duplicate, never a gap.
        const offsets = assigned.filter((p) => startAt.has(p)).map((partition) => ({ topic, partition, offset: startAt.get(partition) as string }));
        for (const offset of offsets) consumer.seek(offset);
        if (offsets.length > 0) await consumer.commitOffsets(offsets);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Handles a fetched batch in order, up to maxEvents per handler call, and commits the position
   * after every COMMIT_EVERY events (or COMMIT_INTERVAL_MS) and at the end of the batch, not after
   * each call: an offset commit costs a round trip to the group coordinator (milliseconds), which
   * capped a one-event-at-a-time consumer at ~150 events/s. A crash redelivers at most the events
   * since the last commit, which idempotent consumers drop (at least once, as before).
   */
  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    let pending: string | undefined;
    let handledSinceCommit = 0;
    let lastCommit = Date.now();
    const commit = async () => {
      if (pending === undefined) return;
      await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(pending) + 1n).toString() }]);
      pending = undefined;
      handledSinceCommit = 0;
      lastCommit = Date.now();
    };
    try {
      for (let next = 0; next < batch.messages.length; ) {
        if (this.stopped || !isRunning() || isStale()) break;
        const messages = batch.messages.slice(next, next + this.maxEvents);
        // Stopped before the handler succeeded: leave the position, so the events come again.
        if (!(await this.onMessages(partition, messages, heartbeat))) break;
        const last = messages[messages.length - 1].offset;
        resolveOffset(last);
        pending = last;
        next += messages.length;
        handledSinceCommit += messages.length;
        if (handledSinceCommit >= COMMIT_EVERY || Date.now() - lastCommit >= COMMIT_INTERVAL_MS) {
          await commit();
          await heartbeat();
        }
      }
    } finally {
      if (!isStale()) await commit();
    }
  }

  /** True when the messages were handled (records that are not events skipped); false when stopped first. */
  private async onMessages(partition: number, messages: readonly KafkaMessage[], heartbeat: () => Promise<void>): Promise<boolean> {
    if (this.stopped) return false;
    const { groupId, logger } = this;
    const events: AnyEventEnvelope[] = [];
    for (const message of messages) {
      try {
        events.push(parseEnvelope(message.value ?? ''));
      } catch (error) {
        logger.warn('kafka event log: skipping a record that is not a known event', { groupId, partition, offset: message.offset, error: errorMessage(error) });
      }
    }
    if (events.length === 0) return true;
    return handleWithRetry(this.handler, events, {
      isStopped: () => this.stopped,
      pause: async (ms) => {
        await heartbeat().catch(() => undefined);
        await this.wakeup.wait(ms);
      },
      backoff: this.backoff,
      logger,
      groupId,
    });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      this.wakeup.wake();
      await this.consumer.disconnect();
      this.onStopped();
    })();
    return this.stopping;
  }
}

async function retryRetriable<T>(fn: () => Promise<T>, backoff: Backoff, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let wait = 0;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
      wait = nextBackoff(wait, backoff);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Consecutive runs of messages whose values add up to at most `limit` bytes (a larger message alone). */
function bySize<M extends { value: string }>(messages: readonly M[], limit: number): M[][] {
  const chunks: M[][] = [];
  let current: M[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = Buffer.byteLength(message.value);
    if (current.length > 0 && size + bytes > limit) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
