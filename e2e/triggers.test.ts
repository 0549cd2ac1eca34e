import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CodeCommitClient, CreateRepositoryCommand, GetRepositoryTriggersCommand, PutRepositoryTriggersCommand, RepositoryTrigger, TestRepositoryTriggersCommand } from '@aws-sdk/client-codecommit';
import { git, Stack, type AdminCredentials } from './support/stack';
import { makeTempDir } from '@cairn/testing';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  path: string;
}

/**
 * Repository triggers as a CI system uses them: a webhook server in the test receives CodeCommit's
 * trigger message for each push, signed with the platform's secret, and a retry after it fails.
 */
describe('repository triggers', () => {
  const stack = new Stack();
  const work = makeTempDir('cairn-triggers-');
  let admin: AdminCredentials;
  let sdk: CodeCommitClient;
  let server: Server;
  let hookUrl = '';
  const received: Received[] = [];
  /** Status codes to answer, in order; 200 once they run out. */
  const answers: number[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString(), path: req.url ?? '' });
        res.writeHead(answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    process.env.CAIRN_WEBHOOK_RETRY_BASE_MS = '300';
    await stack.start();
    admin = stack.credentials();
    sdk = new CodeCommitClient({ endpoint: admin.endpoint, region: admin.region, maxAttempts: 1, credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey } });
  }, 240_000);

  afterAll(async () => {
    delete process.env.CAIRN_WEBHOOK_RETRY_BASE_MS;
    sdk?.destroy();
    await stack.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  async function waitFor(count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (received.length < count) throw new Error(`expected ${count} webhook requests, got ${received.length}`);
  }

  const trigger = (overrides: Partial<RepositoryTrigger> = {}): RepositoryTrigger => ({ name: 'ci', destinationArn: hookUrl, branches: [], events: ['all'], customData: 'project 42', ...overrides });

  it('delivers a signed trigger message for a push, and retries after a 500', async () => {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'hooked' }));
    const put = await sdk.send(new PutRepositoryTriggersCommand({ repositoryName: 'hooked', triggers: [trigger()] }));
    expect(put.configurationId).toMatch(/^[0-9a-f-]{36}$/);
    const got = await sdk.send(new GetRepositoryTriggersCommand({ repositoryName: 'hooked' }));
    expect(got.configurationId).toBe(put.configurationId);
    expect(got.triggers).toEqual([trigger()]);

    received.length = 0;
    answers.push(500);
    const dir = join(work, 'hooked');
    git(['init', '-q', '-b', 'main', dir]);
    writeFileSync(join(dir, 'f'), 'x');
    git(['add', 'f'], { cwd: dir });
    git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'one'], { cwd: dir });
    git(['push', '-q', stack.gitUrl('hooked'), 'main'], { cwd: dir });
    const head = git(['rev-parse', 'HEAD'], { cwd: dir }).trim();

    await waitFor(2);
    const [first, retry] = received;
    expect(retry.headers['x-cairn-delivery']).toBe(first.headers['x-cairn-delivery']);
    expect(retry.body).toBe(first.body);
    const secret = readFileSync(join(stack.dataDir, 'secrets', 'webhook-signing.key'), 'utf8').trim();
    expect(retry.headers['x-cairn-signature-256']).toBe(`sha256=${createHmac('sha256', secret).update(retry.body).digest('hex')}`);
    const record = (JSON.parse(retry.body) as { Records: Record<string, unknown>[] }).Records[0];
    expect(record).toMatchObject({
      awsRegion: admin.region,
      codecommit: { references: [{ commit: head, ref: 'refs/heads/main', created: true }] },
      customData: 'project 42',
      eventName: 'ReferenceChange',
      eventSource: 'aws:codecommit',
      eventSourceARN: `arn:aws:codecommit:${admin.region}:${admin.accountId}:hooked`,
      eventTriggerConfigId: put.configurationId,
      eventTriggerName: 'ci',
      eventVersion: '1.0',
      userIdentityARN: admin.userArn,
    });
    expect(record.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  });

  it('fires only for the branches and events a trigger names', async () => {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'filtered' }));
    await sdk.send(new PutRepositoryTriggersCommand({ repositoryName: 'filtered', triggers: [trigger({ name: 'release-created', branches: ['release'], events: ['createReference'] })] }));
    const dir = join(work, 'filtered');
    git(['init', '-q', '-b', 'main', dir]);
    writeFileSync(join(dir, 'f'), 'y');
    git(['add', 'f'], { cwd: dir });
    git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'one'], { cwd: dir });
    received.length = 0;
    git(['push', '-q', stack.gitUrl('filtered'), 'main'], { cwd: dir });
    git(['push', '-q', stack.gitUrl('filtered'), 'main:release'], { cwd: dir });
    await waitFor(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(received).toHaveLength(1);
    const record = (JSON.parse(received[0].body) as { Records: { eventTriggerName: string; codecommit: { references: unknown[] } }[] }).Records[0];
    expect(record.eventTriggerName).toBe('release-created');
    expect(record.codecommit.references).toEqual([expect.objectContaining({ ref: 'refs/heads/release', created: true })]);
  });

  it('tests triggers: a webhook that answers succeeds, an AWS destination cannot be reached', async () => {
    const out = await sdk.send(
      new TestRepositoryTriggersCommand({ repositoryName: 'hooked', triggers: [trigger({ name: 'hook' }), trigger({ name: 'sns', destinationArn: `arn:aws:sns:${admin.region}:${admin.accountId}:topic` })] }),
    );
    expect(out.successfulExecutions).toEqual(['hook']);
    expect(out.failedExecutions).toEqual([{ trigger: 'sns', failureMessage: expect.stringContaining('webhook') }]);
  });

  it('refuses bad trigger configurations with the modelled errors', async () => {
    const put = (triggers: RepositoryTrigger[] | undefined) => sdk.send(new PutRepositoryTriggersCommand({ repositoryName: 'hooked', triggers }));
    await expect(put(undefined)).rejects.toMatchObject({ name: 'RepositoryTriggersListRequiredException' });
    await expect(put([trigger({ events: ['all', 'createReference'] })])).rejects.toMatchObject({ name: 'InvalidRepositoryTriggerEventsException' });
    await expect(put([trigger({ events: ['push'] })])).rejects.toMatchObject({ name: 'InvalidRepositoryTriggerEventsException' });
    await expect(put([trigger({ events: [] })])).rejects.toMatchObject({ name: 'RepositoryTriggerEventsListRequiredException' });
    await expect(put([trigger({ branches: undefined })])).rejects.toMatchObject({ name: 'RepositoryTriggerBranchNameListRequiredException' });
    await expect(put([trigger({ branches: ['bad..name'] })])).rejects.toMatchObject({ name: 'InvalidRepositoryTriggerBranchNameException' });
    await expect(put([trigger({ name: '' })])).rejects.toMatchObject({ name: 'RepositoryTriggerNameRequiredException' });
    await expect(put([trigger({ destinationArn: '' })])).rejects.toMatchObject({ name: 'RepositoryTriggerDestinationArnRequiredException' });
    await expect(put([trigger({ destinationArn: 'arn:aws:sns:eu-north-1:123456789012:t' })])).rejects.toMatchObject({ name: 'InvalidRepositoryTriggerRegionException' });
    await expect(put([trigger({ destinationArn: 'not a destination' })])).rejects.toMatchObject({ name: 'InvalidRepositoryTriggerDestinationArnException' });
    await expect(put([trigger({ customData: 'x'.repeat(1001) })])).rejects.toMatchObject({ name: 'InvalidRepositoryTriggerCustomDataException' });
    await expect(put(Array.from({ length: 11 }, (_, i) => trigger({ name: `t${i}` })))).rejects.toMatchObject({ name: 'MaximumRepositoryTriggersExceededException' });
    await expect(sdk.send(new GetRepositoryTriggersCommand({ repositoryName: 'missing' }))).rejects.toMatchObject({ name: 'RepositoryDoesNotExistException' });
    // An empty list removes every trigger.
    await put([]);
    expect((await sdk.send(new GetRepositoryTriggersCommand({ repositoryName: 'hooked' }))).triggers).toEqual([]);
  });
});
