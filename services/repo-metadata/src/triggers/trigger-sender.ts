import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { KafkaTopicProducer } from '@cairn/events';
import { TRIGGERS_CONFIG, TriggersConfig, streamBrokers } from './triggers.config';
import { Destination, TriggerCapabilities } from './trigger-rules';
import { sendWebhook, webhookSignature, WebhookResult } from './webhook-sender';
import { WEBHOOK_SECRET } from './webhook-secret.provider';

/**
 * Sends one trigger message to its destination: a webhook (HTTP POST) or a topic on the stream
 * Kafka. Both carry the same body, the same HMAC signature and the same delivery id (Kafka: as
 * headers `x-cairn-signature-256` and `x-cairn-delivery`), so a receiver checks either the same way.
 */
@Injectable()
export class TriggerSender implements OnApplicationShutdown {
  private readonly kafka?: KafkaTopicProducer;
  readonly capabilities: TriggerCapabilities;

  constructor(
    @Inject(TRIGGERS_CONFIG) config: TriggersConfig,
    @Inject(WEBHOOK_SECRET) private readonly secret: Buffer,
  ) {
    const brokers = streamBrokers(config);
    if (brokers.length > 0) this.kafka = new KafkaTopicProducer(brokers, 'repo-metadata-triggers');
    this.capabilities = { kafka: this.kafka !== undefined };
  }

  async send(destination: Destination, body: string, deliveryId: string, key: string): Promise<WebhookResult> {
    if (destination.kind === 'webhook') return sendWebhook(destination.url, body, this.secret, deliveryId);
    if (destination.kind === 'aws') return { ok: false, statusCode: 0, error: 'Cairn cannot deliver to AWS SNS or Lambda destinations' };
    if (!this.kafka) return { ok: false, statusCode: 0, error: 'no stream Kafka is configured (CAIRN_STREAM_KAFKA_BROKERS)' };
    try {
      await this.kafka.send(destination.topic, [{ key, value: body, headers: { 'x-cairn-delivery': deliveryId, 'x-cairn-signature-256': webhookSignature(this.secret, body) } }]);
      return { ok: true, statusCode: 0, error: '' };
    } catch (error) {
      return { ok: false, statusCode: 0, error: `Kafka: ${(error as Error).message}` };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafka?.close();
  }
}
