#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { AuditRepository } from './chain/audit.repository';
import { ChainVerifier } from './chain/chain-verifier';
import { databaseUrlOf, openAuditDatabase, runCli, UsageError } from './cli';

const USAGE = `usage: cairn-audit-verify [--database-url URL] [--from SEQUENCE]
  Walks the audit hash chain and prints the result as one JSON line:
    {"ok":true,"checked":N,"lastSequence":N,"lastHash":"…"}
    {"ok":false,"checked":N,"firstBadSequence":N,"problem":"altered|removed|reordered|inserted",…}
  The database is --database-url or CAIRN_DATABASE_URL. Exit code 0: intact; 1: not; 2: could not check.`;

/** The CLI, as a function of its arguments: returns the exit code. */
export function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runCli(USAGE, async () => {
    let values: { 'database-url'?: string; from?: string; help?: boolean };
    try {
      ({ values } = parseArgs({ args: argv, options: { 'database-url': { type: 'string' }, from: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (values.from !== undefined && !/^[1-9]\d{0,15}$/.test(values.from)) throw new UsageError('--from must be a sequence number (1 or more)');
    const db = await openAuditDatabase(databaseUrlOf(values['database-url'], env));
    try {
      const result = await new ChainVerifier(new AuditRepository(db)).verify({ fromSequence: values.from === undefined ? undefined : Number(values.from) });
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return result.ok ? 0 : 1;
    } finally {
      await db.destroy();
    }
  });
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
