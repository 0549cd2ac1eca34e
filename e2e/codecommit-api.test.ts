import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  BatchGetRepositoriesCommand,
  CodeCommitClient,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  GetRepositoryCommand,
  ListRepositoriesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateRepositoryDescriptionCommand,
  UpdateRepositoryEncryptionKeyCommand,
  UpdateRepositoryNameCommand,
} from '@aws-sdk/client-codecommit';
import { createEventLog, type AnyEventEnvelope, type EventLog } from '@cairn/events';
import { git, Stack } from './support/stack';
import { makeTempDir } from '@cairn/testing';

const execFileAsync = promisify(execFile);

/** The CodeCommit repository API as the AWS SDK v3 and the AWS CLI use it, plus the events it emits. */
describe('CodeCommit repository API', () => {
  const stack = new Stack();
  let sdk: CodeCommitClient;

  beforeAll(async () => {
    await stack.start();
    const c = stack.credentials();
    sdk = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
  }, 240_000);

  afterAll(async () => {
    sdk?.destroy();
    await stack.stop();
  });

  /** `aws codecommit …` with only the credentials file's values, never a developer's profile. */
  async function awsCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const c = stack.credentials();
    const cli = process.env.CAIRN_TEST_AWS_CLI;
    if (!cli) throw new Error(`AWS CLI unavailable: ${process.env.CAIRN_TEST_AWS_CLI_UNAVAILABLE ?? 'not set up by the global setup'}`);
    try {
      const { stdout, stderr } = await execFileAsync(cli, ['codecommit', ...args, '--endpoint-url', c.endpoint, '--output', 'json'], {
        env: {
          PATH: process.env.PATH,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_ACCESS_KEY_ID: c.accessKeyId,
          AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
          AWS_DEFAULT_REGION: c.region,
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('creates, gets, lists and deletes a repository with the SDK', async () => {
    const c = stack.credentials();
    const created = await sdk.send(new CreateRepositoryCommand({ repositoryName: 'sdk-repo', repositoryDescription: 'made by the SDK', tags: { team: 'core' } }));
    const meta = created.repositoryMetadata!;
    expect(meta).toMatchObject({
      accountId: c.accountId,
      repositoryName: 'sdk-repo',
      repositoryDescription: 'made by the SDK',
      cloneUrlHttp: `${stack.endpoint}/v1/repos/sdk-repo`,
      cloneUrlSsh: `ssh://127.0.0.1:${stack.sshPort}/v1/repos/sdk-repo`,
      Arn: `arn:aws:codecommit:${c.region}:${c.accountId}:sdk-repo`,
    });
    expect(meta.repositoryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.creationDate).toBeInstanceOf(Date);
    expect(Math.abs(meta.creationDate!.getTime() - Date.now())).toBeLessThan(60_000);

    const got = await sdk.send(new GetRepositoryCommand({ repositoryName: 'sdk-repo' }));
    expect(got.repositoryMetadata!.repositoryId).toBe(meta.repositoryId);

    const listed = await sdk.send(new ListRepositoriesCommand({}));
    expect(listed.repositories).toContainEqual({ repositoryName: 'sdk-repo', repositoryId: meta.repositoryId });

    const deleted = await sdk.send(new DeleteRepositoryCommand({ repositoryName: 'sdk-repo' }));
    expect(deleted.repositoryId).toBe(meta.repositoryId);
    await expect(sdk.send(new GetRepositoryCommand({ repositoryName: 'sdk-repo' }))).rejects.toMatchObject({ name: 'RepositoryDoesNotExistException' });
    // Deleting what is already gone succeeds without an id, as CodeCommit does.
    expect((await sdk.send(new DeleteRepositoryCommand({ repositoryName: 'sdk-repo' }))).repositoryId).toBeUndefined();
  });

  it('reports CodeCommit errors by name', async () => {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'twice' }));
    await expect(sdk.send(new CreateRepositoryCommand({ repositoryName: 'twice' }))).rejects.toMatchObject({ name: 'RepositoryNameExistsException' });
    await expect(sdk.send(new CreateRepositoryCommand({ repositoryName: 'bad name' }))).rejects.toMatchObject({ name: 'InvalidRepositoryNameException' });
    await expect(sdk.send(new CreateRepositoryCommand({ repositoryName: 'x'.repeat(101) }))).rejects.toMatchObject({ name: 'InvalidRepositoryNameException' });
    await expect(sdk.send(new CreateRepositoryCommand({ repositoryName: '' }))).rejects.toMatchObject({ name: 'RepositoryNameRequiredException' });
    await expect(sdk.send(new CreateRepositoryCommand({ repositoryName: 'tagged', tags: { 'aws:reserved': 'x' } }))).rejects.toMatchObject({
      name: 'InvalidSystemTagUsageException',
    });
    await expect(sdk.send(new ListRepositoriesCommand({ nextToken: 'garbage' }))).rejects.toMatchObject({ name: 'InvalidContinuationTokenException' });
    await expect(sdk.send(new ListRepositoriesCommand({ sortBy: 'size' as never }))).rejects.toMatchObject({ name: 'InvalidSortByException' });
  });

  it('sorts and orders ListRepositories', async () => {
    for (const name of ['order-b', 'order-a', 'order-c']) await sdk.send(new CreateRepositoryCommand({ repositoryName: name }));
    const names = async (order: 'ascending' | 'descending', sortBy: 'repositoryName' | 'lastModifiedDate') =>
      ((await sdk.send(new ListRepositoriesCommand({ order, sortBy }))).repositories ?? []).map((r) => r.repositoryName).filter((n) => n!.startsWith('order-'));
    expect(await names('ascending', 'repositoryName')).toEqual(['order-a', 'order-b', 'order-c']);
    expect(await names('descending', 'repositoryName')).toEqual(['order-c', 'order-b', 'order-a']);
    expect(await names('ascending', 'lastModifiedDate')).toEqual(['order-b', 'order-a', 'order-c']);
  });

  it('rejects a bad signature and an unknown key in the shapes the SDK knows', async () => {
    const c = stack.credentials();
    const forged = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, maxAttempts: 1, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: 'wrong-secret' } });
    await expect(forged.send(new ListRepositoriesCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 400 } });
    forged.destroy();
    const stranger = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, maxAttempts: 1, credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' } });
    await expect(stranger.send(new ListRepositoriesCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    stranger.destroy();
    const unsigned = await fetch(c.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodeCommit_20150413.ListRepositories' }, body: '{}' });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it('renames a repository, keeping its id, its content and its git URL under the new name', async () => {
    const { repositoryMetadata } = await sdk.send(new CreateRepositoryCommand({ repositoryName: 'before-rename' }));
    const dir = makeTempDir('cairn-rename-');
    git(['init', '-q', '-b', 'main', dir]);
    git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '--allow-empty', '-m', 'm'], { cwd: dir });
    git(['push', '-q', stack.gitUrl('before-rename'), 'main'], { cwd: dir });

    await sdk.send(new UpdateRepositoryNameCommand({ oldName: 'before-rename', newName: 'after-rename' }));
    const renamed = (await sdk.send(new GetRepositoryCommand({ repositoryName: 'after-rename' }))).repositoryMetadata!;
    expect(renamed.repositoryId).toBe(repositoryMetadata!.repositoryId);
    expect(renamed.cloneUrlHttp).toBe(`${stack.endpoint}/v1/repos/after-rename`);
    await expect(sdk.send(new GetRepositoryCommand({ repositoryName: 'before-rename' }))).rejects.toMatchObject({ name: 'RepositoryDoesNotExistException' });
    expect(git(['ls-remote', stack.gitUrl('after-rename'), 'refs/heads/main']).slice(0, 40)).toBe(git(['rev-parse', 'HEAD'], { cwd: dir }).trim());

    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'rename-target' }));
    await expect(sdk.send(new UpdateRepositoryNameCommand({ oldName: 'after-rename', newName: 'rename-target' }))).rejects.toMatchObject({ name: 'RepositoryNameExistsException' });
    await expect(sdk.send(new UpdateRepositoryNameCommand({ oldName: 'never-was', newName: 'whatever' }))).rejects.toMatchObject({ name: 'RepositoryDoesNotExistException' });
  });

  it('updates descriptions and encryption keys, and batch-gets repositories', async () => {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'settings', repositoryDescription: 'old' }));
    await sdk.send(new UpdateRepositoryDescriptionCommand({ repositoryName: 'settings', repositoryDescription: '<b>new</b> ☃' }));
    expect((await sdk.send(new GetRepositoryCommand({ repositoryName: 'settings' }))).repositoryMetadata!.repositoryDescription).toBe('<b>new</b> ☃');
    await expect(sdk.send(new UpdateRepositoryDescriptionCommand({ repositoryName: 'settings', repositoryDescription: 'x'.repeat(1001) }))).rejects.toMatchObject({
      name: 'InvalidRepositoryDescriptionException',
    });

    const key = await sdk.send(new UpdateRepositoryEncryptionKeyCommand({ repositoryName: 'settings', kmsKeyId: 'alias/team-key' }));
    expect(key).toMatchObject({ kmsKeyId: 'alias/team-key', originalKmsKeyId: 'alias/aws/codecommit' });
    await expect(sdk.send(new UpdateRepositoryEncryptionKeyCommand({ repositoryName: 'settings', kmsKeyId: 'bad key!' }))).rejects.toMatchObject({
      name: 'EncryptionKeyInvalidIdException',
    });

    const batch = await sdk.send(new BatchGetRepositoriesCommand({ repositoryNames: ['settings', 'missing-one'] }));
    expect(batch.repositories!.map((r) => r.repositoryName)).toEqual(['settings']);
    expect(batch.repositoriesNotFound).toEqual(['missing-one']);
    await expect(sdk.send(new BatchGetRepositoriesCommand({ repositoryNames: Array.from({ length: 26 }, (_, i) => `r${i}`) }))).rejects.toMatchObject({
      name: 'MaximumRepositoryNamesExceededException',
    });
  });

  it('tags, lists and untags a repository by ARN', async () => {
    const arn = (await sdk.send(new CreateRepositoryCommand({ repositoryName: 'tags', tags: { team: 'core' } }))).repositoryMetadata!.Arn!;
    await sdk.send(new TagResourceCommand({ resourceArn: arn, tags: { env: 'prod', team: 'platform' } }));
    expect((await sdk.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ env: 'prod', team: 'platform' });
    await sdk.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['env'] }));
    expect((await sdk.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ team: 'platform' });
    await expect(sdk.send(new TagResourceCommand({ resourceArn: 'arn:aws:s3:::bucket', tags: { a: 'b' } }))).rejects.toMatchObject({ name: 'InvalidResourceArnException' });
    await expect(sdk.send(new TagResourceCommand({ resourceArn: arn, tags: {} }))).rejects.toMatchObject({ name: 'TagsMapRequiredException' });
    await expect(sdk.send(new TagResourceCommand({ resourceArn: arn, tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }))).rejects.toMatchObject({
      name: 'TooManyTagsException',
    });
  });

  it('works with the AWS CLI', async () => {
    const created = await awsCli(['create-repository', '--repository-name', 'cli-repo', '--repository-description', 'from the CLI']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).repositoryMetadata).toMatchObject({ repositoryName: 'cli-repo', repositoryDescription: 'from the CLI' });

    const got = await awsCli(['get-repository', '--repository-name', 'cli-repo']);
    expect(JSON.parse(got.stdout).repositoryMetadata.cloneUrlHttp).toBe(`${stack.endpoint}/v1/repos/cli-repo`);

    const listed = await awsCli(['list-repositories']);
    expect(JSON.parse(listed.stdout).repositories.map((r: { repositoryName: string }) => r.repositoryName)).toContain('cli-repo');

    const missing = await awsCli(['get-repository', '--repository-name', 'no-such-repo']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('An error occurred (RepositoryDoesNotExistException) when calling the GetRepository operation');

    const deleted = await awsCli(['delete-repository', '--repository-name', 'cli-repo']);
    expect(JSON.parse(deleted.stdout).repositoryId).toBe(JSON.parse(got.stdout).repositoryMetadata.repositoryId);
  });

  it('emits repository.created, references.updated (per push, with the pusher) and repository.deleted', async () => {
    const c = stack.credentials();
    const eventsDb = stack.services().find((s) => s.name === 'db-events') as unknown as { port: number };
    const log: EventLog = createEventLog(`postgres://postgres@127.0.0.1:${eventsDb.port}/postgres`);
    const seen: AnyEventEnvelope[] = [];
    const subscription = await log.subscribe('e2e-events', async (e) => void seen.push(e), { fromBeginning: true });
    try {
      const created = await sdk.send(new CreateRepositoryCommand({ repositoryName: 'evented' }));
      const repositoryId = created.repositoryMetadata!.repositoryId!;
      const dir = makeTempDir('cairn-ev-');
      git(['init', '-q', '-b', 'main', dir]);
      writeFileSync(join(dir, 'f'), 'x');
      git(['add', 'f'], { cwd: dir });
      git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'm'], { cwd: dir });
      git(['branch', 'other'], { cwd: dir });
      git(['push', '-q', stack.gitUrl('evented'), 'main', 'other'], { cwd: dir });
      const head = git(['rev-parse', 'HEAD'], { cwd: dir }).trim();
      await sdk.send(new DeleteRepositoryCommand({ repositoryName: 'evented' }));

      const deadline = Date.now() + 20_000;
      // State changes only: audit records about the repository travel the same log.
      const forRepo = () => seen.filter((e) => e.type !== 'audit.recorded' && (e.payload as { repositoryId?: string }).repositoryId === repositoryId);
      while (forRepo().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const events = forRepo();
      expect(events.map((e) => e.type)).toEqual(['repository.created', 'references.updated', 'repository.deleted']);
      expect(events[0].payload).toMatchObject({ repositoryName: 'evented', accountId: c.accountId, actorArn: c.userArn });
      const zero = '0'.repeat(40);
      expect(events[1].payload).toMatchObject({ repositoryName: 'evented', actorArn: c.userArn });
      expect((events[1].payload as { updates: unknown[] }).updates).toEqual(
        expect.arrayContaining([
          { ref: 'refs/heads/main', oldId: zero, newId: head },
          { ref: 'refs/heads/other', oldId: zero, newId: head },
        ]),
      );
      expect(new Set(events.map((e) => e.id)).size).toBe(3);
    } finally {
      await subscription.stop();
      await log.close();
    }
  });
});
