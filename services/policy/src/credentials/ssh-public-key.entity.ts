import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An SSH public key for git over SSH; its id is the SSH user name. */
@Entity('ssh_public_key')
@Index(['userId', 'fingerprint'], { unique: true })
export class SshPublicKeyEntity {
  /** APKA… */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  sshPublicKeyId!: string;

  @Index()
  @Column({ type: 'varchar', length: 32 })
  userId!: string;

  /** The key blob (SSH wire format), base64: what a client presents when it authenticates. */
  @Column({ type: 'text' })
  keyBlob!: string;

  /** MD5 of the blob, colon-separated hex. */
  @Column({ type: 'varchar', length: 48 })
  fingerprint!: string;

  @Column({ type: 'varchar', length: 16, default: 'Active' })
  status!: 'Active' | 'Inactive';

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
