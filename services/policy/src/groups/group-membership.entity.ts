import { CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('iam_group_member')
export class GroupMembershipEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  groupId!: string;

  @Index()
  @PrimaryColumn({ type: 'varchar', length: 32 })
  userId!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
