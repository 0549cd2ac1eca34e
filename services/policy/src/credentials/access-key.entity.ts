import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** SigV4 needs the secret itself to check a signature, so it is stored encrypted, not hashed. */
@Entity('access_key')
export class AccessKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  accessKeyId!: string;

  @Index()
  @Column({ type: 'varchar', length: 32 })
  userId!: string;

  /** AES-256-GCM under the master key: base64(iv | tag | ciphertext). */
  @Column({ type: 'text' })
  secretEncrypted!: string;

  @Column({ type: 'varchar', length: 16, default: 'Active' })
  status!: 'Active' | 'Inactive';

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
