import { randomUUID } from 'node:crypto';
import { canonicalJson } from '../src/chain/canonical-json';
import { chainHash, GENESIS_HASH } from '../src/chain/audit.repository';
import { AuditConfig } from '../src/config';
import { RetentionService } from '../src/retention/retention.service';
import { appendAll, auditRecord, AuditStore, forgedInsert, openAuditStore, tamper } from './support';

const DAY = 24 * 60 * 60 * 1000;
const stores: AuditStore[] = [];

/** A fresh database per scenario: tampering is not undone. */
async function chainOf(count: number): Promise<AuditStore> {
  const store = await openAuditStore('audit_chain');
  stores.push(store);
  await appendAll(store.repository, Array.from({ length: count }, (_, i) => auditRecord({ eventName: `Op${i + 1}` })));
  return store;
}

afterAll(async () => {
  await Promise.all(stores.map((s) => s.db.destroy()));
});

describe('appending', () => {
  it('numbers records 1, 2, 3 and links each to the one before', async () => {
    const { db, repository, verifier } = await chainOf(0);
    const records = [auditRecord(), auditRecord({ eventName: 'GitPush', readOnly: false }), auditRecord()];
    const sequences = [];
    for (const r of records) sequences.push(await repository.append(r, { eventId: randomUUID(), eventTime: new Date() }));
    expect(sequences).toEqual([1, 2, 3]);

    const rows = (await db.query('SELECT sequence, record, prev_hash, hash FROM audit_records ORDER BY sequence')) as { sequence: string; record: string; prev_hash: string; hash: string }[];
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    rows.forEach((row, i) => {
      expect(row.record).toBe(canonicalJson(records[i]));
      expect(JSON.parse(row.record)).toEqual(records[i]);
      expect(row.hash).toBe(chainHash(row.prev_hash, row.record, i + 1));
      if (i > 0) expect(row.prev_hash).toBe(rows[i - 1].hash);
    });
    expect(await repository.state()).toEqual({ headSequence: 3, headHash: rows[2].hash, checkpointSequence: 0, checkpointHash: GENESIS_HASH });
    expect(await verifier.verify()).toEqual({ ok: true, checked: 3, lastSequence: 3, lastHash: rows[2].hash });
  });

  it('drops a record whose eventID is stored already, without using up a sequence number', async () => {
    const { db, repository, verifier } = await chainOf(0);
    const record = auditRecord();
    expect(await repository.append(record, { eventId: randomUUID(), eventTime: new Date() })).toBe(1);
    expect(await repository.append(structuredClone(record), { eventId: randomUUID(), eventTime: new Date() })).toBeUndefined();
    expect(await repository.append(auditRecord(), { eventId: randomUUID(), eventTime: new Date() })).toBe(2);
    expect(await db.query('SELECT count(*)::int AS n FROM audit_records')).toEqual([{ n: 2 }]);
    expect((await verifier.verify()).ok).toBe(true);
  });

  it('stores a record without eventID or a parsable eventTime under the event id and time', async () => {
    const { db, repository, verifier } = await chainOf(0);
    const record = { ...auditRecord(), eventID: undefined, eventTime: 'yesterday' } as unknown as Parameters<typeof repository.append>[0];
    const eventId = randomUUID();
    await repository.append(record, { eventId, eventTime: new Date('2026-01-02T03:04:05.678Z') });
    expect(await repository.append(record, { eventId, eventTime: new Date() })).toBeUndefined();
    expect(await db.query('SELECT event_id, event_time FROM audit_records')).toEqual([{ event_id: eventId, event_time: new Date('2026-01-02T03:04:05.678Z') }]);
    expect((await verifier.verify()).ok).toBe(true);
  });

  it('keeps one total, gap-free chain under concurrent appends, duplicates included', async () => {
    const { db, repository, verifier } = await chainOf(0);
    const records = Array.from({ length: 60 }, (_, i) => auditRecord({ eventName: `Concurrent${i}` }));
    const deliveries = [...records, ...records.slice(0, 20)].map((r) => repository.append(structuredClone(r), { eventId: randomUUID(), eventTime: new Date() }));
    const sequences = (await Promise.all(deliveries)).filter((s) => s !== undefined).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(await db.query('SELECT count(DISTINCT event_id)::int AS n FROM audit_records')).toEqual([{ n: 60 }]);
    expect(await verifier.verify()).toMatchObject({ ok: true, checked: 60, lastSequence: 60 });
  });

  it('appends a batch in one call: in order, linked, duplicates within it and already stored dropped', async () => {
    const { db, repository, verifier } = await chainOf(0);
    const stored = auditRecord({ eventName: 'StoredBefore' });
    expect(await repository.append(stored, { eventId: randomUUID(), eventTime: new Date() })).toBe(1);
    const batch = Array.from({ length: 1_500 }, (_, i) => auditRecord({ eventName: `Batch${i}` }));
    const entries = [...batch.slice(0, 10), structuredClone(stored), structuredClone(batch[3]), ...batch.slice(10)].map((record) => ({
      record,
      fallback: { eventId: randomUUID(), eventTime: new Date() },
    }));
    const sequences = await repository.appendMany(entries);
    // 1,500 new records after record 1; the re-sent stored record and the in-batch repeat get none.
    expect(sequences.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
    expect(sequences.slice(10, 12)).toEqual([undefined, undefined]);
    expect(sequences.slice(12)).toEqual(Array.from({ length: 1_490 }, (_, i) => i + 12));
    const names = (await db.query('SELECT event_name FROM audit_records ORDER BY sequence')) as { event_name: string }[];
    expect(names.map((r) => r.event_name)).toEqual(['StoredBefore', ...batch.map((r) => r.eventName)]);
    expect(await verifier.verify()).toMatchObject({ ok: true, checked: 1_501, lastSequence: 1_501 });
    // Appending after a batch continues the same chain.
    expect(await repository.append(auditRecord(), { eventId: randomUUID(), eventTime: new Date() })).toBe(1_502);
    expect(await verifier.verify()).toMatchObject({ ok: true, lastSequence: 1_502 });
  });

  it('keeps one chain when batches and single appends race', async () => {
    const { repository, verifier } = await chainOf(0);
    const records = Array.from({ length: 300 }, (_, i) => auditRecord({ eventName: `Race${i}` }));
    const entry = (record: (typeof records)[number]) => ({ record: structuredClone(record), fallback: { eventId: randomUUID(), eventTime: new Date() } });
    const calls = [
      repository.appendMany(records.slice(0, 150).map(entry)),
      repository.appendMany(records.slice(100, 300).map(entry)),
      ...records.slice(50, 80).map((r) => repository.append(structuredClone(r), { eventId: randomUUID(), eventTime: new Date() })),
    ];
    const sequences = (await Promise.all(calls)).flat().filter((s) => s !== undefined).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(await verifier.verify()).toMatchObject({ ok: true, checked: 300, lastSequence: 300 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of stored records', async () => {
    const { db } = await chainOf(2);
    await expect(db.query(`UPDATE audit_records SET event_name = 'x' WHERE sequence = 1`)).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_records WHERE sequence = 2')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_records')).rejects.toThrow(/append-only/);
    expect(await db.query('SELECT count(*)::int AS n FROM audit_records')).toEqual([{ n: 2 }]);
  });
});

describe('verification finds tampering', () => {
  it('a record whose JSON was changed: altered, at that record', async () => {
    const { db, verifier } = await chainOf(8);
    await tamper(db, [`UPDATE audit_records SET record = replace(record, '"Op5"', '"Op5x"') WHERE sequence = 5`]);
    expect(await verifier.verify()).toMatchObject({ ok: false, checked: 5, firstBadSequence: 5, problem: 'altered', lastSequence: 4 });
  });

  it('a lookup column changed without its JSON (hiding the record from a Username lookup): altered', async () => {
    const { db, verifier } = await chainOf(6);
    await tamper(db, [`UPDATE audit_records SET username = 'mallory' WHERE sequence = 2`]);
    expect(await verifier.verify()).toMatchObject({ ok: false, firstBadSequence: 2, problem: 'altered' });
  });

  it('a record and its hash both rewritten: the next record no longer links to it', async () => {
    const { db, verifier } = await chainOf(6);
    const [row] = (await db.query('SELECT record, prev_hash FROM audit_records WHERE sequence = 3')) as { record: string; prev_hash: string }[];
    const forged = row.record.replace('"Op3"', '"Forged"');
    await tamper(db, [`UPDATE audit_records SET record = $1, event_name = 'Forged', hash = $2 WHERE sequence = 3`, [forged, chainHash(row.prev_hash, forged, 3)]]);
    expect(await verifier.verify()).toMatchObject({ ok: false, firstBadSequence: 4, problem: 'reordered' });
  });

  it('a deleted record: removed, at its sequence number', async () => {
    const { db, verifier } = await chainOf(8);
    await tamper(db, ['DELETE FROM audit_records WHERE sequence = 4']);
    expect(await verifier.verify()).toMatchObject({ ok: false, checked: 3, firstBadSequence: 4, problem: 'removed', lastSequence: 3 });
  });

  it('deleted records at the tail: removed, after the last one left', async () => {
    const { db, verifier } = await chainOf(8);
    await tamper(db, ['DELETE FROM audit_records WHERE sequence >= 7']);
    expect(await verifier.verify()).toMatchObject({ ok: false, checked: 6, firstBadSequence: 7, problem: 'removed' });
  });

  it('two records that swapped sequence numbers: reordered, at the first of them', async () => {
    const { db, verifier } = await chainOf(8);
    await tamper(
      db,
      ['UPDATE audit_records SET sequence = -1 WHERE sequence = 3'],
      ['UPDATE audit_records SET sequence = 3 WHERE sequence = 6'],
      ['UPDATE audit_records SET sequence = 6 WHERE sequence = -1'],
    );
    expect(await verifier.verify()).toMatchObject({ ok: false, checked: 3, firstBadSequence: 3, problem: 'reordered' });
  });

  it('adjacent records swapped: reordered', async () => {
    const { db, verifier } = await chainOf(5);
    await tamper(
      db,
      ['UPDATE audit_records SET sequence = -1 WHERE sequence = 2'],
      ['UPDATE audit_records SET sequence = 2 WHERE sequence = 3'],
      ['UPDATE audit_records SET sequence = 3 WHERE sequence = -1'],
    );
    expect(await verifier.verify()).toMatchObject({ ok: false, firstBadSequence: 2, problem: 'reordered' });
  });

  it('a forged record spliced in (later records renumbered): inserted, at the forged record', async () => {
    const { db, verifier } = await chainOf(6);
    const [before] = (await db.query('SELECT hash FROM audit_records WHERE sequence = 3')) as { hash: string }[];
    await tamper(
      db,
      ['UPDATE audit_records SET sequence = -sequence WHERE sequence >= 4'],
      ['UPDATE audit_records SET sequence = 1 - sequence WHERE sequence < 0'],
      forgedInsert(4, before.hash, auditRecord({ eventName: 'Forged' })),
    );
    expect(await verifier.verify()).toMatchObject({ ok: false, firstBadSequence: 4, problem: 'inserted' });
  });

  it('a well-linked record added past the head: inserted', async () => {
    const { db, repository, verifier } = await chainOf(4);
    const { headHash } = await repository.state();
    await tamper(db, forgedInsert(5, headHash, auditRecord({ eventName: 'Forged' })));
    expect(await verifier.verify()).toMatchObject({ ok: false, checked: 4, firstBadSequence: 5, problem: 'inserted' });
  });

  it('walks long chains in batches', async () => {
    const { db, verifier } = await chainOf(2100);
    expect(await verifier.verify()).toMatchObject({ ok: true, checked: 2100, lastSequence: 2100 });
    await tamper(db, [`UPDATE audit_records SET record = replace(record, '"Op2050"', '"Op2050x"') WHERE sequence = 2050`]);
    expect(await verifier.verify()).toMatchObject({ ok: false, checked: 2050, firstBadSequence: 2050, problem: 'altered' });
  });
});

describe('verification from a midpoint', () => {
  it('anchors on that record’s stored prevHash and checks from there on', async () => {
    const { db, verifier } = await chainOf(10);
    const [row] = (await db.query('SELECT hash FROM audit_records WHERE sequence = 10')) as { hash: string }[];
    expect(await verifier.verify({ fromSequence: 5 })).toEqual({ ok: true, checked: 6, lastSequence: 10, lastHash: row.hash });

    await tamper(db, [`UPDATE audit_records SET record = replace(record, '"Op3"', '"Op3x"') WHERE sequence = 3`]);
    expect((await verifier.verify({ fromSequence: 5 })).ok).toBe(true);
    expect(await verifier.verify({ fromSequence: 2 })).toMatchObject({ ok: false, checked: 2, firstBadSequence: 3, problem: 'altered' });
    expect(await verifier.verify({ fromSequence: 3 })).toMatchObject({ ok: false, checked: 1, firstBadSequence: 3, problem: 'altered' });

    await tamper(db, ['DELETE FROM audit_records WHERE sequence = 7']);
    expect(await verifier.verify({ fromSequence: 7 })).toMatchObject({ ok: false, checked: 0, firstBadSequence: 7, problem: 'removed' });
    expect(await verifier.verify({ fromSequence: 11 })).toMatchObject({ ok: true, checked: 0 });
  });
});

describe('retention', () => {
  const config = (retentionDays: number) => ({ retentionDays }) as AuditConfig;

  it('prunes the oldest records and keeps the rest verifiable from the checkpoint', async () => {
    const { db, repository, verifier } = await chainOf(0);
    const now = Date.now();
    // Ten old records, then a recent one, then an old one that arrived late (kept: it is past the prefix).
    await appendAll(repository, [
      ...Array.from({ length: 10 }, (_, i) => auditRecord({ eventTime: new Date(now - 100 * DAY + i * 1000) })),
      auditRecord({ eventTime: new Date(now) }),
      auditRecord({ eventTime: new Date(now - 200 * DAY) }),
    ]);
    const [tenth] = (await db.query('SELECT hash FROM audit_records WHERE sequence = 10')) as { hash: string }[];
    const retention = new RetentionService(config(90), repository, verifier);

    expect(await retention.prune(new Date(now - 90 * DAY))).toEqual({ pruned: 10, checkpointSequence: 10 });
    expect(await repository.state()).toMatchObject({ checkpointSequence: 10, checkpointHash: tenth.hash, headSequence: 12 });
    expect(await db.query('SELECT sequence::int FROM audit_records ORDER BY sequence')).toEqual([{ sequence: 11 }, { sequence: 12 }]);
    expect(await verifier.verify()).toMatchObject({ ok: true, checked: 2, lastSequence: 12 });
    expect(await verifier.verify({ fromSequence: 3 })).toMatchObject({ ok: true, checked: 2 });

    await appendAll(repository, [auditRecord()]);
    expect(await verifier.verify()).toMatchObject({ ok: true, checked: 3, lastSequence: 13 });
    expect(await retention.prune(new Date(now - 90 * DAY))).toEqual({ pruned: 0, checkpointSequence: 10 });

    // The first record after the checkpoint removed: still seen.
    await tamper(db, ['DELETE FROM audit_records WHERE sequence = 11']);
    expect(await verifier.verify()).toMatchObject({ ok: false, firstBadSequence: 11, problem: 'removed' });
  });

  it('keeps records that do not verify instead of pruning them', async () => {
    const { db, repository, verifier } = await chainOf(0);
    await appendAll(repository, Array.from({ length: 5 }, () => auditRecord({ eventTime: new Date(Date.now() - 10 * DAY) })));
    await tamper(db, [`UPDATE audit_records SET record = replace(record, 'GetRepository', 'Changed') WHERE sequence = 3`]);
    const retention = new RetentionService(config(1), repository, verifier);
    expect(await retention.prune(new Date(Date.now() - DAY))).toEqual({ pruned: 0, checkpointSequence: 0, refused: { firstBadSequence: 3, problem: 'altered' } });
    expect(await db.query('SELECT count(*)::int AS n FROM audit_records')).toEqual([{ n: 5 }]);
  });
});
