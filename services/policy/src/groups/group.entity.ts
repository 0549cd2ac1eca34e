import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('iam_group')
export class GroupEntity {
  /** IAM-style unique id, AGPA…; never reused. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  groupId!: string;

  @Column({ type: 'varchar', length: 128 })
  groupName!: string;

  /** The name in lower case: IAM group names are unique regardless of case. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 128 })
  nameKey!: string;

  @Column({ type: 'varchar', length: 512, default: '/' })
  path!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 2048 })
  arn!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
