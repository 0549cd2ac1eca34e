import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@cairn/testing';
import type { StorageConfig } from '../config';
import { RefJournal } from './ref-journal';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const context = { repositoryId: 'r', repositoryName: 'n', accountId: '1', actorArn: 'arn' };

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('RefJournal after a crash', () => {
  const dataDir = makeTempDir('cairn-journal-');
  const config = { dataDir } as StorageConfig;
  const readyEntries = () => readdirSync(join(dataDir, 'journal', 'ready')).filter((n) => n.endsWith('.json'));

  it('finishes a push whose git outlived the service only when that git has ended, then clears its leftovers', async () => {
    const gitDir = join(dataDir, 'repo.git');
    const stale = join(gitDir, 'objects', 'tmp_objdir-incoming-old');
    mkdirSync(join(stale, 'pack'), { recursive: true });
    utimesSync(stale, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));

    // The service that died: it started a push whose process is still running.
    const before = new RefJournal(config);
    await before.init();
    const push = await before.beginPush(context);
    // Stands in for git receive-pack: it commits (the hook appends) only after a nudge.
    const git = spawn('sh', ['-c', 'read x; printf "%s\\n" "$LINE" >> "$LOG"'], {
      env: { PATH: process.env.PATH, LOG: push.refLogPath, LINE: `${A} ${B} refs/heads/main` },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    await before.attachProcess(push.pushId, git.pid, gitDir);

    // The restarted service.
    const after = new RefJournal(config);
    const fresh = join(gitDir, 'objects', 'tmp_objdir-incoming-new');
    mkdirSync(fresh);
    utimesSync(fresh, new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    await after.init();
    try {
      expect(readyEntries()).toEqual([]);
      expect(existsSync(stale)).toBe(true);

      const exited = new Promise((r) => git.once('exit', r));
      git.stdin!.end('go\n');
      await exited;
      await eventually(() => readyEntries().length === 1);
      const entry = JSON.parse(readFileSync(join(dataDir, 'journal', 'ready', readyEntries()[0]), 'utf8'));
      expect(entry).toMatchObject({ id: push.pushId, ...context, updates: [{ ref: 'refs/heads/main', oldId: A, newId: B }] });
      await eventually(() => !existsSync(stale));
      // A quarantine made since the restart belongs to a push being served now.
      expect(existsSync(fresh)).toBe(true);
      expect(readdirSync(join(dataDir, 'journal', 'pending'))).toEqual([]);
    } finally {
      after.onApplicationShutdown();
      git.kill();
    }
  });

  it('finishes at once a push whose git is gone', async () => {
    const before = new RefJournal(config);
    await before.init();
    const push = await before.beginPush(context);
    const git = spawn('sh', ['-c', 'read x; printf "%s\\n" "$LINE" >> "$LOG"'], {
      env: { PATH: process.env.PATH, LOG: push.refLogPath, LINE: `${B} ${A} refs/heads/x` },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    await before.attachProcess(push.pushId, git.pid, join(dataDir, 'other.git'));
    expect(readdirSync(join(dataDir, 'journal', 'pending'))).toContain(`${push.pushId}.process`);
    const exited = new Promise((r) => git.once('exit', r));
    git.stdin!.end('go\n');
    await exited;

    const count = readyEntries().length;
    const after = new RefJournal(config);
    await after.init();
    after.onApplicationShutdown();
    expect(readyEntries()).toHaveLength(count + 1);
    expect(readdirSync(join(dataDir, 'journal', 'pending'))).toEqual([]);
  });
});
