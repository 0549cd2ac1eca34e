import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testPostgresUrl } from './env';
import { freePort } from './net';
import { isRoot, run, runUnchecked, spawnReaper, tail } from './process';

export interface PostgresServer {
  /** Admin URL, database `postgres`, user `cairn`, no password (trust on loopback). */
  url: string;
  version: string;
  stop(): Promise<void>;
}

const PG_USER = 'cairn';

/** Debian keeps server binaries out of PATH, in /usr/lib/postgresql/<major>/bin; take the newest. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors.length > 0) return join(root, majors[0], 'bin');
  }
  return undefined;
}

/**
 * Starts a private PostgreSQL cluster in a temp dir on a free loopback port (fsync off: test data
 * only). The server refuses to run as root, so as root it runs as the `postgres` system user.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (run scripts/ensure-system-deps.sh)');
  const asUser = (cmd: string, args: string[]): [string, string[]] =>
    isRoot() ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];

  const dir = mkdtempSync(join(tmpdir(), 'cairn-pg-'));
  if (isRoot()) chownSync(dir, (await postgresUid()) ?? 0, -1);
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  await run(...asUser(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', PG_USER, '-E', 'UTF8', '--no-locale', '--no-sync']));

  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    const started = await runUnchecked(...asUser(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start']));
    if (started.code === 0) break;
    if (attempt >= 3 || !/could not bind|already in use/i.test(tail(log, 40))) {
      throw new Error(`pg_ctl start failed (${started.code}): ${started.stderr.trim()}\n${tail(log)}`);
    }
  }

  const stopCommand = asUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
  const reaper = spawnReaper(process.pid, `${[stopCommand[0], ...stopCommand[1]].join(' ')} >/dev/null 2>&1; rm -rf ${dir}`);
  const url = `postgres://${PG_USER}@127.0.0.1:${port}/postgres`;
  const version = await queryOne(url, 'SHOW server_version');
  return {
    url,
    version,
    async stop() {
      await runUnchecked(...stopCommand);
      reaper.kill('SIGKILL');
      await run('rm', ['-rf', dir]);
    },
  };
}

async function postgresUid(): Promise<number | undefined> {
  const result = await runUnchecked('id', ['-u', 'postgres']);
  return result.code === 0 ? Number(result.stdout.trim()) : undefined;
}

async function queryOne(url: string, sql: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(sql);
    return String(Object.values(result.rows[0] as Record<string, unknown>)[0]);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database in the run's PostgreSQL cluster and returns its URL. Call it once per
 * test file (beforeAll): databases are cheap, and files then never see each other's rows.
 */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
  const safePrefix = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40) || 'test';
  return createDatabase(testPostgresUrl(), `${safePrefix}_${randomBytes(6).toString('hex')}`);
}

/** Creates the database `name` (a plain identifier) on the server `adminUrl` reaches; returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
