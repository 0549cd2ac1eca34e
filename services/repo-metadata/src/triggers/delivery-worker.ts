import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from '@cairn/runtime';
import { TriggerDeliveryEntity } from './trigger.entities';
import { TRIGGERS_CONFIG, TriggersConfig } from './triggers.config';
import { destinationOf } from './trigger-rules';
import { TriggerSender } from './trigger-sender';

const BATCH = 20;
/** A claimed delivery is invisible to other workers this long (longer than one send can take). */
const CLAIM_MS = 60_000;
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Sends due trigger deliveries (webhooks and Kafka topics). Each is claimed with FOR UPDATE SKIP LOCKED, so replicas of this
 * service never send one twice at the same time; a failure is retried with exponential backoff
 * up to the configured attempts, then marked failed. Every outcome stays in the delivery log.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('trigger-delivery');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    @Inject(TRIGGERS_CONFIG) private readonly config: TriggersConfig,
    private readonly sender: TriggerSender,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sendDue()
        .catch((error: unknown) => this.logger.error('delivery round failed', { error }))
        .finally(() => this.schedule());
    }, this.config.pollMs);
  }

  /** One round: claim what is due, send it, record the outcome. */
  async sendDue(): Promise<number> {
    const claimed = await this.claim();
    for (const delivery of claimed) {
      const result = await this.sender.send(destinationOf(delivery.destination), delivery.body, delivery.deliveryId, delivery.repositoryId);
      const attempts = delivery.attempts + 1;
      const update: Partial<TriggerDeliveryEntity> = { attempts, lastStatusCode: result.statusCode, lastError: result.error.slice(0, 1000) };
      if (result.ok) Object.assign(update, { status: 'delivered', deliveredAt: new Date() });
      else if (attempts >= this.config.maxAttempts) Object.assign(update, { status: 'failed' });
      else update.nextAttemptAt = new Date(Date.now() + Math.min(this.config.retryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS));
      await this.db.getRepository(TriggerDeliveryEntity).update({ deliveryId: delivery.deliveryId }, update);
      if (!result.ok) this.logger.warn('trigger delivery failed', { deliveryId: delivery.deliveryId, trigger: delivery.triggerName, attempts, error: result.error });
    }
    return claimed.length;
  }

  private async claim(): Promise<TriggerDeliveryEntity[]> {
    return this.db.transaction(async (manager) => {
      const due = await manager
        .getRepository(TriggerDeliveryEntity)
        .createQueryBuilder('d')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where('d.status = :pending AND d.nextAttemptAt <= :now', { pending: 'pending', now: new Date() })
        .orderBy('d.nextAttemptAt', 'ASC')
        .take(BATCH)
        .getMany();
      if (due.length > 0) await manager.getRepository(TriggerDeliveryEntity).update(due.map((d) => d.deliveryId), { nextAttemptAt: new Date(Date.now() + CLAIM_MS) });
      return due;
    });
  }
}
