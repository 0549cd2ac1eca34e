import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('iam_user')
export class UserEntity {
  /** IAM-style unique id, e.g. AIDA…; never reused. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  userId!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  userName!: string;

  @Column({ type: 'varchar', length: 512, default: '/' })
  path!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 2048 })
  arn!: string;

  /** The bootstrap administrator: allowed everything until IAM policies exist. */
  @Column({ type: 'boolean', default: false })
  isAdministrator!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
