import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The one AWS-style account this installation presents. */
@Entity('account')
export class AccountEntity {
  @PrimaryColumn({ type: 'varchar', length: 12 })
  accountId!: string;

  @Column({ type: 'varchar', length: 32 })
  region!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
