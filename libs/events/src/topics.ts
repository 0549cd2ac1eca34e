/**
 * Every Kafka topic Cairn uses, declared here and nowhere else: code takes a name from this
 * registry, and the chart, the manifests and the docs spell the same names.
 *
 * Versioning rule: a topic name ends in `.v<N>`, the version of the envelope its messages carry
 * (its JSON shape, key and headers). A compatible change (a new event type, a new optional field)
 * keeps the topic. A breaking change (a field removed, renamed or retyped, another key, another
 * encoding) makes a new topic `.v<N+1>` beside the old one: producers write the new version,
 * consumers move to it once they have drained the old one, and the old topic is deleted after its
 * retention. A topic is never reused for another shape.
 */
export interface KafkaTopic {
  /** The topic's name on the broker. */
  readonly name: string;
  /** What each message is. */
  readonly carries: string;
  /** What the message key is (messages with one key stay in order). */
  readonly key: string;
  /** `reserved`: the name is taken for a stream that nothing produces yet. */
  readonly status: 'in use' | 'reserved';
}

export const KAFKA_TOPICS = deepFreeze({
  /** The event log between the services (KafkaEventLog's default topic). */
  events: {
    name: 'cairn.events.v1',
    carries: 'one EventEnvelope (event-map.ts) as JSON, with headers cairn-event-id and cairn-event-type',
    key: 'the repository id (the event id for an event without one)',
    status: 'in use',
  },
  /** For rules and targets outside Cairn that match on CodeCommit's EventBridge events. */
  eventBridge: {
    name: 'cairn.eventbridge.v1',
    carries: 'one EventBridge event as JSON ({ version, id, detail-type, source: "aws.codecommit", account, time, region, resources, detail }), as CodeCommit sends it for repository and pull-request changes',
    key: 'the repository ARN',
    status: 'in use',
  },
  /**
   * The conventional destination of repository triggers sent to Kafka: a trigger names it as
   * `kafka://cairn.trigger-deliveries.v1` (decision 0016). A trigger may name another topic; its
   * messages have the same shape.
   */
  triggerDeliveries: {
    name: 'cairn.trigger-deliveries.v1',
    carries: 'one repository-trigger notification as JSON (the Records[] body CodeCommit sends to SNS or Lambda for a trigger that fired), with headers x-cairn-delivery and x-cairn-signature-256',
    key: 'the repository id',
    status: 'in use',
  },
} as const satisfies Record<string, KafkaTopic>);

export type KafkaTopicRole = keyof typeof KAFKA_TOPICS;

/** The name of every topic in the registry. */
export type KafkaTopicName = (typeof KAFKA_TOPICS)[KafkaTopicRole]['name'];

function deepFreeze<T extends Record<string, object>>(registry: T): T {
  for (const topic of Object.values(registry)) Object.freeze(topic);
  return Object.freeze(registry);
}
