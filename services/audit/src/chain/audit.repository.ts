import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditRecord } from '@cairn/events';
import { canonicalJson } from './canonical-json';
import { recordFields } from './record-fields';

/** The previous hash of record 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** hex SHA-256 of prevHash || canonical record JSON || decimal sequence (no separators needed:
 * prevHash is 64 hex digits and the JSON ends with `}`). */
export function chainHash(prevHash: string, recordJson: string, sequence: number): string {
  return createHash('sha256').update(prevHash).update(recordJson).update(String(sequence)).digest('hex');
}

/** A stored record as read back. */
export interface StoredRecord {
  sequence: number;
  eventId: string;
  eventTime: Date;
  eventName: string;
  eventSource: string;
  username: string | null;
  principalArn: string | null;
  accessKeyId: string | null;
  readOnly: boolean;
  resourceTypes: string[];
  resourceNames: string[];
  record: string;
  prevHash: string;
  hash: string;
}

export interface ChainState {
  headSequence: number;
  headHash: string;
  checkpointSequence: number;
  checkpointHash: string;
}

/** CloudTrail's LookupAttribute keys, each with the condition it selects by ($1 is the value). */
export const LOOKUP_CONDITIONS = {
  EventId: 'event_id = $1',
  EventName: 'event_name = $1',
  EventSource: 'event_source = $1',
  Username: 'username = $1',
  AccessKeyId: 'access_key_id = $1',
  ReadOnly: 'read_only = $1::boolean',
  ResourceType: 'resource_types @> ARRAY[$1::text]',
  ResourceName: 'resource_names @> ARRAY[$1::text]',
} as const;
export type LookupKey = keyof typeof LOOKUP_CONDITIONS;

export interface LookupQuery {
  attribute?: { key: LookupKey; value: string };
  startTime?: Date;
  endTime?: Date;
  /** Continue after this record, in newest-first order. */
  after?: { eventTime: Date; sequence: number };
  limit: number;
}

/** When a record lacks its own eventID or eventTime, the event's. */
export interface RecordFallback {
  eventId: string;
  eventTime: Date;
}

export interface AppendEntry {
  record: AuditRecord;
  fallback: RecordFallback;
}

// 14 parameters a row; PostgreSQL allows 65,535 a statement.
const ROWS_PER_INSERT = 1_000;

const COLUMNS = `sequence, event_id, event_time, event_name, event_source, username, principal_arn, access_key_id,
  read_only, resource_types, resource_names, record, prev_hash, hash`;

// Any constant: the transaction-scoped lock that serializes schema preparation across replicas.
const SCHEMA_LOCK = 0x61756469;

/**
 * The chain's state row, and the trigger that keeps audit_records append-only. Pruning deletes
 * with `cairn.audit_pruning` set for its transaction; nothing else may change a row.
 */
export async function prepareAuditSchema(db: DataSource): Promise<void> {
  await db.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await m.query(
      `INSERT INTO audit_chain (id, head_sequence, head_hash, checkpoint_sequence, checkpoint_hash) VALUES (1, 0, $1, 0, $1) ON CONFLICT (id) DO NOTHING`,
      [GENESIS_HASH],
    );
    await m.query(`
      CREATE OR REPLACE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('cairn.audit_pruning', true) = 'on' THEN RETURN OLD; END IF;
        RAISE EXCEPTION 'audit_records is append-only: % refused', TG_OP;
      END $$`);
    await m.query(`CREATE OR REPLACE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()`);
    await m.query(`CREATE OR REPLACE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()`);
  });
}

