import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeCommitClient,
  CreateBranchCommand,
  CreateRepositoryCommand,
  DeleteBranchCommand,
  GetBranchCommand,
  GetRepositoryCommand,
  ListBranchesCommand,
  UpdateDefaultBranchCommand,
} from '@aws-sdk/client-codecommit';
import { git, Stack } from './support/stack';
import { makeTempDir } from '@cairn/testing';

/** Branch operations through the AWS SDK, checked against what git itself sees. */
describe('CodeCommit branches', () => {
  const stack = new Stack();
  let sdk: CodeCommitClient;
  const work = makeTempDir('cairn-branches-');

  beforeAll(async () => {
    await stack.start();
    const c = stack.credentials();
    sdk = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
  }, 240_000);

  afterAll(async () => {
    sdk?.destroy();
    await stack.stop();
  });

  /** A repository whose first push is `branch`; returns the pushed commit. */
  async function pushedRepository(name: string, branch: string): Promise<string> {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: name }));
    const dir = join(work, name);
    git(['init', '-q', '-b', branch, dir]);
    writeFileSync(join(dir, 'f'), name);
    git(['add', 'f'], { cwd: dir });
    git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'first'], { cwd: dir });
    git(['push', '-q', stack.gitUrl(name), branch], { cwd: dir });
    return git(['rev-parse', 'HEAD'], { cwd: dir }).trim();
  }

  async function defaultBranchOf(name: string, timeoutMs = 10_000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const branch = (await sdk.send(new GetRepositoryCommand({ repositoryName: name }))).repositoryMetadata!.defaultBranch;
      if (branch || Date.now() > deadline) return branch;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('makes the first branch pushed the default branch, for the API and for git', async () => {
    expect((await sdk.send(new CreateRepositoryCommand({ repositoryName: 'empty' }))).repositoryMetadata!.defaultBranch).toBeUndefined();
    await pushedRepository('first-push', 'trunk');
    expect(await defaultBranchOf('first-push')).toBe('trunk');
    expect(git(['ls-remote', '--symref', stack.gitUrl('first-push'), 'HEAD'])).toContain('ref: refs/heads/trunk\tHEAD');
  });

  it('creates, gets, lists and deletes branches, and moves the default', async () => {
    const commit = await pushedRepository('branchy', 'main');
    await sdk.send(new CreateBranchCommand({ repositoryName: 'branchy', branchName: 'feature/x', commitId: commit }));
    expect((await sdk.send(new GetBranchCommand({ repositoryName: 'branchy', branchName: 'feature/x' }))).branch).toEqual({ branchName: 'feature/x', commitId: commit });
    expect(git(['ls-remote', stack.gitUrl('branchy'), 'refs/heads/feature/x'])).toContain(commit);
    expect((await sdk.send(new ListBranchesCommand({ repositoryName: 'branchy' }))).branches).toEqual(['feature/x', 'main']);

    await expect(sdk.send(new CreateBranchCommand({ repositoryName: 'branchy', branchName: 'feature/x', commitId: commit }))).rejects.toMatchObject({ name: 'BranchNameExistsException' });
    await expect(sdk.send(new CreateBranchCommand({ repositoryName: 'branchy', branchName: 'bad..name', commitId: commit }))).rejects.toMatchObject({ name: 'InvalidBranchNameException' });
    await expect(sdk.send(new CreateBranchCommand({ repositoryName: 'branchy', branchName: 'y', commitId: 'f'.repeat(40) }))).rejects.toMatchObject({ name: 'CommitDoesNotExistException' });
    await expect(sdk.send(new CreateBranchCommand({ repositoryName: 'branchy', branchName: 'y', commitId: 'nope' }))).rejects.toMatchObject({ name: 'InvalidCommitIdException' });
    await expect(sdk.send(new GetBranchCommand({ repositoryName: 'branchy', branchName: 'none' }))).rejects.toMatchObject({ name: 'BranchDoesNotExistException' });

    await expect(sdk.send(new DeleteBranchCommand({ repositoryName: 'branchy', branchName: 'main' }))).rejects.toMatchObject({ name: 'DefaultBranchCannotBeDeletedException' });
    await sdk.send(new UpdateDefaultBranchCommand({ repositoryName: 'branchy', defaultBranchName: 'feature/x' }));
    expect(await defaultBranchOf('branchy')).toBe('feature/x');
    expect(git(['ls-remote', '--symref', stack.gitUrl('branchy'), 'HEAD'])).toContain('ref: refs/heads/feature/x\tHEAD');
    await expect(sdk.send(new UpdateDefaultBranchCommand({ repositoryName: 'branchy', defaultBranchName: 'none' }))).rejects.toMatchObject({ name: 'BranchDoesNotExistException' });

    const deleted = await sdk.send(new DeleteBranchCommand({ repositoryName: 'branchy', branchName: 'main' }));
    expect(deleted.deletedBranch).toEqual({ branchName: 'main', commitId: commit });
    expect(git(['ls-remote', stack.gitUrl('branchy')])).not.toContain('refs/heads/main');
  });

  it('pages ListBranches with nextToken', async () => {
    await pushedRepository('many-branches', 'main');
    const dir = join(work, 'many-branches');
    const names = Array.from({ length: 150 }, (_, i) => `b${String(i).padStart(3, '0')}`);
    for (const n of names) git(['branch', n], { cwd: dir });
    git(['push', '-q', stack.gitUrl('many-branches'), '--all'], { cwd: dir });
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await sdk.send(new ListBranchesCommand({ repositoryName: 'many-branches', nextToken }));
      seen.push(...page.branches!);
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toEqual([...names, 'main']);
    await expect(sdk.send(new ListBranchesCommand({ repositoryName: 'many-branches', nextToken: 'bogus' }))).rejects.toMatchObject({ name: 'InvalidContinuationTokenException' });
  });
});
