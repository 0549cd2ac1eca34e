import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A repository's trigger configuration (PutRepositoryTriggers replaces it whole). */
@Entity('repository_triggers')
export class RepositoryTriggersEntity {
  @PrimaryColumn({ type: 'uuid' })
  repositoryId!: string;

  @Column({ type: 'uuid' })
  configurationId!: string;

  @Column({ type: 'jsonb' })
  triggers!: StoredTrigger[];
}

export interface StoredTrigger {
  name: string;
  destinationArn: string;
  customData: string;
  branches: string[];
  events: string[];
}

/**
 * One delivery of a trigger for one push: the body is fixed when the push is seen, so retries
 * send the same bytes (and signature). Unique per (event, trigger): a redelivered event adds nothing.
 */
@Entity('trigger_delivery')
@Index(['eventId', 'triggerName'], { unique: true })
@Index(['status', 'nextAttemptAt'])
export class TriggerDeliveryEntity {
  @PrimaryColumn({ type: 'uuid' })
  deliveryId!: string;

  @Column({ type: 'uuid' })
  eventId!: string;

  @Column({ type: 'uuid' })
  repositoryId!: string;

  @Column({ type: 'varchar', length: 100 })
  triggerName!: string;

  @Column({ type: 'varchar', length: 2048 })
  destination!: string;

  @Column({ type: 'text' })
  body!: string;

  /** pending, delivered or failed (gave up, or a destination Cairn cannot reach). */
  @Column({ type: 'varchar', length: 10 })
  status!: string;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ type: 'int', default: 0 })
  lastStatusCode!: number;

  @Column({ type: 'varchar', length: 1000, default: '' })
  lastError!: string;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}

export const TRIGGER_ENTITIES = [RepositoryTriggersEntity, TriggerDeliveryEntity];
