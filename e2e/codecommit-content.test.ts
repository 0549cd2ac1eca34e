import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  BatchGetCommitsCommand,
  CodeCommitClient,
  CreateRepositoryCommand,
  Difference,
  GetBlobCommand,
  GetCommitCommand,
  GetDifferencesCommand,
  GetFileCommand,
  GetFolderCommand,
  GetFolderCommandOutput,
  GetRepositoryCommand,
  ListFileCommitHistoryCommand,
  paginateGetDifferences,
  paginateListFileCommitHistory,
} from '@aws-sdk/client-codecommit';
import { git, gitResult, Stack } from './support/stack';
import { makeTempDir } from '@cairn/testing';

const execFileAsync = promisify(execFile);
const AUTHOR = ['-c', 'user.name=Ada Lovelace', '-c', 'user.email=ada@example.com'];
const SIX_MIB = 6 * 1024 * 1024;

/** git's raw bytes (for blobs) without a shell or a developer's configuration. */
function gitBytes(args: string[], cwd: string): Buffer {
  const result = spawnSync('git', args, { cwd, env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr.toString()}`);
  return result.stdout;
}

function writeFile(root: string, path: string, content: string | Buffer, mode?: number): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  if (mode !== undefined) chmodSync(join(root, path), mode);
}

/** Commits everything but the submodule entry (which has no work tree); returns the commit id. */
function commit(dir: string, message: string, env: Record<string, string> = {}): string {
  git(['add', '-A', '--', '.', ':(exclude)vendor/lib'], { cwd: dir });
  git([...AUTHOR, 'commit', '-q', '--allow-empty', '-m', message], { cwd: dir, env });
  return git(['rev-parse', 'HEAD'], { cwd: dir }).trim();
}

/** mulberry32: a small seeded PRNG, so a failing tree can be rebuilt from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LsTreeEntry {
  mode: string;
  type: string;
  id: string;
  path: string;
}

function lsTree(dir: string, commitId: string): LsTreeEntry[] {
  return gitBytes(['ls-tree', '-r', '-t', '-z', commitId], dir)
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((record) => {
      const tab = record.indexOf('\t');
      const [mode, type, id] = record.slice(0, tab).split(' ');
      return { mode, type, id, path: record.slice(tab + 1) };
    });
}

/** `git diff --raw` as CodeCommit-style differences (no rename detection, full ids). */
function gitDifferences(dir: string, before: string, after: string): Difference[] {
  const fields = gitBytes(['diff', '--raw', '-z', '--no-renames', '--no-abbrev', '--no-ext-diff', before, after], dir).toString('utf8').split('\0');
  const out: Difference[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [srcMode, dstMode, srcId, dstId, status] = fields[i].slice(1).split(' ');
    const path = fields[i + 1];
    out.push({
      changeType: status === 'A' ? 'A' : status === 'D' ? 'D' : 'M',
      beforeBlob: status === 'A' ? undefined : { blobId: srcId, path, mode: srcMode },
      afterBlob: status === 'D' ? undefined : { blobId: dstId, path, mode: dstMode },
    });
  }
  return out;
}

const fileModeOf = (mode: string) => (mode === '100755' ? 'EXECUTABLE' : mode === '120000' ? 'SYMLINK' : 'NORMAL');
const strip = <T extends object>(list: T[] | undefined) => (list ?? []).map((item) => ({ ...item }));
const byPath = (a: { absolutePath?: string }, b: { absolutePath?: string }) => (a.absolutePath! < b.absolutePath! ? -1 : 1);

/** CodeCommit's content reads through the AWS SDK and the AWS CLI, checked against git itself. */
describe('CodeCommit content reads', () => {
  const stack = new Stack();
  let sdk: CodeCommitClient;
  const work = makeTempDir('cairn-content-');
  const src = join(work, 'content');
  const c: Record<string, string> = {};

  beforeAll(async () => {
    await stack.start();
    const creds = stack.credentials();
    sdk = new CodeCommitClient({ endpoint: creds.endpoint, region: creds.region, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey } });

    // One repository with every kind of entry, a rename, a merge and many files.
    git(['init', '-q', '-b', 'main', src]);
    writeFile(src, 'README.md', '# Content\n');
    writeFile(src, 'src/app.js', 'console.log(1);\n');
    writeFile(src, 'src/deep/ünïcode ñame.txt', 'unicode ✓\n');
    writeFile(src, 'dir with space/file one.txt', 'spaced\n');
    writeFile(src, 'run.sh', '#!/bin/sh\necho run\n', 0o755);
    writeFile(src, 'bin.dat', Buffer.from([0, 1, 2, 3, 255, 254, 0, 10]));
    writeFile(src, 'dag.txt', 'base\n');
    symlinkSync('README.md', join(src, 'link'));
    git(['update-index', '--add', '--cacheinfo', `160000,${'5'.repeat(40)},vendor/lib`], { cwd: src });
    c.first = commit(src, 'first', { GIT_AUTHOR_DATE: '1484167798 -0800', GIT_COMMITTER_DATE: '1484167799 +0530' });
    git([...AUTHOR, 'tag', '-a', '-m', 'release one', 'v1'], { cwd: src });
    git(['tag', 'light'], { cwd: src });
    git(['branch', 'feature'], { cwd: src });

    git(['checkout', '-q', '-b', 'side'], { cwd: src });
    writeFile(src, 'dag.txt', 'side\n');
    c.side = commit(src, 'side change');
    git(['checkout', '-q', 'main'], { cwd: src });
    writeFile(src, 'README.md', '# Content, again\n');
    writeFile(src, 'dag.txt', 'main\n');
    for (let i = 0; i < 130; i++) writeFile(src, `many/file-${String(i).padStart(3, '0')}.txt`, `${i}\n`);
    git(['mv', 'src/deep', 'src/deeper'], { cwd: src });
    c.second = commit(src, 'second\n\nwith a body');
    // Both sides changed dag.txt: the merge conflicts and is resolved with new content.
    gitResult([...AUTHOR, 'merge', '-q', '--no-ff', '--no-commit', 'side'], { cwd: src });
    writeFile(src, 'dag.txt', 'merged\n');
    c.merge = commit(src, 'merge side');
    git(['mv', 'README.md', 'README.txt'], { cwd: src });
    chmodSync(join(src, 'run.sh'), 0o644);
    c.third = commit(src, 'rename the readme');

    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'content' }));
    git(['push', '-q', stack.gitUrl('content'), 'main', 'feature', 'side', 'v1', 'light'], { cwd: src });
    await defaultBranch('content');
  }, 300_000);

  afterAll(async () => {
    sdk?.destroy();
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  });

  async function defaultBranch(name: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if ((await sdk.send(new GetRepositoryCommand({ repositoryName: name }))).repositoryMetadata!.defaultBranch) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} got no default branch`);
  }

  const rejects = (promise: Promise<unknown>, name: string) => expect(promise).rejects.toMatchObject({ name });
  const getFile = (filePath: string, commitSpecifier?: string, repositoryName = 'content') => sdk.send(new GetFileCommand({ repositoryName, filePath, commitSpecifier }));
  const getFolder = (folderPath: string, commitSpecifier?: string, repositoryName = 'content') => sdk.send(new GetFolderCommand({ repositoryName, folderPath, commitSpecifier }));

  it('GetFile returns content, blob id and mode for any commit specifier', async () => {
    for (const spec of [undefined, 'HEAD', 'main', 'refs/heads/main', c.third, c.third.slice(0, 12)]) {
      const out = await getFile('README.txt', spec);
      expect(out).toMatchObject({ commitId: c.third, filePath: 'README.txt', fileMode: 'NORMAL', fileSize: 17, blobId: git(['rev-parse', `${c.third}:README.txt`], { cwd: src }).trim() });
      expect(Buffer.from(out.fileContent!).toString()).toBe('# Content, again\n');
    }
    for (const spec of ['feature', 'v1', 'light', 'refs/tags/v1']) expect((await getFile('README.md', spec)).commitId).toBe(c.first);
    expect(await getFile('/run.sh', 'v1')).toMatchObject({ filePath: 'run.sh', fileMode: 'EXECUTABLE' });
    expect(await getFile('run.sh')).toMatchObject({ fileMode: 'NORMAL' });
    const link = await getFile('link', 'v1');
    expect(link.fileMode).toBe('SYMLINK');
    expect(Buffer.from(link.fileContent!).toString()).toBe('README.md');
    expect(Buffer.from((await getFile('bin.dat')).fileContent!)).toEqual(Buffer.from([0, 1, 2, 3, 255, 254, 0, 10]));
    expect(Buffer.from((await getFile('src/deep/ünïcode ñame.txt', 'v1')).fileContent!).toString()).toBe('unicode ✓\n');
    expect(Buffer.from((await getFile('/dir with space/file one.txt')).fileContent!).toString()).toBe('spaced\n');
  });

  it('GetFile refuses what CodeCommit refuses', async () => {
    await rejects(sdk.send(new GetFileCommand({ repositoryName: 'content', filePath: undefined as unknown as string })), 'PathRequiredException');
    for (const path of ['src/../README.txt', 'src//app.js', './README.txt', 'src/./app.js', 'src/app.js/', '.git/config', '/../../etc/passwd']) {
      await rejects(getFile(path), 'InvalidPathException');
    }
    for (const path of ['nope.txt', 'src', 'vendor/lib', 'README.txt/x', '/etc/passwd']) await rejects(getFile(path), 'FileDoesNotExistException');
    await rejects(getFile('README.txt', 'no-such-branch'), 'CommitDoesNotExistException');
    await rejects(getFile('README.txt', 'f'.repeat(40)), 'CommitDoesNotExistException');
    for (const spec of ['main~1', 'main^2', 'HEAD:README.txt', 'main@{1}', '-n', 'a..b']) await rejects(getFile('README.txt', spec), 'InvalidCommitException');
    const blob = git(['rev-parse', `${c.third}:README.txt`], { cwd: src }).trim();
    await rejects(getFile('README.txt', blob), 'InvalidCommitException');
    await rejects(getFile('README.txt', undefined, 'no-such-repo'), 'RepositoryDoesNotExistException');
    await rejects(getFile('README.txt', undefined, 'bad name!'), 'InvalidRepositoryNameException');
  });

  it('GetFile and GetBlob stop at 6 MiB with FileTooLarge', async () => {
    const dir = join(work, 'big');
    git(['init', '-q', '-b', 'main', dir]);
    writeFile(dir, 'limit.bin', Buffer.alloc(SIX_MIB, 7));
    writeFile(dir, 'over.bin', Buffer.alloc(SIX_MIB + 1, 7));
    commit(dir, 'big files');
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'big' }));
    git(['push', '-q', stack.gitUrl('big'), 'main'], { cwd: dir });
    expect((await getFile('limit.bin', 'main', 'big')).fileSize).toBe(SIX_MIB);
    await rejects(getFile('over.bin', 'main', 'big'), 'FileTooLargeException');
    const over = git(['rev-parse', 'HEAD:over.bin'], { cwd: dir }).trim();
    await rejects(sdk.send(new GetBlobCommand({ repositoryName: 'big', blobId: over })), 'FileTooLargeException');
  });

  it('GetBlob returns a blob by id, and names every bad id', async () => {
    const blobId = git(['rev-parse', `${c.first}:bin.dat`], { cwd: src }).trim();
    expect(Buffer.from((await sdk.send(new GetBlobCommand({ repositoryName: 'content', blobId }))).content!)).toEqual(Buffer.from([0, 1, 2, 3, 255, 254, 0, 10]));
    await rejects(sdk.send(new GetBlobCommand({ repositoryName: 'content', blobId: undefined as unknown as string })), 'BlobIdRequiredException');
    await rejects(sdk.send(new GetBlobCommand({ repositoryName: 'content', blobId: 'HEAD' })), 'InvalidBlobIdException');
    await rejects(sdk.send(new GetBlobCommand({ repositoryName: 'content', blobId: blobId.slice(0, 10) })), 'InvalidBlobIdException');
    await rejects(sdk.send(new GetBlobCommand({ repositoryName: 'content', blobId: 'e'.repeat(40) })), 'BlobIdDoesNotExistException');
    await rejects(sdk.send(new GetBlobCommand({ repositoryName: 'content', blobId: c.first })), 'BlobIdDoesNotExistException');
    await rejects(sdk.send(new GetBlobCommand({ repositoryName: 'nope', blobId })), 'RepositoryDoesNotExistException');
  });

  it('GetFolder sorts entries into folders, files, symbolic links and submodules', async () => {
    const root = await getFolder('/', 'v1');
    expect(root).toMatchObject({ commitId: c.first, folderPath: '/', treeId: git(['rev-parse', `${c.first}^{tree}`], { cwd: src }).trim() });
    expect(root.subFolders!.map((f) => [f.absolutePath, f.relativePath])).toEqual([
      ['dir with space', 'dir with space'],
      ['src', 'src'],
      ['vendor', 'vendor'],
    ]);
    expect(root.files!.map((f) => [f.relativePath, f.fileMode])).toEqual([
      ['README.md', 'NORMAL'],
      ['bin.dat', 'NORMAL'],
      ['dag.txt', 'NORMAL'],
      ['run.sh', 'EXECUTABLE'],
    ]);
    expect(strip(root.symbolicLinks)).toEqual([{ absolutePath: 'link', relativePath: 'link', fileMode: 'SYMLINK', blobId: git(['rev-parse', `${c.first}:link`], { cwd: src }).trim() }]);
    expect(strip((await getFolder('vendor', 'v1')).subModules)).toEqual([{ absolutePath: 'vendor/lib', relativePath: 'lib', commitId: '5'.repeat(40) }]);
    const deep = await getFolder('/src/deep/', c.first);
    expect(deep.folderPath).toBe('src/deep');
    expect(deep.files!.map((f) => f.absolutePath)).toEqual(['src/deep/ünïcode ñame.txt']);
    expect((await getFolder('src')).subFolders!.map((f) => f.relativePath)).toEqual(['deeper']);

    await rejects(sdk.send(new GetFolderCommand({ repositoryName: 'content', folderPath: undefined as unknown as string })), 'PathRequiredException');
    await rejects(getFolder('src/../many'), 'InvalidPathException');
    for (const path of ['README.txt', 'nope', 'src/deep', 'vendor/lib']) await rejects(getFolder(path), 'FolderDoesNotExistException');
    await rejects(getFolder('/', 'nope'), 'CommitDoesNotExistException');
    await rejects(getFolder('/', 'bad^name'), 'InvalidCommitException');

    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'empty' }));
    await rejects(getFolder('/', undefined, 'empty'), 'CommitDoesNotExistException');
    await rejects(getFile('README.md', undefined, 'empty'), 'CommitDoesNotExistException');
  });

  it('GetCommit and BatchGetCommits report commits as git recorded them', async () => {
    const { commit: first } = await sdk.send(new GetCommitCommand({ repositoryName: 'content', commitId: c.first }));
    expect(first).toEqual({
      commitId: c.first,
      treeId: git(['rev-parse', `${c.first}^{tree}`], { cwd: src }).trim(),
      parents: [],
      message: 'first\n',
      author: { name: 'Ada Lovelace', email: 'ada@example.com', date: '1484167798 -0800' },
      committer: { name: 'Ada Lovelace', email: 'ada@example.com', date: '1484167799 +0530' },
      additionalData: '',
    });
    const { commit: merge } = await sdk.send(new GetCommitCommand({ repositoryName: 'content', commitId: c.merge.toUpperCase() }));
    expect(merge!.parents).toEqual([c.second, c.side]);
    expect((await sdk.send(new GetCommitCommand({ repositoryName: 'content', commitId: c.second }))).commit!.message).toBe('second\n\nwith a body\n');
    await rejects(sdk.send(new GetCommitCommand({ repositoryName: 'content', commitId: undefined as unknown as string })), 'CommitIdRequiredException');
    await rejects(sdk.send(new GetCommitCommand({ repositoryName: 'content', commitId: 'main' })), 'InvalidCommitIdException');
    await rejects(sdk.send(new GetCommitCommand({ repositoryName: 'content', commitId: 'f'.repeat(40) })), 'CommitIdDoesNotExistException');

    const batch = await sdk.send(new BatchGetCommitsCommand({ repositoryName: 'content', commitIds: [c.third, 'short', 'f'.repeat(40), c.first] }));
    expect(batch.commits!.map((x) => x.commitId)).toEqual([c.third, c.first]);
    expect(batch.errors).toEqual([
      { commitId: 'short', errorCode: 'InvalidCommitIdException', errorMessage: expect.any(String) },
      { commitId: 'f'.repeat(40), errorCode: 'CommitIdDoesNotExistException', errorMessage: expect.any(String) },
    ]);
    await rejects(sdk.send(new BatchGetCommitsCommand({ repositoryName: 'content', commitIds: [] })), 'CommitIdsListRequiredException');
    await rejects(sdk.send(new BatchGetCommitsCommand({ repositoryName: 'content', commitIds: Array.from({ length: 101 }, () => c.first) })), 'CommitIdsLimitExceededException');
    await rejects(sdk.send(new BatchGetCommitsCommand({ repositoryName: 'nope', commitIds: [c.first] })), 'RepositoryDoesNotExistException');
  });

  it('GetDifferences pages with MaxResults and NextToken, and the SDK paginator follows', async () => {
    const expected = gitDifferences(src, c.first, c.second);
    expect(expected.length).toBeGreaterThan(130);
    const firstPage = await sdk.send(new GetDifferencesCommand({ repositoryName: 'content', beforeCommitSpecifier: c.first, afterCommitSpecifier: c.second }));
    expect(firstPage.differences).toHaveLength(100);
    expect(firstPage.NextToken).toBeTruthy();
    const pages: Difference[][] = [];
    for await (const page of paginateGetDifferences({ client: sdk, pageSize: 40 }, { repositoryName: 'content', beforeCommitSpecifier: 'v1', afterCommitSpecifier: c.second })) pages.push(page.differences!);
    expect(pages.map((p) => p.length)).toEqual([40, 40, 40, expected.length - 120]);
    expect(pages.flat()).toEqual(expected);
    // The token pins the commits of the first page, so a moving branch cannot shift later pages.
    const pinned = await sdk.send(new GetDifferencesCommand({ repositoryName: 'content', beforeCommitSpecifier: 'feature', afterCommitSpecifier: 'main', MaxResults: 5 }));
    expect(pinned.differences!.map((d) => d.afterBlob?.path ?? d.beforeBlob?.path)).toEqual(gitDifferences(src, c.first, c.third).slice(0, 5).map((d) => d.afterBlob?.path ?? d.beforeBlob?.path));
    await rejects(sdk.send(new GetDifferencesCommand({ repositoryName: 'content', beforeCommitSpecifier: 'v1', afterCommitSpecifier: 'main', NextToken: pinned.NextToken })), 'InvalidContinuationTokenException');
    await rejects(sdk.send(new GetDifferencesCommand({ repositoryName: 'content', afterCommitSpecifier: 'main', NextToken: 'bogus' })), 'InvalidContinuationTokenException');
    for (const MaxResults of [0, -1, 1.5]) await rejects(sdk.send(new GetDifferencesCommand({ repositoryName: 'content', afterCommitSpecifier: 'main', MaxResults })), 'InvalidMaxResultsException');
  });

  it('GetDifferences limits to paths, follows a renamed folder, and compares with nothing', async () => {
    const diff = async (input: { before?: string; after: string; beforePath?: string; afterPath?: string }) =>
      (await sdk.send(new GetDifferencesCommand({ repositoryName: 'content', beforeCommitSpecifier: input.before, afterCommitSpecifier: input.after, beforePath: input.beforePath, afterPath: input.afterPath }))).differences!;
    expect(await diff({ before: c.first, after: c.second, afterPath: 'src' })).toEqual([
      { changeType: 'D', beforeBlob: expect.objectContaining({ path: 'src/deep/ünïcode ñame.txt', mode: '100644' }) },
      { changeType: 'A', afterBlob: expect.objectContaining({ path: 'src/deeper/ünïcode ñame.txt', mode: '100644' }) },
    ]);
    expect(await diff({ before: c.first, after: c.second, beforePath: 'src/deep', afterPath: 'src/deeper' })).toEqual([]);
    expect(await diff({ before: c.second, after: c.third, beforePath: 'run.sh', afterPath: '/run.sh' })).toEqual([
      { changeType: 'M', beforeBlob: expect.objectContaining({ path: 'run.sh', mode: '100755' }), afterBlob: expect.objectContaining({ path: 'run.sh', mode: '100644' }) },
    ]);
    expect(await diff({ before: c.second, after: c.third, beforePath: 'README.md', afterPath: 'README.txt' })).toEqual([]);
    const all = await diff({ after: 'v1' });
    expect(all.every((d) => d.changeType === 'A' && !d.beforeBlob)).toBe(true);
    expect(all.map((d) => d.afterBlob!.path)).toEqual(lsTree(src, c.first).filter((e) => e.type !== 'tree').map((e) => e.path));
    expect(all.find((d) => d.afterBlob!.path === 'vendor/lib')!.afterBlob).toEqual({ path: 'vendor/lib', mode: '160000', blobId: '5'.repeat(40) });
    expect(await diff({ before: 'main', after: 'main' })).toEqual([]);

    await rejects(sdk.send(new GetDifferencesCommand({ repositoryName: 'content', afterCommitSpecifier: undefined as unknown as string })), 'CommitRequiredException');
    await rejects(diff({ before: c.first, after: c.second, afterPath: 'nowhere' }), 'PathDoesNotExistException');
    await rejects(diff({ before: c.first, after: c.second, afterPath: 'a/../b' }), 'InvalidPathException');
    await rejects(diff({ before: 'nope', after: c.second }), 'CommitDoesNotExistException');
    await rejects(diff({ before: c.first, after: 'main:x' }), 'InvalidCommitException');
    await rejects(sdk.send(new GetDifferencesCommand({ repositoryName: 'nope', afterCommitSpecifier: 'main' })), 'RepositoryDoesNotExistException');
  });

  it('ListFileCommitHistory walks a file’s DAG across a merge and a rename, page by page', async () => {
    const dag = await sdk.send(new ListFileCommitHistoryCommand({ repositoryName: 'content', filePath: 'dag.txt' }));
    expect(dag.nextToken).toBeUndefined();
    const versions = dag.revisionDag!.map((v) => ({ commit: v.commit!.commitId, path: v.path, children: [...v.revisionChildren!].sort() }));
    expect(versions.map((v) => v.commit)).toEqual([c.merge, expect.any(String), expect.any(String), c.first]);
    expect(new Set(versions.slice(1, 3).map((v) => v.commit))).toEqual(new Set([c.second, c.side]));
    expect(versions[0].children).toEqual([]);
    expect(versions[1].children).toEqual([c.merge]);
    expect(versions[2].children).toEqual([c.merge]);
    expect(versions[3].children).toEqual([c.second, c.side].sort());
    expect(dag.revisionDag![0].blobId).toBe(git(['rev-parse', `${c.merge}:dag.txt`], { cwd: src }).trim());
    expect(dag.revisionDag![0].commit!.parents).toEqual([c.second, c.side]);

    const readme: { commit: string; path: string; children: string[] }[] = [];
    let pages = 0;
    for await (const page of paginateListFileCommitHistory({ client: sdk, pageSize: 1 }, { repositoryName: 'content', filePath: '/README.txt' })) {
      pages++;
      readme.push(...page.revisionDag!.map((v) => ({ commit: v.commit!.commitId!, path: v.path!, children: v.revisionChildren! })));
    }
    expect(pages).toBe(3);
    expect(readme).toEqual([
      { commit: c.third, path: 'README.txt', children: [] },
      { commit: c.second, path: 'README.md', children: [c.third] },
      { commit: c.first, path: 'README.md', children: [c.second] },
    ]);
    expect((await sdk.send(new ListFileCommitHistoryCommand({ repositoryName: 'content', filePath: 'README.md', commitSpecifier: 'v1' }))).revisionDag!.map((v) => v.commit!.commitId)).toEqual([c.first]);
    expect((await sdk.send(new ListFileCommitHistoryCommand({ repositoryName: 'content', filePath: 'never-existed' }))).revisionDag).toEqual([]);

    await rejects(sdk.send(new ListFileCommitHistoryCommand({ repositoryName: 'content', filePath: 'dag.txt', maxResults: -2 })), 'InvalidMaxResultsException');
    await rejects(sdk.send(new ListFileCommitHistoryCommand({ repositoryName: 'content', filePath: 'dag.txt', nextToken: 'bogus' })), 'InvalidContinuationTokenException');
    await rejects(sdk.send(new ListFileCommitHistoryCommand({ repositoryName: 'content', filePath: 'dag.txt', commitSpecifier: 'nope' })), 'CommitDoesNotExistException');
    await rejects(sdk.send(new ListFileCommitHistoryCommand({ repositoryName: 'content', filePath: 'dag.txt', commitSpecifier: 'main~2' })), 'InvalidCommitException');
    await rejects(sdk.send(new ListFileCommitHistoryCommand({ repositoryName: 'nope', filePath: 'dag.txt' })), 'RepositoryDoesNotExistException');
  });

  /** `aws codecommit …` with only the credentials file's values, never a developer's profile. */
  async function awsCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const creds = stack.credentials();
    const cli = process.env.CAIRN_TEST_AWS_CLI;
    if (!cli) throw new Error(`AWS CLI unavailable: ${process.env.CAIRN_TEST_AWS_CLI_UNAVAILABLE ?? 'not set up by the global setup'}`);
    try {
      const { stdout, stderr } = await execFileAsync(cli, ['codecommit', ...args, '--endpoint-url', creds.endpoint, '--output', 'json'], {
        env: { PATH: process.env.PATH, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_DEFAULT_REGION: creds.region },
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('works from the AWS CLI: files, folders, blobs, commits, differences (auto-paged) and errors', async () => {
    const file = JSON.parse((await awsCli(['get-file', '--repository-name', 'content', '--file-path', 'bin.dat'])).stdout);
    expect(Buffer.from(file.fileContent, 'base64')).toEqual(Buffer.from([0, 1, 2, 3, 255, 254, 0, 10]));
    expect(file).toMatchObject({ commitId: c.third, filePath: 'bin.dat', fileMode: 'NORMAL', fileSize: 8 });

    const folder = JSON.parse((await awsCli(['get-folder', '--repository-name', 'content', '--folder-path', '/', '--commit-specifier', 'v1'])).stdout);
    expect(folder.symbolicLinks).toEqual([expect.objectContaining({ relativePath: 'link', fileMode: 'SYMLINK' })]);
    expect(folder.files.map((f: { relativePath: string }) => f.relativePath)).toContain('run.sh');

    const blob = JSON.parse((await awsCli(['get-blob', '--repository-name', 'content', '--blob-id', file.blobId])).stdout);
    expect(blob.content).toBe(file.fileContent);

    const commitOut = JSON.parse((await awsCli(['get-commit', '--repository-name', 'content', '--commit-id', c.first])).stdout);
    expect(commitOut.commit.author).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', date: '1484167798 -0800' });
    const batch = JSON.parse((await awsCli(['batch-get-commits', '--repository-name', 'content', '--commit-ids', c.first, 'nope'])).stdout);
    expect(batch.commits).toHaveLength(1);
    expect(batch.errors[0]).toMatchObject({ commitId: 'nope', errorCode: 'InvalidCommitIdException' });

    // The CLI follows NextToken itself: 30 per request, every difference in the end.
    const differences = JSON.parse((await awsCli(['get-differences', '--repository-name', 'content', '--before-commit-specifier', c.first, '--after-commit-specifier', c.second, '--page-size', '30'])).stdout);
    expect(differences.differences).toEqual(JSON.parse(JSON.stringify(gitDifferences(src, c.first, c.second))));
    const history = JSON.parse((await awsCli(['list-file-commit-history', '--repository-name', 'content', '--file-path', 'README.txt'])).stdout);
    expect(history.revisionDag.map((v: { path: string }) => v.path)).toEqual(['README.txt', 'README.md', 'README.md']);

    const missing = await awsCli(['get-file', '--repository-name', 'content', '--file-path', 'nope.txt']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('FileDoesNotExistException');
    const badToken = await awsCli(['get-differences', '--repository-name', 'content', '--after-commit-specifier', 'main', '--starting-token', 'bogus']);
    expect(badToken.code).not.toBe(0);
    expect(badToken.stderr).toContain('InvalidContinuationTokenException');
  });

  it('agrees with git on random trees (seeded): GetFolder ~ ls-tree, GetFile ~ cat-file, GetDifferences ~ diff --raw', async () => {
    const seed = Number(process.env.CAIRN_CONTENT_SEED ?? 20240601);
    const rng = prng(seed);
    const pick = <T>(items: T[]): T => items[Math.floor(rng() * items.length)];
    const names = ['a', 'b', 'Zeta', 'café', 'naïve file', '日本語', 'emoji-🎉', 'x.y.z', 'with space', 'dash-name', 'UPPER', 'ñandú'];
    const dir = join(work, `random-${seed}`);
    git(['init', '-q', '-b', 'main', dir]);
    git(['update-index', '--add', '--cacheinfo', `160000,${'7'.repeat(40)},vendor/lib`], { cwd: dir });
    const files = new Set<string>();
    const folders = (): string[] => ['', ...new Set([...files].flatMap((f) => f.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))))];
    const addFile = () => {
      const parent = rng() < 0.3 ? '' : pick(folders());
      const path = [parent, rng() < 0.4 ? pick(names) : '', `${pick(names)}-${Math.floor(rng() * 1000)}${pick(['.txt', '.bin', ''])}`].filter(Boolean).join('/');
      if ([...files].some((f) => f === path || f.startsWith(`${path}/`) || path.startsWith(`${f}/`)) || path.startsWith('vendor')) return;
      const binary = rng() < 0.3;
      const content = binary ? Buffer.from(Array.from({ length: Math.floor(rng() * 2048) }, () => Math.floor(rng() * 256))) : `line ${rng()}\n`.repeat(1 + Math.floor(rng() * 20));
      writeFile(dir, path, content, rng() < 0.15 ? 0o755 : 0o644);
      files.add(path);
    };
    const commits: string[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < (round === 0 ? 30 : 8); i++) addFile();
      if (round > 0) {
        const existing = [...files].filter((f) => !f.startsWith('link-'));
        for (let i = 0; i < 5; i++) {
          const victim = pick(existing);
          if (!files.has(victim)) continue;
          const action = rng();
          if (action < 0.4) writeFile(dir, victim, `changed ${rng()}\n`);
          else if (action < 0.6) chmodSync(join(dir, victim), rng() < 0.5 ? 0o755 : 0o644);
          else {
            rmSync(join(dir, victim));
            files.delete(victim);
          }
        }
      }
      const target = pick([...files]);
      const link = `link-${round}`;
      symlinkSync(target, join(dir, link));
      commits.push(commit(dir, `round ${round}`));
      rmSync(join(dir, link));
    }
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'random' }));
    git(['push', '-q', stack.gitUrl('random'), 'main'], { cwd: dir });

    // The generator really produced what the comparison is about.
    const seen = commits.flatMap((id) => lsTree(dir, id));
    for (const mode of ['100644', '100755', '120000', '160000', '040000']) expect(seen.some((e) => e.mode === mode)).toBe(true);
    expect(seen.some((e) => /[^\x00-\x7f]/.test(e.path) && e.path.includes('/'))).toBe(true);
    expect(commits.slice(1).every((id, i) => gitDifferences(dir, commits[i], id).length > 0)).toBe(true);

    for (const [index, commitId] of commits.entries()) {
      const entries = lsTree(dir, commitId);
      const folderPaths = ['', ...entries.filter((e) => e.type === 'tree').map((e) => e.path)];
      for (const folder of folderPaths) {
        const out: GetFolderCommandOutput = await getFolder(folder ? `/${folder}` : '/', commitId, 'random');
        const children = entries.filter((e) => e.path.slice(0, Math.max(0, e.path.lastIndexOf('/'))) === folder);
        const rel = (p: string) => (folder ? p.slice(folder.length + 1) : p);
        expect(strip(out.subFolders).sort(byPath)).toEqual(children.filter((e) => e.type === 'tree').map((e) => ({ treeId: e.id, absolutePath: e.path, relativePath: rel(e.path) })).sort(byPath));
        expect(strip(out.subModules).sort(byPath)).toEqual(children.filter((e) => e.type === 'commit').map((e) => ({ commitId: e.id, absolutePath: e.path, relativePath: rel(e.path) })).sort(byPath));
        expect(strip(out.symbolicLinks).sort(byPath)).toEqual(children.filter((e) => e.mode === '120000').map((e) => ({ blobId: e.id, absolutePath: e.path, relativePath: rel(e.path), fileMode: 'SYMLINK' })).sort(byPath));
        expect(strip(out.files).sort(byPath)).toEqual(
          children.filter((e) => e.type === 'blob' && e.mode !== '120000').map((e) => ({ blobId: e.id, absolutePath: e.path, relativePath: rel(e.path), fileMode: fileModeOf(e.mode) })).sort(byPath),
        );
      }
      for (const entry of entries.filter((e) => e.type === 'blob')) {
        const out = await getFile(entry.path, commitId, 'random');
        expect({ path: entry.path, blobId: out.blobId, fileMode: out.fileMode }).toEqual({ path: entry.path, blobId: entry.id, fileMode: fileModeOf(entry.mode) });
        expect(Buffer.from(out.fileContent!).equals(gitBytes(['cat-file', 'blob', entry.id], dir))).toBe(true);
      }
      const before = index === 0 ? undefined : commits[index - 1];
      const got: Difference[] = [];
      for await (const page of paginateGetDifferences({ client: sdk, pageSize: 7 }, { repositoryName: 'random', beforeCommitSpecifier: before, afterCommitSpecifier: commitId })) got.push(...page.differences!);
      expect(got).toEqual(gitDifferences(dir, before ?? '4b825dc642cb6eb9a060e54bf8d69288fbee4904', commitId));
    }
  });
});
