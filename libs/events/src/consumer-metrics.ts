import { Counter, Histogram } from 'prom-client';
import { inSpanFrom, inSpanLinked, serviceMetrics } from '@cairn/runtime';
import type { BatchSubscribeOptions, EventBatchHandler, EventHandler, EventLog, SubscribeOptions, Subscription } from './event-log';
import type { AnyEventEnvelope, EventEnvelope } from './event-map';

const published = new Counter({
  name: 'cairn_events_published_total',
  help: 'Events this service appended to the event log, by type.',
  labelNames: ['type'],
  registers: [serviceMetrics],
});

const handled = new Counter({
  name: 'cairn_events_handled_total',
  help: 'Events a consumer group of this service handled, by group, type and outcome (ok, or failed: retried).',
  labelNames: ['group', 'type', 'outcome'],
  registers: [serviceMetrics],
});

const lag = new Histogram({
  name: 'cairn_event_consumer_lag_seconds',
  help: 'Time from a change being made (the event occurred) to a consumer group having handled it, by group.',
  labelNames: ['group'],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
  registers: [serviceMetrics],
});

/**
 * The event log, measured and traced: each handling is a span in the trace of the change (a batch's
 * handling, a span linked to each of its changes' traces). Measured: events published, events
 * handled per consumer group (failures are retried by the log, so a growing `failed` count is a consumer stuck on an event), and the lag
 * from the change to its handling, which is what an operator means by consumer lag and reads the
 * same for Kafka and the Postgres log.
 */
export class MeasuredEventLog implements EventLog {
  /** `inner`: the log measured. */
  constructor(readonly inner: EventLog) {}

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    await this.inner.publish(events);
    for (const event of events) published.inc({ type: event.type });
  }

  subscribe(groupId: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription> {
    return this.inner.subscribe(
      groupId,
      async (event) => {
        // The handling continues the trace of the request that made the change.
        const attributes = { 'messaging.consumer.group.name': groupId, 'messaging.message.id': event.id };
        await measured(groupId, [event], () => inSpanFrom(event.traceparent, `${groupId} ${event.type}`, attributes, () => handler(event)));
      },
      options,
    );
  }

  subscribeBatches(groupId: string, handler: EventBatchHandler, options?: BatchSubscribeOptions): Promise<Subscription> {
    return this.inner.subscribeBatches(
      groupId,
      async (events) => {
        const attributes = { 'messaging.consumer.group.name': groupId, 'messaging.batch.message_count': events.length };
        const traceparents = events.map((event) => event.traceparent);
        await measured(groupId, events, () => inSpanLinked(traceparents, `${groupId} batch`, attributes, () => handler(events)));
      },
      options,
    );
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Runs one handling of `events` and counts it: each event handled (or failed), and its lag. */
async function measured(groupId: string, events: readonly AnyEventEnvelope[], handle: () => Promise<void>): Promise<void> {
  try {
    await handle();
  } catch (error) {
    for (const event of events) handled.inc({ group: groupId, type: event.type, outcome: 'failed' });
    throw error;
  }
  const now = Date.now();
  for (const event of events) {
    handled.inc({ group: groupId, type: event.type, outcome: 'ok' });
    const occurredAt = Date.parse(event.occurredAt);
    if (Number.isFinite(occurredAt)) lag.observe({ group: groupId }, Math.max(0, (now - occurredAt) / 1000));
  }
}
