import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import { createTestDatabase, freePort, startPGliteServer, testKafkaBrokers, waitFor } from '@cairn/testing';
import { appendToOutbox, KafkaEventLog, OUTBOX_ENTITIES, OutboxEntry, OutboxRelay, PostgresEventLog, type EventLog, type OutboxRelayOptions } from '../src';
import { collector, openDataSource, quietLogger, Widget } from './support';

/** What a service does: change a row and record its event in one transaction. */
async function createWidget(dataSource: DataSource, repositoryId = randomUUID()): Promise<string> {
  const envelope = await dataSource.transaction(async (manager) => {
    await manager.insert(Widget, { id: repositoryId, name: 'w' });
    return appendToOutbox(manager, 'repo-metadata', 'repository.created', {
      repositoryId,
      repositoryName: `r-${repositoryId.slice(0, 8)}`,
      accountId: '123456789012',
      arn: `arn:aws:codecommit:us-east-1:123456789012:r-${repositoryId.slice(0, 8)}`,
      actorArn: 'arn:aws:iam::123456789012:user/admin',
    });
  });
  return envelope.id;
}

describe('OutboxRelay (real PostgreSQL, real Kafka)', () => {
  let dataSource: DataSource;
  const closers: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    dataSource = await openDataSource(await createTestDatabase('relay'), [Widget, ...OUTBOX_ENTITIES]);
    closers.push(() => dataSource.destroy());
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  function relay(eventLog: EventLog, options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const r = new OutboxRelay({ dataSource, eventLog, logger: quietLogger().logger, backoff: { initialMs: 20, maxMs: 200 }, ...options }).start();
    closers.push(() => r.stop());
    return r;
  }

  const unpublished = () => dataSource.getRepository(OutboxEntry).countBy({ publishedAt: IsNull() });

  it('delivers committed events to the Postgres log in commit order, at once when kicked', async () => {
    const log = new PostgresEventLog({ connectionString: await createTestDatabase('relay_log'), pollIntervalMs: 20, logger: quietLogger().logger });
    closers.push(() => log.close());
    const seen = collector();
    const subscription = await log.subscribe('audit', seen.handler);
    closers.push(() => subscription.stop());
    const r = relay(log, { pollIntervalMs: 60_000 }); // only kicks (and the first pass) publish here

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createWidget(dataSource));
    r.kick();
    await seen.waitForCount(5, 5_000);
    expect(seen.events.map((e) => e.id)).toEqual(ids);
    await waitFor(async () => (await unpublished()) === 0);
  });

  it('delivers committed events to Kafka', async () => {
    const log = new KafkaEventLog({ brokers: testKafkaBrokers(), topic: `cairn-test-${randomUUID()}`, numPartitions: 2, logger: quietLogger().logger });
    closers.push(() => log.close());
    const seen = collector();
    const subscription = await log.subscribe('audit', seen.handler);
    closers.push(() => subscription.stop());
    const r = relay(log, { pollIntervalMs: 100 });

    const ids = [await createWidget(dataSource), await createWidget(dataSource), await createWidget(dataSource)];
    r.kick();
    await seen.waitForCount(3, 30_000);
    expect(new Set(seen.events.map((e) => e.id))).toEqual(new Set(ids));
    expect(seen.events[0]).toMatchObject({ type: 'repository.created', source: 'repo-metadata' });
  });

  it('keeps events through a log outage and a relay restart, then delivers each one', async () => {
    // The log's server is down: nothing listens on its port yet.
    const port = await freePort();
    const logUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const { logger, warnings } = quietLogger();
    const down = new PostgresEventLog({ connectionString: logUrl, logger });
    closers.push(() => down.close());
    const first = new OutboxRelay({ dataSource, eventLog: down, logger, pollIntervalMs: 50, backoff: { initialMs: 20, maxMs: 100 } }).start();
    closers.push(() => first.stop());

    const before = [await createWidget(dataSource), await createWidget(dataSource)];
    first.kick();
    await waitFor(() => warnings.filter((w) => w.includes('publishing failed')).length >= 2, 10_000, { description: 'failed attempts' });
    expect(await unpublished()).toBe(2);
    await first.stop(); // the service restarts while the log is still down

    const during = await createWidget(dataSource);
    const restartedLog = new PostgresEventLog({ connectionString: logUrl, logger });
    closers.push(() => restartedLog.close());
    const second = relay(restartedLog, { pollIntervalMs: 50, logger });
    await waitFor(() => warnings.filter((w) => w.includes('publishing failed')).length >= 4, 10_000, { description: 'more failed attempts' });
    expect(await unpublished()).toBe(3);

    // The log comes back on the same address; the running relay finds it on its next attempt.
    const server = await startPGliteServer({ port, maxConnections: 8 });
    closers.push(() => server.stop());
    await waitFor(async () => (await unpublished()) === 0, 20_000);
    second.kick();

    const reader = new PostgresEventLog({ connectionString: logUrl, logger, pollIntervalMs: 20 });
    closers.push(() => reader.close());
    const seen = collector();
    const subscription = await reader.subscribe('audit', seen.handler, { fromBeginning: true });
    closers.push(() => subscription.stop());
    await seen.waitForCount(3, 10_000);
    expect(seen.events.map((e) => e.id)).toEqual([...before, during]);
  });
});
