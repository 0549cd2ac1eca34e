import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Temporary credentials from STS AssumeRole. */
@Entity('sts_session')
export class SessionCredentialEntity {
  /** ASIA… */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  accessKeyId!: string;

  /** AES-256-GCM under the master key, like access keys: SigV4 needs the secret itself. */
  @Column({ type: 'text' })
  secretEncrypted!: string;

  /** The session token, sealed the same way: SigV4 verification compares it with the request's. */
  @Column({ type: 'text' })
  sessionTokenEncrypted!: string;

  @Index()
  @Column({ type: 'varchar', length: 32 })
  roleId!: string;

  @Column({ type: 'varchar', length: 64 })
  sessionName!: string;

  /** Who called AssumeRole, for audit. */
  @Column({ type: 'varchar', length: 2048 })
  sourceArn!: string;

  @Index()
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
