import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainCodeOf } from '@cairn/contracts';
import type { RepositoryStore } from '../repositories/repository-store';
import { ContentReader } from './content-reader';
import { revisionCandidates } from './object-reader';

const REPO_ID = '00000000-0000-4000-8000-000000000000';

/** Storage's content reads against a repository built with real git. */
describe('ContentReader', () => {
  const work = mkdtempSync(join(tmpdir(), 'cairn-content-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', ...args], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_DATE: '1484167798 -0800', GIT_COMMITTER_DATE: '1484167799 +0100' },
    })
      .toString()
      .trim();
  const store = { require: async (id: string) => (id === REPO_ID ? join(work, '.git') : Promise.reject(new Error('unknown repository'))) } as unknown as RepositoryStore;
  const reader = new ContentReader(store);
  const commits: string[] = [];

  const code = (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: unknown) => domainCodeOf(e));

  beforeAll(() => {
    git('init', '-q', '-b', 'main');
    mkdirSync(join(work, 'src/deep'), { recursive: true });
    writeFileSync(join(work, 'README.md'), '# hello\n');
    writeFileSync(join(work, 'src/deep/ünïcode ñame.txt'), 'unicode\n');
    writeFileSync(join(work, 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(work, 'run.sh'), 0o755);
    writeFileSync(join(work, 'bin.dat'), Buffer.from([0, 1, 2, 255, 254]));
    symlinkSync('README.md', join(work, 'link'));
    git('add', '-A');
    git('update-index', '--add', '--cacheinfo', `160000,${'a'.repeat(40)},vendor/lib`);
    git('commit', '-q', '-m', 'first');
    commits.push(git('rev-parse', 'HEAD'));
    git('tag', '-a', '-m', 'release', 'v1');
    writeFileSync(join(work, 'README.md'), '# hello again\n');
    renameSync(join(work, 'src/deep'), join(work, 'src/deeper'));
    // Not `-A`: the submodule entry has no work tree and must stay.
    git('add', '--all', 'README.md', 'src');
    git('commit', '-q', '-m', 'second');
    commits.push(git('rev-parse', 'HEAD'));
    git('mv', 'README.md', 'README.txt');
    git('commit', '-q', '-m', 'rename');
    commits.push(git('rev-parse', 'HEAD'));
    git('branch', 'feature', commits[0]);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('resolves commit specifiers as CodeCommit does, and only those', async () => {
    const at = async (revision: string) => (await reader.readFolder({ repositoryId: REPO_ID, revision, path: '' })).commitId;
    expect(await at('')).toBe(commits[2]);
    expect(await at('HEAD')).toBe(commits[2]);
    expect(await at('main')).toBe(commits[2]);
    expect(await at('refs/heads/feature')).toBe(commits[0]);
    expect(await at('v1')).toBe(commits[0]); // an annotated tag, peeled
    expect(await at(commits[1].toUpperCase())).toBe(commits[1]);
    expect(await at(commits[1].slice(0, 10))).toBe(commits[1]);
    for (const bad of ['main~1', 'main^', 'HEAD:README.txt', 'main@{0}', '--all', 'a..b', ':/first']) {
      expect(await code(at(bad))).toBe('InvalidRevision');
    }
    expect(await code(at('nope'))).toBe('RevisionNotFound');
    expect(await code(at('f'.repeat(40)))).toBe('RevisionNotFound');
    const blob = git('rev-parse', `${commits[0]}:README.md`);
    expect(await code(at(blob))).toBe('NotACommit');
    expect(revisionCandidates('feature/x')).toEqual(['refs/feature/x', 'refs/tags/feature/x', 'refs/heads/feature/x']);
  });

  it('reads files with their modes, and refuses what is not a file', async () => {
    const read = (path: string, revision = commits[0], maxBytes = 0) => reader.readFile({ repositoryId: REPO_ID, revision, path, maxBytes });
    expect(await read('src/deep/ünïcode ñame.txt')).toMatchObject({ commitId: commits[0], mode: '100644', size: 8, content: Buffer.from('unicode\n') });
    expect(await read('run.sh')).toMatchObject({ mode: '100755' });
    expect(await read('link')).toMatchObject({ mode: '120000', content: Buffer.from('README.md') });
    expect((await read('bin.dat')).content).toEqual(Buffer.from([0, 1, 2, 255, 254]));
    for (const missing of ['src', 'vendor/lib', 'nope', 'README.md/x', 'link/x']) expect(await code(read(missing))).toBe('PathNotFound');
    for (const invalid of ['', '/README.md', 'src//deep', 'src/../README.md', './README.md']) expect(await code(read(invalid))).toBe('InvalidPath');
    expect(await code(read('bin.dat', commits[0], 4))).toBe('ObjectTooLarge');
  });

  it('reads blobs by id, with the size limit', async () => {
    const blob = git('rev-parse', `${commits[0]}:bin.dat`);
    expect((await reader.readBlob({ repositoryId: REPO_ID, blobId: blob, maxBytes: 5 })).content).toEqual(Buffer.from([0, 1, 2, 255, 254]));
    expect(await code(reader.readBlob({ repositoryId: REPO_ID, blobId: blob, maxBytes: 4 }))).toBe('ObjectTooLarge');
    expect(await code(reader.readBlob({ repositoryId: REPO_ID, blobId: commits[0], maxBytes: 0 }))).toBe('NotABlob');
    expect(await code(reader.readBlob({ repositoryId: REPO_ID, blobId: 'e'.repeat(40), maxBytes: 0 }))).toBe('ObjectNotFound');
    expect(await code(reader.readBlob({ repositoryId: REPO_ID, blobId: 'HEAD', maxBytes: 0 }))).toBe('InvalidObjectId');
  });

  it('lists folders, submodules and symlinks included', async () => {
    const root = await reader.readFolder({ repositoryId: REPO_ID, revision: commits[0], path: '' });
    expect(root.treeId).toBe(git('rev-parse', `${commits[0]}^{tree}`));
    expect(root.entries.map((e) => [e.name, e.mode])).toEqual([
      ['README.md', '100644'],
      ['bin.dat', '100644'],
      ['link', '120000'],
      ['run.sh', '100755'],
      ['src', '40000'],
      ['vendor', '40000'],
    ]);
    expect((await reader.readFolder({ repositoryId: REPO_ID, revision: commits[0], path: 'vendor' })).entries).toEqual([{ name: 'lib', mode: '160000', objectId: 'a'.repeat(40) }]);
    expect(await code(reader.readFolder({ repositoryId: REPO_ID, revision: commits[0], path: 'README.md' }))).toBe('PathNotFound');
  });

  it('reads commits in request order, reporting the missing', async () => {
    const out = await reader.readCommits({ repositoryId: REPO_ID, commitIds: [commits[1], 'f'.repeat(40), commits[0]] });
    expect(out.missing).toEqual(['f'.repeat(40)]);
    expect(out.commits.map((c) => c.commitId)).toEqual([commits[1], commits[0]]);
    expect(out.commits[0]).toMatchObject({
      parents: [commits[0]],
      message: 'second\n',
      author: { name: 'Ada', email: 'ada@example.com', date: '1484167798 -0800' },
      committer: { date: '1484167799 +0100' },
    });
  });

  it('compares commits, whole or under a path, page by page', async () => {
    const compare = (beforeRevision: string, afterRevision: string, beforePath = '', afterPath = '', offset = 0, limit = 100) =>
      reader.compare({ repositoryId: REPO_ID, beforeRevision, afterRevision, beforePath, afterPath, offset, limit });
    const all = await compare(commits[0], commits[1]);
    expect(all.differences.map((d) => [d.changeType, d.beforePath, d.afterPath])).toEqual([
      ['M', 'README.md', 'README.md'],
      ['D', 'src/deep/ünïcode ñame.txt', ''],
      ['A', '', 'src/deeper/ünïcode ñame.txt'],
    ]);
    const pages = [await compare(commits[0], commits[1], '', '', 0, 2), await compare(commits[0], commits[1], '', '', 2, 2)];
    expect(pages.map((p) => p.hasMore)).toEqual([true, false]);
    expect(pages.flatMap((p) => p.differences)).toEqual(all.differences);
    // A renamed folder compared with its old name: nothing changed inside.
    expect((await compare(commits[0], commits[1], 'src/deep', 'src/deeper')).differences).toEqual([]);
    expect((await compare(commits[0], commits[1], 'src', 'src')).differences).toHaveLength(2);
    expect((await compare(commits[0], commits[1], 'README.md', 'README.md')).differences).toEqual([
      expect.objectContaining({ changeType: 'M', beforePath: 'README.md', afterPath: 'README.md' }),
    ]);
    expect(await code(compare(commits[0], commits[1], 'nowhere', 'nowhere'))).toBe('PathNotFound');
    const everything = await compare('', commits[0]);
    expect(everything.beforeCommitId).toBe('');
    expect(everything.differences.every((d) => d.changeType === 'A')).toBe(true);
    expect(everything.differences.map((d) => d.afterPath)).toContain('vendor/lib');
  });

  it('follows a file’s history across renames', async () => {
    const out = await reader.history({ repositoryId: REPO_ID, revision: '', path: 'README.txt', offset: 0, limit: 10 });
    expect(out.versions.map((v) => [v.commit!.commitId, v.path, v.children])).toEqual([
      [commits[2], 'README.txt', []],
      [commits[1], 'README.md', [commits[2]]],
      [commits[0], 'README.md', [commits[1]]],
    ]);
    const second = await reader.history({ repositoryId: REPO_ID, revision: '', path: 'README.txt', offset: 1, limit: 1 });
    expect(second.versions.map((v) => v.commit!.commitId)).toEqual([commits[1]]);
    expect(second.hasMore).toBe(true);
  });

  it('refuses unknown repositories', async () => {
    await expect(reader.readFolder({ repositoryId: '11111111-1111-4111-8111-111111111111', revision: '', path: '' })).rejects.toThrow(/unknown repository/);
  });
});
