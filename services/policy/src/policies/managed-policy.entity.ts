import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A managed policy: customer-managed (this account) or built-in (arn:aws:iam::aws:policy/…). */
@Entity('iam_policy')
export class ManagedPolicyEntity {
  /** ANPA…; never reused. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  policyId!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 2048 })
  arn!: string;

  @Column({ type: 'varchar', length: 128 })
  policyName!: string;

  /** Scope plus the name in lower case: names are unique per scope regardless of case. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 140 })
  nameKey!: string;

  @Column({ type: 'varchar', length: 512, default: '/' })
  path!: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description!: string;

  @Column({ type: 'boolean', default: false })
  awsManaged!: boolean;

  @Column({ type: 'varchar', length: 16 })
  defaultVersionId!: string;

  /** Version numbers are never reused, as in IAM: the next one is v<nextVersion>. */
  @Column({ type: 'integer', default: 2 })
  nextVersion!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}
