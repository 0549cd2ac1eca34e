import { CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type EntityType = 'user' | 'group' | 'role';

/** A managed policy attached to a user, group or role. */
@Entity('iam_policy_attachment')
export class PolicyAttachmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 8 })
  entityType!: EntityType;

  /** userId, groupId or roleId. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  entityId!: string;

  @Index()
  @PrimaryColumn({ type: 'varchar', length: 32 })
  policyId!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
