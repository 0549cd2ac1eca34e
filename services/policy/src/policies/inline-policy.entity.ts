import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { EntityType } from './policy-attachment.entity';

/** A policy embedded in one user, group or role (PutUserPolicy and friends). */
@Entity('iam_inline_policy')
export class InlinePolicyEntity {
  @PrimaryColumn({ type: 'varchar', length: 8 })
  entityType!: EntityType;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  entityId!: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  policyName!: string;

  @Column({ type: 'text' })
  document!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
