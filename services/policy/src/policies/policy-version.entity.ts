import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('iam_policy_version')
export class PolicyVersionEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  policyId!: string;

  /** "v1", "v2", … */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  versionId!: string;

  /** The document exactly as written (IAM gives it back byte for byte, URL-encoded). */
  @Column({ type: 'text' })
  document!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
