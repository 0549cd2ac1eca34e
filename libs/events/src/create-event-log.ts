import type { EventLog, EventsLogger } from './event-log';
import { KafkaEventLog } from './kafka-event-log';
import { MeasuredEventLog } from './consumer-metrics';
import { PostgresEventLog } from './postgres-event-log';

export interface CreateEventLogOptions {
  logger?: EventsLogger;
  /** Kafka client id (default `cairn`); a service passes its own name. */
  clientId?: string;
}

/**
 * The event log named by a URL, measured (MeasuredEventLog):
 * - `kafka://host:port[,host:port…][?topic=name]` (topic defaults to KAFKA_TOPICS.events, `cairn.events.v1`)
 * - `postgres://…` or `postgresql://…`: the Postgres-backed log in that database
 */
export function createEventLog(url: string, options: CreateEventLogOptions = {}): EventLog {
  return new MeasuredEventLog(openEventLog(url, options));
}

function openEventLog(url: string, options: CreateEventLogOptions): EventLog {
  if (url.startsWith('kafka://')) {
    const [hosts, query = ''] = url.slice('kafka://'.length).split('?', 2);
    const brokers = hosts
      .replace(/\/+$/, '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    const invalid = brokers.filter((b) => !/^[^\s/:]+:\d{1,5}$/.test(b) && !/^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(b));
    if (brokers.length === 0 || invalid.length > 0) {
      throw new Error(`invalid event log URL ${url}: expected kafka://host:port[,host:port]${invalid.length ? ` (bad: ${invalid.join(', ')})` : ''}`);
    }
    const topic = new URLSearchParams(query).get('topic') ?? undefined;
    return new KafkaEventLog({ brokers, topic, clientId: options.clientId, logger: options.logger });
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    return new PostgresEventLog({ connectionString: url, logger: options.logger });
  }
  throw new Error(`unsupported event log URL ${url.replace(/\/\/[^@/]*@/, '//***@')}: use kafka://host:port or postgres://…`);
}
