import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '@cairn/testing';
import { appendToOutbox, EVENTS_ENTITIES, idempotentHandler, markProcessed, OutboxEntry, OutboxRelay, PostgresEventLog } from '../src';
import { collector, openDataSource, quietLogger, repositoryCreated, Widget } from './support';

describe('outbox (real PostgreSQL)', () => {
  let dataSource: DataSource;
  let logUrl: string;

  beforeAll(async () => {
    dataSource = await openDataSource(await createTestDatabase('outbox'), [Widget, ...EVENTS_ENTITIES]);
    logUrl = await createTestDatabase('outbox_log');
  });
  afterAll(() => dataSource?.destroy());

  const payload = (repositoryId: string) => ({
    repositoryId,
    repositoryName: 'demo',
    accountId: '123456789012',
    arn: 'arn:aws:codecommit:us-east-1:123456789012:demo',
    actorArn: 'arn:aws:iam::123456789012:user/admin',
  });

  it('commits a change and its outbox row together', async () => {
    const id = randomUUID();
    const envelope = await dataSource.transaction(async (manager) => {
      await manager.insert(Widget, { id, name: 'demo' });
      return appendToOutbox(manager, 'repo-metadata', 'repository.created', payload(id));
    });
    expect(await dataSource.getRepository(Widget).findOneBy({ id })).toEqual({ id, name: 'demo' });
    const row = await dataSource.getRepository(OutboxEntry).findOneByOrFail({ eventId: envelope.id });
    expect(row).toMatchObject({ type: 'repository.created', source: 'repo-metadata', payload: payload(id), publishedAt: null });
    expect(row.occurredAt.toISOString()).toBe(envelope.occurredAt);
  });

  it('leaves no outbox row when the transaction rolls back, so the relay publishes nothing for it', async () => {
    const id = randomUUID();
    await expect(
      dataSource.transaction(async (manager) => {
        await appendToOutbox(manager, 'repo-metadata', 'repository.created', payload(id));
        await manager.insert(Widget, { id, name: 'demo' });
        await manager.insert(Widget, { id, name: 'duplicate' }); // primary key violation: the change fails
      }),
    ).rejects.toThrow();
    const outbox = dataSource.getRepository(OutboxEntry);
    const rows = await dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'repositoryId' = $1`, [id]);
    expect(rows).toEqual([{ n: 0 }]);

    const log = new PostgresEventLog({ connectionString: logUrl, logger: quietLogger().logger });
    const relay = new OutboxRelay({ dataSource, eventLog: log, logger: quietLogger().logger });
    try {
      await relay.publishPending();
      const seen = collector();
      const subscription = await log.subscribe('rollback-check', seen.handler, { fromBeginning: true });
      // Everything that did commit arrives; the rolled-back event never does.
      const committed = await outbox.count();
      await seen.waitForCount(committed);
      await subscription.stop();
      expect(seen.events.map((e) => (e.payload as { repositoryId: string }).repositoryId)).not.toContain(id);
    } finally {
      await log.close();
    }
  });

  it('refuses to write an event outside a transaction', async () => {
    await expect(appendToOutbox(dataSource.manager, 'repo-metadata', 'repository.created', payload(randomUUID()))).rejects.toThrow(
      /transaction that makes the change/,
    );
  });

  it('detects a duplicate delivery by event id and applies it once', async () => {
    const event = repositoryCreated();
    const applied: string[] = [];
    const handler = idempotentHandler(dataSource, 'widget-projector', async (e, manager) => {
      applied.push(e.id);
      await manager.insert(Widget, { id: randomUUID(), name: e.id });
    });
    await handler(event);
    await handler(event); // at-least-once delivery hands the same event over again
    expect(applied).toEqual([event.id]);
    expect(await dataSource.getRepository(Widget).countBy({ name: event.id })).toBe(1);

    // Each consumer keeps its own record: another consumer still handles the event.
    const first = await dataSource.transaction((m) => markProcessed(m, 'another-consumer', event.id));
    const again = await dataSource.transaction((m) => markProcessed(m, 'another-consumer', event.id));
    expect([first, again]).toEqual([true, false]);
  });

  it('rolls back the processed mark when the handler fails, so the redelivery is applied', async () => {
    const event = repositoryCreated();
    let calls = 0;
    const handler = idempotentHandler(dataSource, 'flaky-projector', async (e, manager) => {
      calls++;
      await manager.insert(Widget, { id: randomUUID(), name: e.id });
      if (calls === 1) throw new Error('crash while applying');
    });
    await expect(handler(event)).rejects.toThrow('crash while applying');
    await handler(event);
    expect(calls).toBe(2);
    expect(await dataSource.getRepository(Widget).countBy({ name: event.id })).toBe(1);
  });
});
