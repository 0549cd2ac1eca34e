import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { delay, testKafkaBrokers, waitFor } from '@cairn/testing';
import { createEnvelope, createEventLog, KafkaEventLog, MeasuredEventLog, type AnyEventEnvelope } from '../src';
import { collector, quietLogger, referencesUpdated, repositoryCreated } from './support';

describe('KafkaEventLog (real Kafka broker)', () => {
  const logs: KafkaEventLog[] = [];
  // A topic per test: tests never see each other's events.
  const open = (topic = `cairn-test-${randomUUID()}`, numPartitions = 3) => {
    const log = new KafkaEventLog({ brokers: testKafkaBrokers(), topic, numPartitions, logger: quietLogger().logger, backoff: { initialMs: 10, maxMs: 50 } });
    logs.push(log);
    return log;
  };
  const group = () => `group-${randomUUID()}`;

  afterAll(() => Promise.all(logs.map((l) => l.close())));

  it('creates its topic and keeps each repository in order across partitions', async () => {
    const log = open();
    const repos = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const sent = repos.flatMap((repo) => Array.from({ length: 5 }, (_, n) => referencesUpdated(repo, n)));
    // interleave the repositories in one publish and in separate ones
    await log.publish(sent.filter((_, i) => i % 2 === 0));
    await log.publish(sent.filter((_, i) => i % 2 === 1));

    const admin = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [log.topic] });
    await admin.disconnect();
    expect(metadata.topics[0].partitions).toHaveLength(3);

    const seen = collector();
    const subscription = await log.subscribe(group(), seen.handler, { fromBeginning: true });
    await seen.waitForCount(sent.length, 30_000);
    await subscription.stop();
    expect(new Set(seen.events.map((e) => e.id))).toEqual(new Set(sent.map((e) => e.id)));
    for (const repo of repos) {
      const order = (events: AnyEventEnvelope[]) => events.filter((e) => e.payload.repositoryId === repo && e.type === 'references.updated');
      const expected = sent.filter((e) => e.payload.repositoryId === repo);
      // publish order within a repository: the even-indexed batch first, then the odd one
      const published = [...expected.filter((e) => sent.indexOf(e) % 2 === 0), ...expected.filter((e) => sent.indexOf(e) % 2 === 1)];
      expect(order(seen.events).map((e) => e.id)).toEqual(published.map((e) => e.id));
    }
    expect(seen.events[0]).toEqual(sent.find((e) => e.id === seen.events[0].id));
  });

  it('resumes a consumer group right after its last committed offset', async () => {
    const topic = `cairn-test-${randomUUID()}`;
    const producer = open(topic, 1);
    const g = group();
    const first = [repositoryCreated(), repositoryCreated(), repositoryCreated()];
    const second = [repositoryCreated(), repositoryCreated()];
    await producer.publish(first);

    const a = collector();
    let subscription = await open(topic, 1).subscribe(g, a.handler, { fromBeginning: true });
    await a.waitForCount(3, 30_000);
    await subscription.stop();
    expect(a.events.map((e) => e.id)).toEqual(first.map((e) => e.id));

    await producer.publish(second);
    const b = collector();
    subscription = await open(topic, 1).subscribe(g, b.handler, { fromBeginning: true });
    await b.waitForCount(2, 30_000);
    await delay(500);
    await subscription.stop();
    expect(b.events.map((e) => e.id)).toEqual(second.map((e) => e.id));
  });

  it('starts a new group at the end of the topic unless fromBeginning', async () => {
    const log = open();
    await log.publish([repositoryCreated(), repositoryCreated()]);
    const seen = collector();
    const subscription = await log.subscribe(group(), seen.handler);
    const after = repositoryCreated();
    await log.publish([after]);
    await seen.waitForCount(1, 30_000);
    await delay(500);
    await subscription.stop();
    expect(seen.events.map((e) => e.id)).toEqual([after.id]);
  });

  it('retries a failing handler and commits nothing until it succeeds', async () => {
    const topic = `cairn-test-${randomUUID()}`;
    const log = open(topic, 1);
    const g = group();
    const event = repositoryCreated();
    const attempts: string[] = [];
    let subscription = await log.subscribe(
      g,
      async (e) => {
        attempts.push(e.id);
        throw new Error('downstream unavailable');
      },
      { fromBeginning: true },
    );
    await log.publish([event]);
    await waitFor(() => attempts.length >= 3, 30_000);
    await subscription.stop();

    // A new member of the group gets the same event again: its offset was never committed.
    const seen = collector();
    let failOnce = true;
    subscription = await open(topic, 1).subscribe(g, async (e) => {
      if (failOnce) {
        failOnce = false;
        throw new Error('one more failure');
      }
      await seen.handler(e);
    });
    await seen.waitForCount(1, 30_000);
    await subscription.stop();
    expect(seen.events.map((e) => e.id)).toEqual([event.id]);
  });

  it('is what createEventLog returns for a kafka:// URL, topic included', async () => {
    const topic = `cairn-test-${randomUUID()}`;
    const log = createEventLog(`kafka://${testKafkaBrokers().join(',')}?topic=${topic}`, { logger: quietLogger().logger });
    try {
      expect((log as MeasuredEventLog).inner).toBeInstanceOf(KafkaEventLog);
      expect(((log as MeasuredEventLog).inner as KafkaEventLog).topic).toBe(topic);
      const event = repositoryCreated();
      await log.publish([event]);
      const seen = collector();
      const subscription = await log.subscribe(group(), seen.handler, { fromBeginning: true });
      await seen.waitForCount(1, 30_000);
      await subscription.stop();
      expect(seen.events).toEqual([event]);
    } finally {
      await log.close();
    }
  });

  it("carries events larger than Kafka's default 1 MB limit, and backlogs of many large events, in order", async () => {
    const log = open(undefined, 1);
    const repo = randomUUID();
    // A push of 10,000 branches: one references.updated of about 1.3 MB.
    const updates = Array.from({ length: 10_000 }, (_, i) => ({ ref: `refs/heads/branch-${String(i).padStart(5, '0')}`, oldId: '0'.repeat(40), newId: 'a'.repeat(40) }));
    const huge = createEnvelope('test', 'references.updated', { repositoryId: repo, repositoryName: 'r', accountId: '123456789012', actorArn: 'x', updates });
    expect(JSON.stringify(huge).length).toBeGreaterThan(1_100_000);
    // And a relay's backlog: 400 events of 12 KB each (4.8 MB) handed over in one publish.
    const backlog = Array.from({ length: 400 }, (_, n) =>
      createEnvelope('test', 'references.updated', { repositoryId: repo, repositoryName: 'r', accountId: '123456789012', actorArn: 'x', updates: updates.slice(n, n + 90) }),
    );
    await log.publish([huge, ...backlog, referencesUpdated(repo, 1)]);
    const seen = collector();
    const subscription = await log.subscribe(group(), seen.handler, { fromBeginning: true });
    await seen.waitForCount(402, 60_000);
    await subscription.stop();
    expect(seen.events.map((e) => e.id)).toEqual([huge.id, ...backlog.map((e) => e.id), seen.events[401].id]);
    expect(seen.events[0]).toEqual(huge);
  }, 90_000);
});
