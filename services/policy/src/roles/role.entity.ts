import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('iam_role')
export class RoleEntity {
  /** IAM-style unique id, AROA…; never reused. Sessions refer to it. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  roleId!: string;

  @Column({ type: 'varchar', length: 64 })
  roleName!: string;

  /** The name in lower case: IAM role names are unique regardless of case. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  nameKey!: string;

  @Column({ type: 'varchar', length: 512, default: '/' })
  path!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 2048 })
  arn!: string;

  /** The trust policy exactly as written. */
  @Column({ type: 'text' })
  assumeRolePolicyDocument!: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description!: string;

  @Column({ type: 'integer', default: 3600 })
  maxSessionDuration!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
