import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { type EventLog, KAFKA_TOPICS, KafkaTopicProducer, type Subscription } from '@cairn/events';
import { Logger } from '@cairn/runtime';
import { EVENT_LOG } from '../branches/first-branch.consumer';
import { TRIGGERS_CONFIG, TriggersConfig, streamBrokers } from '../triggers/triggers.config';
import { Upstreams } from '../upstreams';
import { eventBridgeEvents } from './eventbridge-events';

/** The consumer group; a new stream starts with the events that happen after it first runs. */
export const EVENTBRIDGE_GROUP = 'repo-metadata.eventbridge';

/**
 * Publishes CodeCommit's EventBridge events to the stream Kafka (KAFKA_TOPICS.eventBridge), keyed
 * by repository ARN, for consumers outside Cairn (a CI listener, a rules engine). At least once:
 * the group's position moves only after Kafka acknowledged, and a redelivery repeats the same ids.
 * Off when no stream Kafka is configured.
 */
@Injectable()
export class EventBridgeStream implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('eventbridge-stream');
  private readonly producer?: KafkaTopicProducer;
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_LOG) private readonly eventLog: EventLog,
    @Inject(TRIGGERS_CONFIG) config: TriggersConfig,
    private readonly upstreams: Upstreams,
  ) {
    const brokers = streamBrokers(config);
    if (brokers.length > 0) this.producer = new KafkaTopicProducer(brokers, 'repo-metadata-eventbridge');
  }

  async onApplicationBootstrap(): Promise<void> {
    const producer = this.producer;
    if (!producer) return;
    this.subscription = await this.eventLog.subscribe(EVENTBRIDGE_GROUP, async (event) => {
      const { region } = await this.upstreams.getAccount();
      const events = eventBridgeEvents(event, region);
      if (events.length === 0) return;
      await producer.send(
        KAFKA_TOPICS.eventBridge.name,
        events.map((e) => ({ key: e.resources[0]!, value: JSON.stringify(e), headers: { 'cairn-event-id': event.id } })),
      );
    });
    this.logger.info('publishing EventBridge events', { topic: KAFKA_TOPICS.eventBridge.name });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
    await this.producer?.close();
  }
}
