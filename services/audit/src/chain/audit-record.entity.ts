import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One audit record, a link of the hash chain: `hash` = SHA-256(prevHash || record || sequence),
 * where `record` is the record's canonical JSON exactly as hashed. Every other column is derived
 * from `record` (for lookups) and checked against it by verification. Rows are only ever
 * appended; a trigger refuses UPDATE, TRUNCATE, and DELETE outside retention pruning.
 */
@Entity({ name: 'audit_records' })
@Index('audit_records_time', ['eventTime', 'sequence'])
@Index('audit_records_event_name', ['eventName', 'eventTime', 'sequence'])
@Index('audit_records_event_source', ['eventSource', 'eventTime', 'sequence'])
@Index('audit_records_username', ['username', 'eventTime', 'sequence'])
@Index('audit_records_access_key', ['accessKeyId', 'eventTime', 'sequence'])
@Index('audit_records_read_only', ['readOnly', 'eventTime', 'sequence'])
export class AuditRecordEntity {
  /** 1, 2, 3, … with no gaps: a missing number is a removed record. bigint: read back as a string. */
  @PrimaryColumn({ type: 'bigint', name: 'sequence' })
  sequence!: string;

  /** The record's eventID; a record delivered again is dropped. */
  @Index('audit_records_event_id', { unique: true })
  @Column({ type: 'text', name: 'event_id' })
  eventId!: string;

  /** Millisecond precision, so a page token carries it exactly. */
  @Column({ type: 'timestamptz', name: 'event_time' })
  eventTime!: Date;

  @Column({ type: 'text', name: 'event_name' })
  eventName!: string;

  @Column({ type: 'text', name: 'event_source' })
  eventSource!: string;

  @Column({ type: 'text', name: 'username', nullable: true })
  username!: string | null;

  @Column({ type: 'text', name: 'principal_arn', nullable: true })
  principalArn!: string | null;

  @Column({ type: 'text', name: 'access_key_id', nullable: true })
  accessKeyId!: string | null;

  @Column({ type: 'boolean', name: 'read_only' })
  readOnly!: boolean;

  @Index('audit_records_resource_types', { type: 'gin' })
  @Column({ type: 'text', name: 'resource_types', array: true })
  resourceTypes!: string[];

  @Index('audit_records_resource_names', { type: 'gin' })
  @Column({ type: 'text', name: 'resource_names', array: true })
  resourceNames!: string[];

  /** Canonical JSON (text, not jsonb: jsonb would not keep the bytes that were hashed). */
  @Column({ type: 'text', name: 'record' })
  record!: string;

  @Column({ type: 'varchar', length: 64, name: 'prev_hash' })
  prevHash!: string;

  @Column({ type: 'varchar', length: 64, name: 'hash' })
  hash!: string;
}

/**
 * The chain's one state row (id 1). Appends lock it, so there is one writer at a time and the chain
 * is total. It holds the head (the last sequence and its hash, so a removed tail or a row added
 * past the head is seen) and the retention checkpoint: the last pruned record's sequence and hash,
 * from which verification of the remaining records starts.
 */
@Entity({ name: 'audit_chain' })
export class AuditChainEntity {
  @PrimaryColumn({ type: 'smallint', name: 'id' })
  id!: number;

  @Column({ type: 'bigint', name: 'head_sequence' })
  headSequence!: string;

  @Column({ type: 'varchar', length: 64, name: 'head_hash' })
  headHash!: string;

  @Column({ type: 'bigint', name: 'checkpoint_sequence' })
  checkpointSequence!: string;

  @Column({ type: 'varchar', length: 64, name: 'checkpoint_hash' })
  checkpointHash!: string;
}

export const AUDIT_ENTITIES = [AuditRecordEntity, AuditChainEntity];
