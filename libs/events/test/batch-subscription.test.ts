import { randomUUID } from 'node:crypto';
import { createTestDatabase, delay, testKafkaBrokers, waitFor } from '@cairn/testing';
import { KafkaEventLog, MeasuredEventLog, PostgresEventLog, type AnyEventEnvelope, type EventLog } from '../src';
import { quietLogger, referencesUpdated } from './support';

/**
 * subscribeBatches on both transports, against the real servers: the same contract as subscribe
 * (order, at least once, committed positions), with many events per handler call.
 */
describe.each([
  ['Kafka (real broker)', 'kafka'],
  ['Postgres log (real PostgreSQL)', 'postgres'],
] as const)('subscribeBatches on the %s', (_name, transport) => {
  const logs: EventLog[] = [];
  let url = '';
  // Kafka: one partition and a topic per test, so the whole log is one ordered stream like Postgres'.
  const topic = () => `cairn-test-${randomUUID()}`;
  const open = (name: string): EventLog => {
    const { logger } = quietLogger();
    const backoff = { initialMs: 10, maxMs: 50 };
    const log =
      transport === 'kafka'
        ? new KafkaEventLog({ brokers: testKafkaBrokers(), topic: name, numPartitions: 1, logger, backoff })
        : new PostgresEventLog({ connectionString: url, pollIntervalMs: 50, logger, backoff });
    logs.push(log);
    return log;
  };
  const group = () => `group-${randomUUID()}`;

  beforeAll(async () => {
    if (transport === 'postgres') url = await createTestDatabase('pgbatch');
  });
  afterAll(() => Promise.all(logs.map((l) => l.close())));

  /** Events of one repository, so the Postgres log (shared by the tests) can be filtered to them. */
  const publishMany = async (log: EventLog, repo: string, count: number, from = 0) => {
    const events = Array.from({ length: count }, (_, i) => referencesUpdated(repo, from + i));
    for (let i = 0; i < events.length; i += 100) await log.publish(events.slice(i, i + 100));
    return events;
  };

  it('hands over the events in log order, at most maxEvents per call, each once', async () => {
    const name = topic();
    const log = open(name);
    const repo = randomUUID();
    const sent = await publishMany(log, repo, 250);
    const batches: AnyEventEnvelope[][] = [];
    const subscription = await log.subscribeBatches(group(), async (events) => void batches.push([...events]), { fromBeginning: true, maxEvents: 40 });
    const mine = () => batches.flat().filter((e) => e.payload.repositoryId === repo);
    await waitFor(() => mine().length >= sent.length, 30_000, { description: 'all 250 events' });
    await delay(300);
    await subscription.stop();
    expect(mine().map((e) => e.id)).toEqual(sent.map((e) => e.id));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(40);
    // Batching happened: far fewer calls than events.
    expect(batches.length).toBeLessThan(sent.length / 2);
  });

  it('retries a failed batch whole, and moves on only once it succeeded', async () => {
    const log = open(topic());
    const repo = randomUUID();
    const sent = await publishMany(log, repo, 30);
    const stored = new Map<string, number>();
    let failures = 0;
    const subscription = await log.subscribeBatches(
      group(),
      async (events) => {
        const mine = events.filter((e) => e.payload.repositoryId === repo);
        // A store that fails its first two transactions: nothing of a failed call is kept.
        if (mine.length > 0 && failures < 2) {
          failures += 1;
          throw new Error('database unavailable');
        }
        for (const e of mine) stored.set(e.id, (stored.get(e.id) ?? 0) + 1);
      },
      { fromBeginning: true, maxEvents: 500 },
    );
    await waitFor(() => stored.size >= sent.length, 30_000, { description: 'all 30 events stored' });
    await subscription.stop();
    expect(failures).toBe(2);
    expect([...stored.keys()]).toEqual(sent.map((e) => e.id));
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
  });

  it('commits its position: a new member of the group resumes after the last handled batch', async () => {
    const name = topic();
    const producer = open(name);
    const g = group();
    const repo = randomUUID();
    const first = await publishMany(producer, repo, 120);
    const seenFirst: AnyEventEnvelope[] = [];
    let subscription = await open(name).subscribeBatches(g, async (events) => void seenFirst.push(...events.filter((e) => e.payload.repositoryId === repo)), {
      fromBeginning: true,
      maxEvents: 50,
    });
    await waitFor(() => seenFirst.length >= first.length, 30_000, { description: 'the first 120 events' });
    await delay(300);
    await subscription.stop();

    const second = await publishMany(producer, repo, 15, 1_000);
    const seenSecond: AnyEventEnvelope[] = [];
    subscription = await open(name).subscribeBatches(g, async (events) => void seenSecond.push(...events.filter((e) => e.payload.repositoryId === repo)), {
      fromBeginning: true,
    });
    await waitFor(() => seenSecond.length >= second.length, 30_000, { description: 'the next 15 events' });
    await delay(500);
    await subscription.stop();
    expect(seenFirst.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(seenSecond.map((e) => e.id)).toEqual(second.map((e) => e.id));
  });

  it('is measured per event when wrapped in MeasuredEventLog', async () => {
    const log = new MeasuredEventLog(open(topic()));
    const repo = randomUUID();
    const g = group();
    const sent = await publishMany(log, repo, 60);
    let handled = 0;
    const subscription = await log.subscribeBatches(g, async (events) => void (handled += events.filter((e) => e.payload.repositoryId === repo).length), {
      fromBeginning: true,
    });
    await waitFor(() => handled >= sent.length, 30_000, { description: 'all 60 events' });
    await subscription.stop();
    const { serviceMetrics } = await import('@cairn/runtime');
    const metric = await serviceMetrics.getSingleMetric('cairn_events_handled_total')?.get();
    const ok = metric?.values.find((v) => v.labels.group === g && v.labels.type === 'references.updated' && v.labels.outcome === 'ok');
    // The Postgres log is shared by this file's tests, so the group may also see earlier tests' events.
    expect(ok?.value).toBeGreaterThanOrEqual(sent.length);
  });
});
