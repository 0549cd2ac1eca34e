import { Kafka, logLevel, type Producer } from 'kafkajs';

export interface TopicMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/**
 * Publishes to Kafka topics other than the event log (trigger destinations, the EventBridge
 * stream): one idempotent producer, acks from all in-sync replicas, each topic created on first
 * use when it does not exist.
 */
export class KafkaTopicProducer {
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private readonly topics = new Map<string, Promise<void>>();

  constructor(brokers: readonly string[], clientId: string) {
    this.kafka = new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.ERROR });
  }

  async send(topic: string, messages: readonly TopicMessage[]): Promise<void> {
    await this.ensureTopic(topic);
    const producer = await this.connected();
    await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) });
  }

  async close(): Promise<void> {
    const producer = await this.producer?.catch(() => undefined);
    this.producer = undefined;
    await producer?.disconnect();
  }

  private connected(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  private ensureTopic(topic: string): Promise<void> {
    let ready = this.topics.get(topic);
    if (!ready) {
      ready = (async () => {
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          // false when it exists already: nothing to do.
          await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: -1 }] });
        } finally {
          await admin.disconnect();
        }
      })().catch((error: unknown) => {
        this.topics.delete(topic);
        throw error;
      });
      this.topics.set(topic, ready);
    }
    return ready;
  }
}
