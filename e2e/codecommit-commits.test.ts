import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CodeCommitClient,
  CreateCommitCommand,
  CreateRepositoryCommand,
  DeleteFileCommand,
  GetBranchCommand,
  PutFileCommand,
} from '@aws-sdk/client-codecommit';
import { git, Stack } from './support/stack';
import { makeTempDir } from '@cairn/testing';

const execFileAsync = promisify(execFile);

/** Writes through the API (PutFile, DeleteFile, CreateCommit), read back with the real git client. */
describe('CodeCommit writes', () => {
  const stack = new Stack();
  let sdk: CodeCommitClient;
  const work = makeTempDir('cairn-commits-');

  beforeAll(async () => {
    await stack.start();
    const c = stack.credentials();
    sdk = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
  }, 240_000);

  afterAll(async () => {
    sdk?.destroy();
    await stack.stop();
  });

  const tip = async (repositoryName: string, branchName = 'main') => (await sdk.send(new GetBranchCommand({ repositoryName, branchName }))).branch!.commitId!;
  const clone = (name: string, dir = join(work, `${name}-${Date.now()}`)) => {
    git(['clone', '-q', stack.gitUrl(name), dir]);
    return dir;
  };
  const lsTree = (dir: string) => git(['ls-tree', '-r', 'HEAD'], { cwd: dir });

  it('creates the first commit of an empty repository with PutFile, and git sees it', async () => {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'put' }));
    const first = await sdk.send(
      new PutFileCommand({ repositoryName: 'put', branchName: 'main', filePath: 'docs/readme.md', fileContent: Buffer.from('hello\n'), commitMessage: 'add readme', name: 'Ada', email: 'ada@example.com' }),
    );
    expect(first.commitId).toMatch(/^[0-9a-f]{40}$/);
    const dir = clone('put');
    expect(readFileSync(join(dir, 'docs/readme.md'), 'utf8')).toBe('hello\n');
    expect(git(['log', '-1', '--format=%an <%ae>|%s'], { cwd: dir }).trim()).toBe('Ada <ada@example.com>|add readme');
    expect(git(['rev-parse', 'HEAD:docs/readme.md'], { cwd: dir }).trim()).toBe(first.blobId);
    expect(git(['rev-parse', 'HEAD^{tree}'], { cwd: dir }).trim()).toBe(first.treeId);
    git(['fsck', '--strict'], { cwd: dir });

    const exec = await sdk.send(new PutFileCommand({ repositoryName: 'put', branchName: 'main', filePath: 'run.sh', fileContent: Buffer.from('#!/bin/sh\n'), fileMode: 'EXECUTABLE', parentCommitId: first.commitId }));
    await sdk.send(new PutFileCommand({ repositoryName: 'put', branchName: 'main', filePath: 'link', fileContent: Buffer.from('run.sh'), fileMode: 'SYMLINK', parentCommitId: exec.commitId }));
    const tree = lsTree(clone('put'));
    expect(tree).toMatch(/^100755 blob [0-9a-f]{40}\trun\.sh$/m);
    expect(tree).toMatch(/^120000 blob [0-9a-f]{40}\tlink$/m);
  });

  it('refuses stale, missing and pointless writes with the modelled errors', async () => {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'guarded-writes' }));
    const first = await sdk.send(new PutFileCommand({ repositoryName: 'guarded-writes', branchName: 'main', filePath: 'a.txt', fileContent: Buffer.from('a') }));
    const second = await sdk.send(new PutFileCommand({ repositoryName: 'guarded-writes', branchName: 'main', filePath: 'b.txt', fileContent: Buffer.from('b'), parentCommitId: first.commitId }));
    const put = (extra: Record<string, unknown>) =>
      sdk.send(new PutFileCommand({ repositoryName: 'guarded-writes', branchName: 'main', filePath: 'c.txt', fileContent: Buffer.from('c'), parentCommitId: second.commitId, ...extra }));
    await expect(put({ parentCommitId: first.commitId })).rejects.toMatchObject({ name: 'ParentCommitIdOutdatedException' });
    await expect(put({ parentCommitId: undefined })).rejects.toMatchObject({ name: 'ParentCommitIdRequiredException' });
    await expect(put({ parentCommitId: 'f'.repeat(40) })).rejects.toMatchObject({ name: 'ParentCommitDoesNotExistException' });
    await expect(put({ parentCommitId: 'xyz' })).rejects.toMatchObject({ name: 'InvalidParentCommitIdException' });
    await expect(put({ filePath: 'b.txt', fileContent: Buffer.from('b') })).rejects.toMatchObject({ name: 'SameFileContentException' });
    await expect(put({ filePath: '../escape' })).rejects.toMatchObject({ name: 'InvalidPathException' });
    await expect(put({ filePath: 'a.txt/inner' })).rejects.toMatchObject({ name: 'DirectoryNameConflictsWithFileNameException' });
    await expect(put({ branchName: 'other' })).rejects.toMatchObject({ name: 'BranchDoesNotExistException' });
    await expect(put({ fileMode: 'WEIRD' })).rejects.toMatchObject({ name: 'InvalidFileModeException' });
    await expect(put({ fileContent: Buffer.alloc(6 * 1024 * 1024 + 1) })).rejects.toMatchObject({ name: 'FileContentSizeLimitExceededException' });
    await expect(put({ email: 'not an email' })).rejects.toMatchObject({ name: 'InvalidEmailException' });
    // Nothing above moved the branch.
    expect(await tip('guarded-writes')).toBe(second.commitId);
  });

  it('deletes files, keeping emptied folders when asked', async () => {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'deletes' }));
    const c1 = await sdk.send(new PutFileCommand({ repositoryName: 'deletes', branchName: 'main', filePath: 'dir/only.txt', fileContent: Buffer.from('x') }));
    const c2 = await sdk.send(new PutFileCommand({ repositoryName: 'deletes', branchName: 'main', filePath: 'top.txt', fileContent: Buffer.from('y'), parentCommitId: c1.commitId }));
    const deleted = await sdk.send(new DeleteFileCommand({ repositoryName: 'deletes', branchName: 'main', filePath: 'dir/only.txt', parentCommitId: c2.commitId, keepEmptyFolders: true }));
    expect(deleted).toMatchObject({ blobId: c1.blobId, filePath: 'dir/only.txt' });
    const tree = lsTree(clone('deletes'));
    expect(tree).toContain('\tdir/.gitkeep');
    expect(tree).not.toContain('only.txt');
    await expect(sdk.send(new DeleteFileCommand({ repositoryName: 'deletes', branchName: 'main', filePath: 'nope.txt', parentCommitId: deleted.commitId }))).rejects.toMatchObject({
      name: 'FileDoesNotExistException',
    });
    await expect(sdk.send(new DeleteFileCommand({ repositoryName: 'deletes', branchName: 'main', filePath: 'top.txt', parentCommitId: undefined as never }))).rejects.toMatchObject({
      name: 'ParentCommitIdRequiredException',
    });
  });

  it('creates a commit of puts, moves, deletes and mode changes on top of a git push', async () => {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'mixed' }));
    const src = join(work, 'mixed-src');
    git(['init', '-q', '-b', 'main', src]);
    writeFileSync(join(src, 'keep.txt'), 'keep\n');
    writeFileSync(join(src, 'old-name.txt'), 'moving\n');
    writeFileSync(join(src, 'gone.txt'), 'bye\n');
    writeFileSync(join(src, 'script.sh'), 'echo\n');
    git(['add', '.'], { cwd: src });
    git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'from git'], { cwd: src });
    git(['push', '-q', stack.gitUrl('mixed'), 'main'], { cwd: src });
    const parent = git(['rev-parse', 'HEAD'], { cwd: src }).trim();

    const out = await sdk.send(
      new CreateCommitCommand({
        repositoryName: 'mixed',
        branchName: 'main',
        parentCommitId: parent,
        authorName: 'Bot',
        email: 'bot@example.com',
        commitMessage: 'api commit',
        putFiles: [
          { filePath: 'new/ünïcødé.txt', fileContent: Buffer.from('new\n') },
          { filePath: 'new-name.txt', sourceFile: { filePath: 'old-name.txt', isMove: true } },
        ],
        deleteFiles: [{ filePath: 'gone.txt' }],
        setFileModes: [{ filePath: 'script.sh', fileMode: 'EXECUTABLE' }],
      }),
    );
    expect(out.filesAdded!.map((f) => f.absolutePath).sort()).toEqual(['new-name.txt', 'new/ünïcødé.txt']);
    expect(out.filesUpdated!.map((f) => [f.absolutePath, f.fileMode])).toEqual([['script.sh', 'EXECUTABLE']]);
    expect(out.filesDeleted!.map((f) => f.absolutePath).sort()).toEqual(['gone.txt', 'old-name.txt']);

    git(['pull', '-q', stack.gitUrl('mixed'), 'main'], { cwd: src });
    expect(git(['rev-parse', 'HEAD'], { cwd: src }).trim()).toBe(out.commitId);
    expect(readFileSync(join(src, 'new-name.txt'), 'utf8')).toBe('moving\n');
    expect(git(['-c', 'core.quotePath=false', 'ls-tree', '-r', '--name-only', 'HEAD'], { cwd: src }).trim().split('\n').sort()).toEqual([
      'keep.txt',
      'new-name.txt',
      'new/ünïcødé.txt',
      'script.sh',
    ]);
    expect(git(['ls-tree', 'HEAD', 'script.sh'], { cwd: src })).toMatch(/^100755/);

    const retry = (extra: Record<string, unknown>) => sdk.send(new CreateCommitCommand({ repositoryName: 'mixed', branchName: 'main', parentCommitId: out.commitId, ...extra }));
    await expect(retry({ putFiles: [{ filePath: 'keep.txt', fileContent: Buffer.from('keep\n') }] })).rejects.toMatchObject({ name: 'NoChangeException' });
    await expect(retry({})).rejects.toMatchObject({ name: 'FileEntryRequiredException' });
    await expect(retry({ putFiles: Array.from({ length: 101 }, (_, i) => ({ filePath: `f${i}`, fileContent: Buffer.from('x') })) })).rejects.toMatchObject({
      name: 'MaximumFileEntriesExceededException',
    });
    await expect(retry({ putFiles: [{ filePath: 'new', fileContent: Buffer.from('x') }] })).rejects.toMatchObject({ name: 'FileNameConflictsWithDirectoryNameException' });
    await expect(retry({ putFiles: [{ filePath: 'x', fileContent: Buffer.from('x'), sourceFile: { filePath: 'keep.txt' } }] })).rejects.toMatchObject({
      name: 'FileContentAndSourceFileSpecifiedException',
    });
    await expect(retry({ putFiles: [{ filePath: 'a', fileContent: Buffer.from('1') }], deleteFiles: [{ filePath: 'a' }] })).rejects.toMatchObject({ name: 'SamePathRequestException' });
  });

  it('lets exactly one of 20 racing commits with the same parent win', async () => {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'race' }));
    const base = await sdk.send(new PutFileCommand({ repositoryName: 'race', branchName: 'main', filePath: 'base.txt', fileContent: Buffer.from('base') }));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        sdk.send(new CreateCommitCommand({ repositoryName: 'race', branchName: 'main', parentCommitId: base.commitId, putFiles: [{ filePath: `racer-${i}.txt`, fileContent: Buffer.from(String(i)) }] })),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as Error).name)).toEqual(Array(19).fill('ParentCommitIdOutdatedException'));
    const winner = (won[0] as PromiseFulfilledResult<{ commitId?: string }>).value.commitId;
    expect(await tip('race')).toBe(winner);
    const dir = clone('race');
    expect(git(['rev-list', '--count', 'HEAD'], { cwd: dir }).trim()).toBe('2');
    expect(git(['ls-tree', '--name-only', 'HEAD'], { cwd: dir }).trim().split('\n').filter((n) => n.startsWith('racer-'))).toHaveLength(1);
  });

  it('puts a file with the AWS CLI', async () => {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'cli-put' }));
    const c = stack.credentials();
    const file = join(work, 'cli-file.bin');
    writeFileSync(file, Buffer.from([0, 1, 2, 255]));
    const { stdout } = await execFileAsync(
      process.env.CAIRN_TEST_AWS_CLI ?? 'aws',
      ['codecommit', 'put-file', '--repository-name', 'cli-put', '--branch-name', 'main', '--file-path', 'bin/data.bin', '--file-content', `fileb://${file}`, '--endpoint-url', c.endpoint, '--output', 'json'],
      { env: { PATH: process.env.PATH, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, AWS_DEFAULT_REGION: c.region } },
    );
    expect(JSON.parse(stdout).commitId).toBe(await tip('cli-put'));
    expect(readFileSync(join(clone('cli-put'), 'bin/data.bin'))).toEqual(Buffer.from([0, 1, 2, 255]));
  });
});
