import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { makeTempDir } from '@cairn/testing';
import type { StorageConfig } from '../config';
import type { HooksInstaller } from '../ref-journal/hooks-installer';
import { RepositoryStore } from '../repositories/repository-store';
import { PACK_AFTER_CHANGES, RefPacker } from './ref-packer';

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.com' };
const git = (dir: string, args: string[], input?: string) => execFileSync('git', ['--git-dir', dir, ...args], { env: GIT_ENV, encoding: 'utf8', input }).trim();

/** A real bare repository with the journal's hook installed, as storage keeps them. */
describe('RefPacker', () => {
  const dataDir = makeTempDir('cairn-ref-packer-');
  const store = new RepositoryStore({ dataDir } as StorageConfig, {} as HooksInstaller);
  const hookLog = join(dataDir, 'hook-calls');

  function repositoryWithBranches(count: number): { id: string; dir: string } {
    const id = randomUUID();
    const dir = store.pathOf(id);
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir], { env: GIT_ENV });
    const commit = git(dir, ['commit-tree', git(dir, ['mktree'], ''), '-m', 'c']);
    const script = Array.from({ length: count }, (_, i) => `create refs/heads/b${i} ${commit}\n`).join('');
    git(dir, ['update-ref', '--stdin'], script);
    // The journal's hook, from now on: packing must not run it.
    const hooks = join(dataDir, `hooks-${id}`);
    mkdirSync(hooks);
    writeFileSync(join(hooks, 'reference-transaction'), `#!/bin/sh\necho "$1" >> ${hookLog}\n`);
    chmodSync(join(hooks, 'reference-transaction'), 0o755);
    git(dir, ['config', 'core.hooksPath', hooks]);
    return { id, dir };
  }
  const looseBranches = (dir: string) => readdirSync(join(dir, 'refs', 'heads')).length;

  it(`packs a repository's references once ${PACK_AFTER_CHANGES} changes have gathered, without running the hook`, async () => {
    const { id, dir } = repositoryWithBranches(300);
    const packer = new RefPacker(store);
    packer.noteChanges(id, PACK_AFTER_CHANGES - 1);
    await packer.idle();
    expect(looseBranches(dir)).toBe(300);
    packer.noteChanges(id, 1);
    await packer.idle();
    expect(looseBranches(dir)).toBe(0);
    expect(readFileSync(join(dir, 'packed-refs'), 'utf8').split('\n').filter((l) => l.includes(' refs/heads/b'))).toHaveLength(300);
    expect(existsSync(hookLog)).toBe(false);
    // Every ref still lists with its value, and HEAD as before.
    const listed = await store.listRefs(id, ['refs/heads/']);
    expect(listed.refs).toHaveLength(300);
    expect(listed.head).toBe('refs/heads/main');
  });

  it('counts per repository, and a repository that is gone is skipped quietly', async () => {
    const a = repositoryWithBranches(5);
    const packer = new RefPacker(store);
    packer.noteChanges(randomUUID(), PACK_AFTER_CHANGES * 2);
    packer.noteChanges(a.id, PACK_AFTER_CHANGES / 2);
    await packer.idle();
    expect(looseBranches(a.dir)).toBe(5);
  });

  it("lists a page of references: after a name, in git's byte order, at most a limit", async () => {
    const { id } = repositoryWithBranches(12);
    const page = async (startAfter: string, limit: number) => (await store.listRefs(id, ['refs/heads/'], { startAfter, limit })).refs.map((r) => r.name);
    // b0, b1, b10, b11, b2, … as git sorts them.
    expect(await page('', 3)).toEqual(['refs/heads/b0', 'refs/heads/b1', 'refs/heads/b10']);
    expect(await page('refs/heads/b10', 3)).toEqual(['refs/heads/b11', 'refs/heads/b2', 'refs/heads/b3']);
    expect(await page('refs/heads/b8', 5)).toEqual(['refs/heads/b9']);
    expect(await page('refs/heads/b9', 5)).toEqual([]);
    // A name that is not a ref still positions the page.
    expect(await page('refs/heads/b45', 2)).toEqual(['refs/heads/b5', 'refs/heads/b6']);
    expect((await store.listRefs(id, ['refs/heads/'], { startAfter: 'refs/heads/b3' })).refs).toHaveLength(6);
  });

  it('reads HEAD as symbolic-ref does: the branch, or nothing when detached', async () => {
    const { id, dir } = repositoryWithBranches(1);
    expect((await store.listRefs(id, ['refs/heads/'])).head).toBe('refs/heads/main');
    writeFileSync(join(dir, 'HEAD'), `${git(dir, ['rev-parse', 'refs/heads/b0'])}\n`);
    expect((await store.listRefs(id, ['refs/heads/'])).head).toBe('');
  });
});
