import { DataSource } from 'typeorm';
import { AUDIT_ENTITIES } from './chain/audit-record.entity';

/** A mistake in how a CLI was called: its message is printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** --database-url, else CAIRN_DATABASE_URL. */
export function databaseUrlOf(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = option ?? env.CAIRN_DATABASE_URL;
  if (!url) throw new UsageError('no database: pass --database-url or set CAIRN_DATABASE_URL');
  return url;
}

/**
 * The audit database for a CLI: one connection, and no schema synchronization, so pointing a CLI
 * at the wrong database fails ("relation audit_chain does not exist") instead of creating an
 * empty chain there that would verify as intact.
 */
export function openAuditDatabase(url: string): Promise<DataSource> {
  return new DataSource({ type: 'postgres', url, entities: AUDIT_ENTITIES, synchronize: false, extra: { max: 1, connectionTimeoutMillis: 10_000 }, logging: false }).initialize();
}

/** Runs a CLI's body and reports failures: usage mistakes (exit 2, with the usage) and anything else (exit 2). */
export async function runCli(usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(error instanceof UsageError ? `${message}\n${usage}\n` : `error: ${message}\n`);
    return 2;
  }
}
