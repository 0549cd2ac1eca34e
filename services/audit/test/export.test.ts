import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { AuditRecord } from '@cairn/events';
import { makeTempDir } from '@cairn/testing';
import { ExportService } from '../src/export/export.service';
import { main as exportCli } from '../src/export-cli';
import { appendAll, auditRecord, AuditStore, openAuditStore } from './support';

const HOUR = 60 * 60 * 1000;
const T0 = Date.parse('2026-04-10T08:00:00.000Z');
let store: AuditStore;
const inHour: AuditRecord[][] = [[], [], [], []];

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const readLog = (path: string) => JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records: AuditRecord[] };

beforeAll(async () => {
  store = await openAuditStore('audit_export');
  inHour[0] = [auditRecord({ eventTime: new Date(T0 + 5_000) }), auditRecord({ eventTime: new Date(T0 + 1_000), eventName: 'GitPush' }), auditRecord({ eventTime: new Date(T0 + HOUR - 1) })];
  inHour[1] = [auditRecord({ eventTime: new Date(T0 + HOUR) }), auditRecord({ eventTime: new Date(T0 + HOUR + 60_000) })];
  inHour[3] = [auditRecord({ eventTime: new Date(T0 + 3 * HOUR + 1) })];
  const outside = [auditRecord({ eventTime: new Date(T0 - 1) }), auditRecord({ eventTime: new Date(T0 + 4 * HOUR) })];
  await appendAll(store.repository, [...inHour.flat(), ...outside]);
});

afterAll(async () => {
  await store.db.destroy();
});

describe('export', () => {
  it('writes one gzipped CloudTrail log file per hour with records, from inclusive, to exclusive', async () => {
    const dir = makeTempDir('audit-export-');
    const result = await new ExportService(store.repository).export(new Date(T0), new Date(T0 + 4 * HOUR), dir);
    expect(files(dir)).toEqual(['2026/04/10/CloudTrail_20260410T0800Z.json.gz', '2026/04/10/CloudTrail_20260410T0900Z.json.gz', '2026/04/10/CloudTrail_20260410T1100Z.json.gz']);
    expect(result).toEqual({
      records: 6,
      files: [
        { path: join(dir, '2026/04/10/CloudTrail_20260410T0800Z.json.gz'), hour: '2026-04-10T08:00:00Z', records: 3 },
        { path: join(dir, '2026/04/10/CloudTrail_20260410T0900Z.json.gz'), hour: '2026-04-10T09:00:00Z', records: 2 },
        { path: join(dir, '2026/04/10/CloudTrail_20260410T1100Z.json.gz'), hour: '2026-04-10T11:00:00Z', records: 1 },
      ],
    });
    const byTime = (records: AuditRecord[]) => [...records].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
    expect(readLog(result.files[0].path)).toEqual({ Records: byTime(inHour[0]) });
    expect(readLog(result.files[1].path)).toEqual({ Records: byTime(inHour[1]) });
    expect(readLog(result.files[2].path)).toEqual({ Records: inHour[3] });
  });

  it('streams more records than one batch into one file, and writes nothing for an empty range', async () => {
    const many = await openAuditStore('audit_export_many');
    try {
      await appendAll(many.repository, Array.from({ length: 1500 }, (_, i) => auditRecord({ eventTime: new Date(T0 + i) })));
      const dir = makeTempDir('audit-export-');
      const result = await new ExportService(many.repository).export(new Date(T0), new Date(T0 + HOUR), dir);
      expect(result.files).toHaveLength(1);
      expect(readLog(result.files[0].path).Records.map((r) => Date.parse(r.eventTime))).toEqual(Array.from({ length: 1500 }, (_, i) => T0 + i));
      expect(await new ExportService(many.repository).export(new Date(0), new Date(T0), dir)).toEqual({ files: [], records: 0 });
      expect(files(dir)).toHaveLength(1);
    } finally {
      await many.db.destroy();
    }
  });

  it('export-cli writes the files and prints the result as one JSON line', async () => {
    const dir = makeTempDir('audit-export-cli-');
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await exportCli(['--out', dir, '--from', '2026-04-10T09:00:00Z', '--to', '2026-04-10T12:00:00Z'], { CAIRN_DATABASE_URL: store.url })).toBe(0);
      const line = JSON.parse(String(out.mock.calls[0][0]));
      expect(line).toMatchObject({ records: 3, files: [{ hour: '2026-04-10T09:00:00Z', records: 2 }, { hour: '2026-04-10T11:00:00Z', records: 1 }] });
    } finally {
      out.mockRestore();
    }
    expect(files(dir)).toHaveLength(2);
  });

  it('export-cli refuses bad arguments with exit code 2', async () => {
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await exportCli(['--from', '2026-04-10T09:00:00Z'], { CAIRN_DATABASE_URL: store.url })).toBe(2);
      expect(await exportCli(['--out', '/tmp/x', '--from', 'yesterday'], { CAIRN_DATABASE_URL: store.url })).toBe(2);
      expect(await exportCli(['--out', '/tmp/x'], {})).toBe(2);
      expect(String(err.mock.calls.at(-1)?.[0])).toMatch(/CAIRN_DATABASE_URL/);
    } finally {
      err.mockRestore();
    }
  });
});
