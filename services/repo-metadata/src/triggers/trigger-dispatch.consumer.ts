import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { EventLog, Subscription } from '@cairn/events';
import { Upstreams } from '../upstreams';
import { EVENT_LOG } from '../branches/first-branch.consumer';
import { RepositoryTriggersEntity, TriggerDeliveryEntity } from './trigger.entities';
import { destinationOf, matchingReferences, triggerPayload } from './trigger-rules';

/**
 * Turns each push into deliveries: one per trigger that matches it, with the message fixed now.
 * The (event id, trigger) key makes a redelivered event a no-op; the delivery worker sends them.
 */
@Injectable()
export class TriggerDispatchConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_LOG) private readonly eventLog: EventLog,
    private readonly db: DataSource,
    private readonly upstreams: Upstreams,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.eventLog.subscribe('repo-metadata.triggers', async (event) => {
      if (event.type !== 'references.updated') return;
      const { repositoryId, repositoryName, actorArn, updates } = event.payload;
      const config = await this.db.getRepository(RepositoryTriggersEntity).findOneBy({ repositoryId });
      if (!config || config.triggers.length === 0) return;
      const account = await this.upstreams.getAccount();
      const now = new Date();
      const rows: TriggerDeliveryEntity[] = [];
      for (const trigger of config.triggers) {
        const references = matchingReferences(trigger, updates);
        if (references.length === 0) continue;
        const destination = destinationOf(trigger.destinationArn);
        const body = triggerPayload({
          region: account.region,
          repositoryArn: `arn:aws:codecommit:${account.region}:${account.accountId}:${repositoryName}`,
          configurationId: config.configurationId,
          trigger,
          references,
          actorArn,
          eventTime: new Date(event.occurredAt),
          eventId: event.id,
        });
        rows.push(
          Object.assign(new TriggerDeliveryEntity(), {
            deliveryId: randomUUID(),
            eventId: event.id,
            repositoryId,
            triggerName: trigger.name,
            destination: trigger.destinationArn,
            body,
            // AWS destinations are recorded, not attempted: there is no SNS or Lambda to reach.
            status: destination.kind === 'aws' ? 'failed' : 'pending',
            attempts: 0,
            nextAttemptAt: now,
            lastStatusCode: 0,
            lastError: destination.kind === 'aws' ? 'Cairn cannot deliver to AWS SNS or Lambda destinations' : '',
            createdAt: now,
            deliveredAt: null,
          }),
        );
      }
      if (rows.length > 0) await this.db.createQueryBuilder().insert().into(TriggerDeliveryEntity).values(rows).orIgnore().execute();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }
}
