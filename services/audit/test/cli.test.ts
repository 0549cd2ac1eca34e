import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '@cairn/testing';
import { appendAll, auditRecord, AuditStore, openAuditStore, tamper } from './support';

/**
 * The CLIs as operators run them: the built files under dist/ (like e2e's services, they need
 * `npm run build` first; `npm test` does it).
 */
const DIST = join(__dirname, '..', 'dist');
const exec = promisify(execFile);

async function cli(name: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(DIST, name);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  const { CAIRN_DATABASE_URL: _ignored, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await exec(process.execPath, [file, ...args], { env: { ...inherited, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let store: AuditStore;

beforeAll(async () => {
  store = await openAuditStore('audit_cli');
  await appendAll(store.repository, Array.from({ length: 5 }, (_, i) => auditRecord({ eventName: `Op${i + 1}`, eventTime: new Date(Date.UTC(2026, 0, 1, i)) })));
});

afterAll(async () => {
  await store.db.destroy();
});

describe('verify-cli', () => {
  it('prints one JSON line and exits 0 when the chain is intact, 1 when not, 2 when it cannot check', async () => {
    const intact = await cli('verify-cli.js', [], { CAIRN_DATABASE_URL: store.url });
    expect(intact.code).toBe(0);
    expect(intact.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(intact.stdout)).toEqual({ ok: true, checked: 5, lastSequence: 5, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.parse((await cli('verify-cli.js', ['--database-url', store.url, '--from', '4'])).stdout)).toMatchObject({ ok: true, checked: 2 });

    await tamper(store.db, [`UPDATE audit_records SET record = replace(record, '"Op2"', '"Op2x"') WHERE sequence = 2`]);
    const broken = await cli('verify-cli.js', ['--database-url', store.url]);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, checked: 2, firstBadSequence: 2, problem: 'altered', lastSequence: 1 });

    const noDatabase = await cli('verify-cli.js', []);
    expect(noDatabase).toMatchObject({ code: 2, stdout: '' });
    expect(noDatabase.stderr).toMatch(/CAIRN_DATABASE_URL/);
    const notAudit = await cli('verify-cli.js', ['--database-url', store.url.replace(/\/[^/]+$/, '/postgres')]);
    expect(notAudit.code).toBe(2);
    expect(notAudit.stderr).toMatch(/audit_chain/);
    expect((await cli('verify-cli.js', ['--database-url', store.url, '--from', 'x'])).code).toBe(2);
  });
});

describe('export-cli', () => {
  it('writes the hourly files', async () => {
    const dir = makeTempDir('audit-cli-export-');
    const result = await cli('export-cli.js', ['--out', dir, '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T03:00:00Z'], { CAIRN_DATABASE_URL: store.url });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ records: 3 });
    expect(readdirSync(join(dir, '2026/01/01')).sort()).toEqual(['CloudTrail_20260101T0000Z.json.gz', 'CloudTrail_20260101T0100Z.json.gz', 'CloudTrail_20260101T0200Z.json.gz']);
  });
});
