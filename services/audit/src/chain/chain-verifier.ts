import { Injectable } from '@nestjs/common';
import { AuditRepository, chainHash, type StoredRecord } from './audit.repository';
import { recordFields } from './record-fields';

export type ChainProblem = 'altered' | 'removed' | 'reordered' | 'inserted';

export interface VerifyResult {
  ok: boolean;
  /** Records examined. */
  checked: number;
  firstBadSequence?: number;
  problem?: ChainProblem;
  /** The last intact record examined (0 and the anchor hash when none was). */
  lastSequence: number;
  lastHash: string;
}

export interface VerifyOptions {
  /** Start at this record, anchored on its stored prevHash; default: right after the retention checkpoint. */
  fromSequence?: number;
  /** Stop after this record; default: the chain's head (and then also look for rows past it). */
  throughSequence?: number;
}

const BATCH = 1000;

/**
 * Walks the chain in sequence order, a batch at a time, and names the first record that is not
 * where and what it was appended as:
 * - removed: a sequence number is missing (also at the tail, up to the recorded head);
 * - reordered: a record does not link to the one before it (its prevHash is not that record's hash),
 *   as when two records swap places;
 * - inserted: a record that links to its predecessor but that its successor skips over (the
 *   successor links to the predecessor's predecessor), or a row past the recorded head;
 * - altered: a record's hash is not the hash of its own content, or its lookup columns disagree
 *   with its JSON.
 * Rows appended while the walk is under way are not examined (the head is read once, at the start).
 */
@Injectable()
export class ChainVerifier {
  constructor(private readonly repository: AuditRepository) {}

  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    const state = await this.repository.state();
    const through = Math.min(options.throughSequence ?? state.headSequence, state.headSequence);
    const fromCheckpoint = options.fromSequence === undefined || options.fromSequence <= state.checkpointSequence + 1;
    let expected = fromCheckpoint ? state.checkpointSequence + 1 : options.fromSequence!;
    // From the checkpoint the anchor is known; from a midpoint it is that record's own stored prevHash.
    let expectedPrev: string | undefined = fromCheckpoint ? state.checkpointHash : undefined;
    let beforePrev: string | undefined;
    let checked = 0;
    let last = { sequence: expected - 1, hash: expectedPrev ?? '' };
    const bad = (sequence: number, problem: ChainProblem): VerifyResult => ({ ok: false, checked, firstBadSequence: sequence, problem, lastSequence: last.sequence, lastHash: last.hash });

    for (let after = expected - 1; after < through; ) {
      const batch = await this.repository.records(after, through, BATCH);
      for (const row of batch) {
        if (row.sequence !== expected) return bad(expected, 'removed');
        checked++;
        expectedPrev ??= row.prevHash;
        if (row.prevHash !== expectedPrev) {
          return row.prevHash === beforePrev ? bad(row.sequence - 1, 'inserted') : bad(row.sequence, 'reordered');
        }
        if (chainHash(row.prevHash, row.record, row.sequence) !== row.hash || !columnsMatch(row)) return bad(row.sequence, 'altered');
        beforePrev = expectedPrev;
        expectedPrev = row.hash;
        last = { sequence: row.sequence, hash: row.hash };
        expected++;
      }
      if (batch.length < BATCH) break;
      after = batch[batch.length - 1].sequence;
    }
    if (expected <= through) return bad(expected, 'removed');
    if (options.throughSequence === undefined) {
      const extra = await this.repository.firstPastHead();
      if (extra !== undefined) return bad(extra, 'inserted');
    }
    return { ok: true, checked, lastSequence: last.sequence, lastHash: last.hash };
  }
}

/** The lookup columns are copies of the record's fields; a change to one alone would hide the record from lookups. */
function columnsMatch(row: StoredRecord): boolean {
  let record: unknown;
  try {
    record = JSON.parse(row.record);
  } catch {
    return false;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return false;
  const fields = recordFields(record);
  // A record without its own eventID/eventTime was stored under the event's; those cannot be re-derived.
  return (
    (fields.eventId === undefined || fields.eventId === row.eventId) &&
    (fields.eventTime === undefined || fields.eventTime.getTime() === row.eventTime.getTime()) &&
    fields.eventName === row.eventName &&
    fields.eventSource === row.eventSource &&
    fields.username === row.username &&
    fields.principalArn === row.principalArn &&
    fields.accessKeyId === row.accessKeyId &&
    fields.readOnly === row.readOnly &&
    sameList(fields.resourceTypes, row.resourceTypes) &&
    sameList(fields.resourceNames, row.resourceNames)
  );
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
