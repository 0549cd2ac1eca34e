#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { AuditRepository } from './chain/audit.repository';
import { databaseUrlOf, openAuditDatabase, runCli, UsageError } from './cli';
import { ExportService } from './export/export.service';

const USAGE = `usage: cairn-audit-export --out DIR [--from ISO-8601] [--to ISO-8601] [--database-url URL]
  Writes the audit records with from <= eventTime < to as CloudTrail log files, one gzipped
  {"Records":[…]} per UTC hour: DIR/YYYY/MM/DD/CloudTrail_YYYYMMDDTHH00Z.json.gz.
  --from defaults to the oldest record, --to to now. The database is --database-url or
  CAIRN_DATABASE_URL. Prints {"records":N,"files":[{"path","hour","records"}…]} as one JSON line.`;

/** The CLI, as a function of its arguments: returns the exit code. */
export function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runCli(USAGE, async () => {
    let values: { 'database-url'?: string; out?: string; from?: string; to?: string; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { 'database-url': { type: 'string' }, out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (!values.out) throw new UsageError('--out is required');
    const from = time('--from', values.from, new Date(0));
    const to = time('--to', values.to, new Date());
    if (from.getTime() > to.getTime()) throw new UsageError('--from must not be after --to');
    const db = await openAuditDatabase(databaseUrlOf(values['database-url'], env));
    try {
      const result = await new ExportService(new AuditRepository(db)).export(from, to, values.out);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    } finally {
      await db.destroy();
    }
  });
}

function time(option: string, value: string | undefined, fallback: Date): Date {
  if (value === undefined) return fallback;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw new UsageError(`${option} must be an ISO 8601 time, e.g. 2026-01-31T00:00:00Z`);
  return date;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
