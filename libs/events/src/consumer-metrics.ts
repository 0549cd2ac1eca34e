import { Counter, Histogram } from 'prom-client';
import { inSpanFrom, serviceMetrics } from '@cairn/runtime';
import type { EventHandler, EventLog, SubscribeOptions, Subscription } from './event-log';
import type { EventEnvelope } from './event-map';

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
 * The event log, measured and traced: each handling is a span in the trace of the change. Measured:
 * events published, events handled per consumer group (failures are
 * retried by the log, so a growing `failed` count is a consumer stuck on an event), and the lag
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
        try {
          // The handling continues the trace of the request that made the change.
          await inSpanFrom(event.traceparent, `${groupId} ${event.type}`, { 'messaging.consumer.group.name': groupId, 'messaging.message.id': event.id }, () => handler(event));
        } catch (error) {
          handled.inc({ group: groupId, type: event.type, outcome: 'failed' });
          throw error;
        }
        handled.inc({ group: groupId, type: event.type, outcome: 'ok' });
        const occurredAt = Date.parse(event.occurredAt);
        if (Number.isFinite(occurredAt)) lag.observe({ group: groupId }, Math.max(0, (Date.now() - occurredAt) / 1000));
      },
      options,
    );
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
