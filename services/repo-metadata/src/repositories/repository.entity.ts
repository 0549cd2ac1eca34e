import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity('repository')
export class RepositoryEntity {
  /** Immutable id; the storage layer knows repositories only by it. */
  @PrimaryColumn({ type: 'uuid' })
  repositoryId!: string;

  @Column({ type: 'varchar', length: 12 })
  accountId!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 100 })
  repositoryName!: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  repositoryDescription!: string;

  @Column({ type: 'varchar', length: 256, default: '' })
  defaultBranch!: string;

  @Column({ type: 'varchar', length: 2048, default: '' })
  kmsKeyId!: string;

  @Column({ type: 'jsonb', default: {} })
  tags!: Record<string, string>;

  @CreateDateColumn({ type: 'timestamptz' })
  creationDate!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  lastModifiedDate!: Date;
}