/** All reads and writes of the audit tables. */
@Injectable()
export class AuditRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Appends a record at the head of the chain, unless a record with its eventID is stored already.
   * Returns the new sequence number, or undefined for a duplicate.
   */
  async append(record: AuditRecord, fallback: RecordFallback): Promise<number | undefined> {
    const [sequence] = await this.appendMany([{ record, fallback }]);
    return sequence;
  }

  /**
   * Appends records at the head of the chain in the given order, in one transaction, skipping each
   * one whose eventID is stored already (or came earlier in the same call). Returns each entry's new
   * sequence number, undefined for a duplicate. The chain row is locked for the transaction, so
   * appends are one call at a time and each record links to the one before; every insert happens
   * under that lock, so the duplicates found before inserting are all there are.
   */
  appendMany(entries: readonly AppendEntry[]): Promise<(number | undefined)[]> {
    const rows = entries.map(({ record, fallback }) => {
      const fields = recordFields(record);
      return {
        json: canonicalJson(record),
        fields,
        eventId: fields.eventId ?? fallback.eventId,
        // Milliseconds only, so page tokens and exports (JS dates) carry the stored time exactly.
        eventTime: new Date((fields.eventTime ?? fallback.eventTime).getTime()),
      };
    });
    if (rows.length === 0) return Promise.resolve([]);
    return this.db.transaction(async (m) => {
      const head = await this.lockedState(m);
      const stored = (await m.query('SELECT event_id FROM audit_records WHERE event_id = ANY($1::text[])', [rows.map((r) => r.eventId)])) as { event_id: string }[];
      const seen = new Set(stored.map((r) => r.event_id));
      const sequences: (number | undefined)[] = [];
      const values: unknown[][] = [];
      let { headSequence: sequence, headHash: prevHash } = head;
      for (const row of rows) {
        if (seen.has(row.eventId)) {
          sequences.push(undefined);
          continue;
        }
        seen.add(row.eventId);
        sequence += 1;
        const hash = chainHash(prevHash, row.json, sequence);
        const { fields } = row;
        values.push([
          sequence,
          row.eventId,
          row.eventTime,
          fields.eventName,
          fields.eventSource,
          fields.username,
          fields.principalArn,
          fields.accessKeyId,
          fields.readOnly,
          fields.resourceTypes,
          fields.resourceNames,
          row.json,
          prevHash,
          hash,
        ]);
        sequences.push(sequence);
        prevHash = hash;
      }
      if (values.length === 0) return sequences;
      for (let start = 0; start < values.length; start += ROWS_PER_INSERT) {
        const chunk = values.slice(start, start + ROWS_PER_INSERT);
        const placeholders = chunk.map((row, i) => `(${row.map((_, j) => `$${i * row.length + j + 1}`).join(', ')})`);
        await m.query(`INSERT INTO audit_records (${COLUMNS}) VALUES ${placeholders.join(', ')}`, chunk.flat());
      }
      await m.query('UPDATE audit_chain SET head_sequence = $1, head_hash = $2 WHERE id = 1', [sequence, prevHash]);
      return sequences;
    });
  }

  async state(): Promise<ChainState> {
    return toState(await this.db.query('SELECT * FROM audit_chain WHERE id = 1'));
  }

  /** Records with after < sequence <= through, in sequence order. */
  async records(after: number, through: number, limit: number): Promise<StoredRecord[]> {
    const rows = (await this.db.query(`SELECT ${COLUMNS} FROM audit_records WHERE sequence > $1 AND sequence <= $2 ORDER BY sequence LIMIT $3`, [
      after,
      through,
      limit,
    ])) as Row[];
    return rows.map(toStored);
  }

  /** The lowest sequence stored past the chain's head: a row that no append wrote. One statement, one snapshot. */
  async firstPastHead(): Promise<number | undefined> {
    const [row] = (await this.db.query(
      'SELECT min(r.sequence) AS sequence FROM audit_records r, audit_chain c WHERE c.id = 1 AND r.sequence > c.head_sequence',
    )) as { sequence: string | null }[];
    return row?.sequence == null ? undefined : Number(row.sequence);
  }

  /** LookupEvents' query: newest first (event time, then sequence), filtered by one attribute and a time range. */
  async lookup(query: LookupQuery): Promise<StoredRecord[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.attribute) {
      params.push(query.attribute.value);
      where.push(LOOKUP_CONDITIONS[query.attribute.key]);
    }
    if (query.startTime) where.push(`event_time >= $${params.push(query.startTime)}`);
    if (query.endTime) where.push(`event_time <= $${params.push(query.endTime)}`);
    if (query.after) where.push(`(event_time, sequence) < ($${params.push(query.after.eventTime)}, $${params.push(query.after.sequence)})`);
    const rows = (await this.db.query(
      `SELECT ${COLUMNS} FROM audit_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY event_time DESC, sequence DESC LIMIT $${params.push(query.limit)}`,
      params,
    )) as Row[];
    return rows.map(toStored);
  }

  /** Records with from <= eventTime < to, oldest first (event time, then sequence), after a position. */
  async inTimeRange(from: Date, to: Date, after: { eventTime: Date; sequence: number } | undefined, limit: number): Promise<StoredRecord[]> {
    const params: unknown[] = [from, to];
    const position = after ? `AND (event_time, sequence) > ($${params.push(after.eventTime)}, $${params.push(after.sequence)})` : '';
    const rows = (await this.db.query(
      `SELECT ${COLUMNS} FROM audit_records WHERE event_time >= $1 AND event_time < $2 ${position}
       ORDER BY event_time, sequence LIMIT $${params.push(limit)}`,
      params,
    )) as Row[];
    return rows.map(toStored);
  }

  /** The first sequence after `after` whose event time is at or past `cutoff` (the end of a prunable prefix). */
  async firstAtOrAfter(after: number, cutoff: Date): Promise<number | undefined> {
    const [row] = (await this.db.query('SELECT sequence FROM audit_records WHERE sequence > $1 AND event_time >= $2 ORDER BY sequence LIMIT 1', [
      after,
      cutoff,
    ])) as { sequence: string }[];
    return row ? Number(row.sequence) : undefined;
  }

  /**
   * Deletes the records up to `through` and moves the checkpoint to the last of them, in one
   * transaction under the chain lock. Does nothing (returns false) when the checkpoint is no
   * longer `expectedCheckpoint` (another pruner went first) or record `through` is missing.
   */
  pruneThrough(through: number, expectedCheckpoint: number): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const state = await this.lockedState(m);
      if (state.checkpointSequence !== expectedCheckpoint || through > state.headSequence) return false;
      const [last] = (await m.query('SELECT hash FROM audit_records WHERE sequence = $1', [through])) as { hash: string }[];
      if (!last) return false;
      await m.query('UPDATE audit_chain SET checkpoint_sequence = $1, checkpoint_hash = $2 WHERE id = 1', [through, last.hash]);
      await m.query(`SELECT set_config('cairn.audit_pruning', 'on', true)`);
      await m.query('DELETE FROM audit_records WHERE sequence <= $1', [through]);
      return true;
    });
  }

  private async lockedState(m: EntityManager): Promise<ChainState> {
    return toState(await m.query('SELECT * FROM audit_chain WHERE id = 1 FOR UPDATE'));
  }
}

interface Row {
  sequence: string;
  event_id: string;
  event_time: Date;
  event_name: string;
  event_source: string;
  username: string | null;
  principal_arn: string | null;
  access_key_id: string | null;
  read_only: boolean;
  resource_types: string[];
  resource_names: string[];
  record: string;
  prev_hash: string;
  hash: string;
}

function toStored(row: Row): StoredRecord {
  return {
    sequence: Number(row.sequence),
    eventId: row.event_id,
    eventTime: row.event_time,
    eventName: row.event_name,
    eventSource: row.event_source,
    username: row.username,
    principalArn: row.principal_arn,
    accessKeyId: row.access_key_id,
    readOnly: row.read_only,
    resourceTypes: row.resource_types,
    resourceNames: row.resource_names,
    record: row.record,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function toState(rows: unknown): ChainState {
  const [row] = rows as { head_sequence: string; head_hash: string; checkpoint_sequence: string; checkpoint_hash: string }[];
  if (!row) throw new Error('the audit chain has no state row (audit_chain id 1): the database was not prepared by the audit service');
  return {
    headSequence: Number(row.head_sequence),
    headHash: row.head_hash,
    checkpointSequence: Number(row.checkpoint_sequence),
    checkpointHash: row.checkpoint_hash,
  };
}
