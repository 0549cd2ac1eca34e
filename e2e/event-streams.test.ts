import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeCommitClient, CreatePullRequestCommand, CreateRepositoryCommand, PutRepositoryTriggersCommand, TestRepositoryTriggersCommand } from '@aws-sdk/client-codecommit';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { KAFKA_TOPICS } from '@cairn/events';
import { testKafkaBrokers, makeTempDir } from '@cairn/testing';
import { commitAll, initSource } from './support/fixtures';
import { git, Stack } from './support/stack';

interface Seen {
  key: string;
  headers: Record<string, string>;
  value: Record<string, unknown>;
  raw: string;
}

/**
 * Kafka as a CI system or a rules engine reads it: a repository trigger whose destination is a
 * Kafka topic, and CodeCommit's EventBridge events on the stream topic, both on a real broker.
 */
describe('event streams on Kafka', () => {
  const brokers = testKafkaBrokers();
  const stack = new Stack(undefined, { CAIRN_STREAM_KAFKA_BROKERS: brokers.join(',') });
  const work = makeTempDir('cairn-streams-');
  const kafka = new Kafka({ clientId: 'e2e-streams', brokers, logLevel: logLevel.NOTHING });
  const consumers: Consumer[] = [];
  const seen: Record<string, Seen[]> = {};
  let sdk: CodeCommitClient;
  const triggerTopic = `ci.pushes.${randomUUID().slice(0, 8)}`;

  /** Reads a topic from its beginning into seen[topic]. */
  async function follow(topic: string): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: `e2e-${randomUUID()}` });
    consumers.push(consumer);
    seen[topic] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }: { message: KafkaMessage }) => {
        const raw = message.value!.toString();
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        seen[topic]!.push({ key: message.key!.toString(), headers, value: JSON.parse(raw) as Record<string, unknown>, raw });
      },
    });
  }

  async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    await follow(triggerTopic);
    await follow(KAFKA_TOPICS.eventBridge.name);
    await stack.start();
    const c = stack.credentials();
    sdk = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, maxAttempts: 1, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'streamed' }));
  }, 240_000);

  afterAll(async () => {
    sdk?.destroy();
    await stack.stop();
    await Promise.all(consumers.map((c) => c.disconnect()));
  });

  it('delivers a push to a trigger whose destination is a Kafka topic, signed like a webhook', async () => {
    const c = stack.credentials();
    await sdk.send(
      new PutRepositoryTriggersCommand({
        repositoryName: 'streamed',
        triggers: [{ name: 'ci', destinationArn: `kafka://${triggerTopic}`, events: ['all'], branches: [], customData: 'build please' }],
      }),
    );
    const tested = await sdk.send(new TestRepositoryTriggersCommand({ repositoryName: 'streamed', triggers: [{ name: 'ci', destinationArn: `kafka://${triggerTopic}`, events: ['all'], branches: [] }] }));
    expect(tested.successfulExecutions).toEqual(['ci']);

    const src = initSource(join(work, 'src'));
    const commitId = commitAll(src, 'first', (d) => writeFileSync(join(d, 'README'), 'hello\n'));
    git(['push', '-q', stack.gitUrl('streamed'), 'main'], { cwd: src });

    const message = await waitFor(() => seen[triggerTopic]!.find((m) => JSON.stringify(m.value).includes(commitId)), 'trigger message for the push');
    const record = (message.value.Records as Record<string, unknown>[])[0]!;
    expect(record).toMatchObject({
      eventSource: 'aws:codecommit',
      eventTriggerName: 'ci',
      customData: 'build please',
      eventSourceARN: `arn:aws:codecommit:${c.region}:${c.accountId}:streamed`,
      codecommit: { references: [{ commit: commitId, ref: 'refs/heads/main', created: true }] },
    });
    const secret = readFileSync(join(stack.dataDir, 'secrets', 'webhook-signing.key'));
    expect(message.headers['x-cairn-signature-256']).toBe(`sha256=${createHmac('sha256', secret).update(message.raw, 'utf8').digest('hex')}`);
    expect(message.headers['x-cairn-delivery']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a Kafka destination that is not a topic name', async () => {
    await expect(
      sdk.send(new PutRepositoryTriggersCommand({ repositoryName: 'streamed', triggers: [{ name: 'bad', destinationArn: 'kafka://not a topic', events: ['all'], branches: [] }] })),
    ).rejects.toMatchObject({ name: 'InvalidRepositoryTriggerDestinationArnException' });
  });

  it('publishes CodeCommit EventBridge events for pushes and pull requests on the stream topic', async () => {
    const c = stack.credentials();
    const src = join(work, 'src');
    git(['checkout', '-q', '-b', 'feature'], { cwd: src });
    const featureCommit = commitAll(src, 'feature', (d) => writeFileSync(join(d, 'feature.txt'), 'f\n'));
    git(['push', '-q', stack.gitUrl('streamed'), 'feature'], { cwd: src });
    const pr = (await sdk.send(new CreatePullRequestCommand({ title: 'Add feature', targets: [{ repositoryName: 'streamed', sourceReference: 'feature', destinationReference: 'main' }] }))).pullRequest!;

    const stream = () => seen[KAFKA_TOPICS.eventBridge.name]!;
    const created = await waitFor(
      () => stream().find((m) => (m.value.detail as Record<string, unknown>).referenceFullName === 'refs/heads/feature'),
      'Repository State Change for the feature branch',
    );
    const arn = `arn:aws:codecommit:${c.region}:${c.accountId}:streamed`;
    expect(created.key).toBe(arn);
    expect(created.value).toMatchObject({
      version: '0',
      'detail-type': 'CodeCommit Repository State Change',
      source: 'aws.codecommit',
      account: c.accountId,
      region: c.region,
      resources: [arn],
      detail: { event: 'referenceCreated', repositoryName: 'streamed', referenceType: 'branch', referenceName: 'feature', commitId: featureCommit, callerUserArn: c.userArn },
    });
    const prEvent = await waitFor(
      () => stream().find((m) => m.value['detail-type'] === 'CodeCommit Pull Request State Change' && (m.value.detail as Record<string, unknown>).pullRequestId === pr.pullRequestId),
      'Pull Request State Change',
    );
    expect(prEvent.value.detail).toMatchObject({ event: 'pullRequestCreated', pullRequestStatus: 'Open', isMerged: 'False', repositoryNames: ['streamed'], sourceReference: 'refs/heads/feature' });
    // Every event id appears once however often the stream delivered it.
    const ids = stream().map((m) => m.value.id as string);
    expect(new Set(ids).size).toBe(new Set(stream().map((m) => m.raw)).size);
  });
});
