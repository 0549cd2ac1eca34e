import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { startPGliteServer, waitFor, type PGliteServer } from '@cairn/testing';
import { appendToOutbox, EVENTS_ENTITIES, idempotentHandler, OutboxRelay, PostgresEventLog } from '../src';
import { collector, openDataSource, quietLogger, referencesUpdated, Widget } from './support';

// All-in-one mode: each service's database and the event log are PGlite instances served over the
// Postgres wire protocol by pglite-socket (with maxConnections above the pools' size).
describe('the Postgres event log and the outbox on PGlite (pglite-socket)', () => {
  let logServer: PGliteServer;
  let serviceServer: PGliteServer;
  let service: DataSource;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    [logServer, serviceServer] = await Promise.all([startPGliteServer({ maxConnections: 8 }), startPGliteServer({ maxConnections: 8 })]);
    // One connection: a service's PGlite has no other client, and TypeORM's transactions and
    // parameterized queries must not interleave on pglite-socket (see PostgresEventLog).
    service = await openDataSource(serviceServer.url, [Widget, ...EVENTS_ENTITIES], 1);
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await service?.destroy();
    await Promise.all([logServer?.stop(), serviceServer?.stop()]);
  });

  const openLog = () => {
    const log = new PostgresEventLog({ connectionString: logServer.url, pollIntervalMs: 20, maxConnections: 4, logger: quietLogger().logger });
    closers.push(() => log.close());
    return log;
  };

  it('relays committed changes from a PGlite service database to a PGlite log, and resumes a group', async () => {
    const log = openLog();
    const relay = new OutboxRelay({ dataSource: service, eventLog: log, pollIntervalMs: 50, logger: quietLogger().logger }).start();
    closers.push(() => relay.stop());

    const repo = randomUUID();
    const commit = (n: number) =>
      service.transaction(async (manager) => {
        await manager.insert(Widget, { id: randomUUID(), name: `push ${n}` });
        const e = await appendToOutbox(manager, 'git-protocol', 'references.updated', referencesUpdated(repo, n).payload);
        return e.id;
      });
    const first = [await commit(1), await commit(2)];
    relay.kick();

    const a = collector();
    let subscription = await openLog().subscribe('metrics', a.handler, { fromBeginning: true });
    await a.waitForCount(2);
    await subscription.stop();
    expect(a.events.map((e) => e.id)).toEqual(first);

    // a rolled-back change publishes nothing
    await expect(
      service.transaction(async (manager) => {
        await appendToOutbox(manager, 'git-protocol', 'references.updated', referencesUpdated(repo, 99).payload);
        throw new Error('push rejected');
      }),
    ).rejects.toThrow('push rejected');

    const second = [await commit(3)];
    relay.kick();
    const b = collector();
    subscription = await openLog().subscribe('metrics', b.handler, { fromBeginning: true });
    await b.waitForCount(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await subscription.stop();
    expect(b.events.map((e) => e.id)).toEqual(second);
  });

  it('serves concurrent publishers and an idempotent consumer through one socket server', async () => {
    const logs = [openLog(), openLog(), openLog()];
    const repo = randomUUID();
    const applied: string[] = [];
    const consumer = idempotentHandler(service, 'pglite-projector', async (event) => {
      applied.push(event.id);
    });
    const subscription = await openLog().subscribe('projector', consumer);
    closers.push(() => subscription.stop());
    const sent = (
      await Promise.all(
        logs.map(async (log, i) => {
          const events = Array.from({ length: 10 }, (_, n) => referencesUpdated(repo, i * 100 + n));
          for (const e of events) await log.publish([e]);
          await log.publish(events.slice(0, 3)); // a relay retrying after a crash: duplicates
          return events;
        }),
      )
    ).flat();
    await waitFor(() => applied.length >= 30, 20_000, { description: '30 applied events' });
    await subscription.stop();
    expect(new Set(applied)).toEqual(new Set(sent.map((e) => e.id)));
    expect(applied).toHaveLength(30);
  });
});
