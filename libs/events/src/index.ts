import { INBOX_ENTITIES } from './inbox';
import { OUTBOX_ENTITIES } from './outbox.entity';

export * from './event-map';
export * from './event-log';
export { appendAllToOutbox, appendToOutbox, envelopeOf, OutboxEntry, OUTBOX_ENTITIES, type OutboxEvent } from './outbox.entity';
export { idempotentHandler, markProcessed, ProcessedEvent, INBOX_ENTITIES } from './inbox';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { KafkaEventLog, DEFAULT_EVENTS_TOPIC, type KafkaEventLogOptions } from './kafka-event-log';
export { PostgresEventLog, type PostgresEventLogOptions } from './postgres-event-log';
export { createEventLog, type CreateEventLogOptions } from './create-event-log';
export { MeasuredEventLog } from './consumer-metrics';
export { KafkaTopicProducer, type TopicMessage } from './kafka-topic-producer';
export { KAFKA_TOPICS, type KafkaTopic, type KafkaTopicName, type KafkaTopicRole } from './topics';

/** Both tables, for a service that produces and consumes events. */
export const EVENTS_ENTITIES = [...OUTBOX_ENTITIES, ...INBOX_ENTITIES];
export { AuditPublisher, auditRecord, redactParameters, type AuditPublisherOptions, type AuditRecordFields, type AuditedPrincipal, userIdentityOf } from './audit-publisher';
