import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, delay, waitFor } from '@cairn/testing';
import { createEventLog, MeasuredEventLog, PostgresEventLog, type AnyEventEnvelope } from '../src';
import { collector, quietLogger, referencesUpdated, repositoryCreated } from './support';

describe('PostgresEventLog (real PostgreSQL)', () => {
  let url: string;
  const logs: PostgresEventLog[] = [];
  const open = (overrides: Partial<ConstructorParameters<typeof PostgresEventLog>[0]> = {}) => {
    const log = new PostgresEventLog({ connectionString: url, pollIntervalMs: 50, logger: quietLogger().logger, ...overrides });
    logs.push(log);
    return log;
  };
  const group = () => `group-${randomUUID()}`;

  beforeAll(async () => {
    url = await createTestDatabase('pglog');
  });
  afterAll(() => Promise.all(logs.map((l) => l.close())));

  it('delivers every envelope intact and in publication order', async () => {
    const log = open();
    const repo = randomUUID();
    const sent = [repositoryCreated(repo), ...Array.from({ length: 20 }, (_, i) => referencesUpdated(repo, i))];
    await log.publish(sent.slice(0, 5));
    await log.publish(sent.slice(5));
    const seen = collector();
    const subscription = await log.subscribe(group(), seen.handler, { fromBeginning: true });
    const mine = () => seen.events.filter((e) => e.payload.repositoryId === repo);
    await waitFor(() => mine().length === sent.length, 10_000);
    await subscription.stop();
    expect(mine()).toEqual(sent);
  });

  it('resumes a consumer group right after its last committed event', async () => {
    const g = group();
    const repo = randomUUID();
    const first = [referencesUpdated(repo, 1), referencesUpdated(repo, 2), referencesUpdated(repo, 3)];
    const second = [referencesUpdated(repo, 4), referencesUpdated(repo, 5)];

    const producer = open();
    const firstConsumer = open();
    const a = collector();
    let subscription = await firstConsumer.subscribe(g, a.handler); // starts at the end
    await producer.publish(first);
    await a.waitForCount(3);
    await subscription.stop();
    await firstConsumer.close();
    expect(a.events.map((e) => e.id)).toEqual(first.map((e) => e.id));

    await producer.publish(second);
    const b = collector();
    subscription = await open().subscribe(g, b.handler, { fromBeginning: true }); // fromBeginning does not apply to a known group
    await b.waitForCount(2);
    await delay(200); // nothing older may follow
    await subscription.stop();
    expect(b.events.map((e) => e.id)).toEqual(second.map((e) => e.id));
  });

  it('starts a new group after the events already in the log unless fromBeginning', async () => {
    const log = open();
    const before = repositoryCreated();
    await log.publish([before]);
    const late = collector();
    const subscription = await log.subscribe(group(), late.handler);
    const after = repositoryCreated();
    await log.publish([after]);
    await late.waitForCount(1);
    await delay(200);
    await subscription.stop();
    expect(late.events.map((e) => e.id)).toEqual([after.id]);
  });

  it('retries a failing handler without moving past its event, and redelivers it after a stop', async () => {
    const g = group();
    const log = open({ backoff: { initialMs: 10, maxMs: 20 } });
    const repo = randomUUID();
    const events = [referencesUpdated(repo, 1), referencesUpdated(repo, 2)];
    const attempts: string[] = [];
    const failing = async (event: AnyEventEnvelope) => {
      attempts.push(event.id);
      throw new Error('downstream unavailable');
    };
    let subscription = await log.subscribe(g, failing);
    await log.publish(events);
    await waitFor(() => attempts.length >= 3);
    await subscription.stop();
    expect(new Set(attempts)).toEqual(new Set([events[0].id])); // never skipped ahead

    const ok = collector();
    subscription = await log.subscribe(g, ok.handler);
    await ok.waitForCount(2);
    await subscription.stop();
    expect(ok.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('appends an event id once, so a relay that publishes a batch again adds nothing', async () => {
    const log = open();
    const event = repositoryCreated();
    await log.publish([event]);
    await log.publish([event, event]);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM event_log WHERE event_id = $1', [event.id]);
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await client.end();
    }
  });

  it('gives a consumer every event exactly once while several producers publish at once', async () => {
    const producers = [open(), open(), open()];
    const repo = randomUUID();
    const seen = collector();
    const subscription = await open().subscribe(group(), seen.handler);
    const sent = await Promise.all(
      producers.map(async (p, i) => {
        const batch: AnyEventEnvelope[] = [];
        for (let n = 0; n < 15; n++) {
          const e = referencesUpdated(repo, i * 100 + n);
          batch.push(e);
          await p.publish([e]);
        }
        return batch;
      }),
    );
    await seen.waitForCount(45);
    await delay(200);
    await subscription.stop();
    const ids = seen.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(45);
    expect(new Set(ids)).toEqual(new Set(sent.flat().map((e) => e.id)));
    // Each producer's own events keep their order.
    for (const batch of sent) {
      const positions = batch.map((e) => ids.indexOf(e.id));
      expect(positions).toEqual([...positions].sort((x, y) => x - y));
    }
  });

  it('lets one member of a group consume at a time; another takes over when it stops', async () => {
    const g = group();
    const log = open();
    const a = collector();
    const b = collector();
    const first = await log.subscribe(g, a.handler);
    const second = await open().subscribe(g, b.handler);
    await log.publish([repositoryCreated()]);
    await a.waitForCount(1);
    await delay(300);
    expect(b.events).toHaveLength(0);

    await first.stop();
    const next = repositoryCreated();
    await log.publish([next]);
    await b.waitForCount(1);
    await second.stop();
    expect(b.events.map((e) => e.id)).toEqual([next.id]);
  });

  it('is what createEventLog returns for a postgres:// URL', async () => {
    const log = createEventLog(url, { logger: quietLogger().logger });
    try {
      expect((log as MeasuredEventLog).inner).toBeInstanceOf(PostgresEventLog);
      const event = repositoryCreated();
      await log.publish([event]);
      const seen = collector();
      const subscription = await log.subscribe(group(), seen.handler, { fromBeginning: true });
      await waitFor(() => seen.events.some((e) => e.id === event.id));
      await subscription.stop();
    } finally {
      await log.close();
    }
  });
});
