import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** HTTPS Git credentials (IAM "service-specific credentials" for codecommit.amazonaws.com). */
@Entity('git_credential')
export class GitCredentialEntity {
  /** ACCA… id, as IAM names service-specific credentials. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  serviceSpecificCredentialId!: string;

  @Index()
  @Column({ type: 'varchar', length: 32 })
  userId!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 200 })
  serviceUserName!: string;

  /** scrypt hash of the password; the password itself is shown once and never stored. */
  @Column({ type: 'text' })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16, default: 'Active' })
  status!: 'Active' | 'Inactive';

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
