import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@cairn/testing';
import type { StorageConfig } from '../config';
import type { HooksInstaller } from './hooks-installer';
import { RepositoryStore } from '../repositories/repository-store';
import { PushStatsReader } from './push-stats';

const ZERO = '0'.repeat(40);
const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.com' };
const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, encoding: 'utf8' }).trim();

/** Stats read from a real bare repository, as the storage node keeps it, after real changes. */
describe('PushStatsReader', () => {
  const dataDir = makeTempDir('cairn-push-stats-');
  const store = new RepositoryStore({ dataDir } as StorageConfig, {} as HooksInstaller);
  const reader = new PushStatsReader(store);
  const repositoryId = randomUUID();
  const bare = store.pathOf(repositoryId);
  const work = join(dataDir, 'work');
  const commit = (message: string) => {
    writeFileSync(join(work, `${message}.txt`), `${message}\n`);
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', message);
    return git(work, 'rev-parse', 'HEAD');
  };
  const tip = (ref: string) => git(bare, 'rev-parse', ref);

  beforeAll(() => {
    execFileSync('git', ['init', '-q', '--bare', bare], { env: GIT_ENV });
    execFileSync('git', ['init', '-q', '-b', 'main', work], { env: GIT_ENV });
  });

  it('counts the commits a change brought into the repository, and none for refs to commits it had', async () => {
    for (let i = 0; i < 5; i++) commit(`c${i}`);
    git(work, 'push', '-q', bare, 'main');
    expect(await reader.read(repositoryId, [{ ref: 'refs/heads/main', oldId: ZERO, newId: tip('main') }])).toMatchObject({ commits: 5 });

    // A new branch at a commit the repository has: nothing new.
    git(work, 'push', '-q', bare, 'HEAD~2:refs/heads/old');
    expect(await reader.read(repositoryId, [{ ref: 'refs/heads/old', oldId: ZERO, newId: tip('old') }])).toMatchObject({ commits: 0 });

    // Two more on main, and a side branch with a merge: 2 + 1 (side) + 1 (merge).
    const before = tip('main');
    commit('c5');
    commit('c6');
    git(work, 'checkout', '-q', '-b', 'side', 'HEAD~1');
    commit('side');
    git(work, 'checkout', '-q', 'main');
    git(work, 'merge', '-q', '--no-ff', '-m', 'merge', 'side');
    git(work, 'push', '-q', bare, 'main', 'side');
    const updates = [
      { ref: 'refs/heads/main', oldId: before, newId: tip('main') },
      { ref: 'refs/heads/side', oldId: ZERO, newId: tip('side') },
    ];
    expect(await reader.read(repositoryId, updates)).toMatchObject({ commits: 4 });

    // A deletion brings nothing.
    const side = tip('side');
    git(work, 'push', '-q', bare, ':refs/heads/side');
    expect(await reader.read(repositoryId, [{ ref: 'refs/heads/side', oldId: side, newId: ZERO }])).toMatchObject({ commits: 0 });
  });

  it('reads the size of the objects on disk, which grows with what is pushed', async () => {
    const before = (await reader.read(repositoryId, [])).repositorySizeBytes ?? 0;
    expect(before).toBeGreaterThan(0);
    // 2 MiB that do not compress, in one pack.
    writeFileSync(join(work, 'noise.bin'), randomBytes(2 * 1024 * 1024));
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'noise');
    git(work, 'push', '-q', bare, 'main');
    git(bare, 'repack', '-a', '-d', '-q');
    const after = (await reader.read(repositoryId, [])).repositorySizeBytes ?? 0;
    expect(after - before).toBeGreaterThan(2 * 1024 * 1024 * 0.95);
  });

  it('leaves the stats out, without failing, for a repository that is gone', async () => {
    expect(await reader.read(randomUUID(), [{ ref: 'refs/heads/main', oldId: ZERO, newId: 'a'.repeat(40) }])).toEqual({});
  });
});
