import { createEventLog } from './create-event-log';
import { MeasuredEventLog } from './consumer-metrics';
import type { EventLog } from './event-log';

const inner = (log: EventLog) => (log as MeasuredEventLog).inner;
import { DEFAULT_EVENTS_TOPIC, KafkaEventLog } from './kafka-event-log';
import { PostgresEventLog } from './postgres-event-log';

// Constructing a log opens no connection, so these need no server.
describe('createEventLog', () => {
  it('reads kafka:// URLs with one or more brokers and an optional topic', async () => {
    const one = createEventLog('kafka://127.0.0.1:9092');
    expect(inner(one)).toBeInstanceOf(KafkaEventLog);
    expect((inner(one) as KafkaEventLog).topic).toBe(DEFAULT_EVENTS_TOPIC);
    const many = createEventLog('kafka://kafka-0.kafka:9092,kafka-1.kafka:9092/?topic=audit.events');
    expect((inner(many) as KafkaEventLog).topic).toBe('audit.events');
    await Promise.all([one.close(), many.close()]);
  });

  it('reads postgres:// and postgresql:// URLs', async () => {
    for (const url of ['postgres://u:p@127.0.0.1:5432/events', 'postgresql://127.0.0.1/events']) {
      const log = createEventLog(url);
      expect(inner(log)).toBeInstanceOf(PostgresEventLog);
      await log.close();
    }
  });

  it('rejects anything else, without echoing credentials', () => {
    expect(() => createEventLog('kafka://')).toThrow(/expected kafka:\/\/host:port/);
    expect(() => createEventLog('kafka://broker')).toThrow(/bad: broker/);
    expect(() => createEventLog('mysql://user:secret@db/x')).toThrow(/unsupported event log URL mysql:\/\/\*\*\*@db\/x/);
  });
});
