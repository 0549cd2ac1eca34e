// Kill the relay, a consumer or the Kafka broker mid-stream: after recovery every committed change
// is delivered, none twice to a consumer's store. Real PostgreSQL, real Kafka brokers, real
// processes killed with SIGKILL; nothing is mocked.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { IsNull, type DataSource } from 'typeorm';
import { createTestDatabase, delay, makeTempDir, startKafka, testKafkaBrokers, type KafkaServer } from '@cairn/testing';
import { INBOX_ENTITIES, KafkaEventLog, OUTBOX_ENTITIES, OutboxEntry, OutboxRelay, type Subscription } from '../src';
import { commitChange, SERVICE_DDL, STORE_DDL, storeHandler } from './fixtures/kill-store';
import type { WorkerConfig } from './fixtures/kill-worker';
import { openDataSource, quietLogger } from './support';

const ROOT = resolve(__dirname, '../../..');
const REGISTER = join(__dirname, 'fixtures/register.cjs');
const WORKER = join(__dirname, 'fixtures/kill-worker.ts');

/** A relay or consumer in a child process (fixtures/kill-worker.ts), to be SIGKILLed. */
class Worker {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private readonly exit: Promise<void>;

  constructor(
    readonly name: string,
    config: WorkerConfig,
    private readonly logFile: string,
  ) {
    const fd = openSync(logFile, 'a');
    this.child = spawn(process.execPath, ['-r', REGISTER, WORKER], {
      cwd: ROOT,
      env: { ...process.env, CAIRN_KILL_WORKER: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', fd],
    });
    closeSync(fd);
    this.exit = new Promise((resolveExit) => this.child.once('exit', () => resolveExit()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.lines.push(line));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first line that matches, waiting for it at most `timeoutMs`; fails at once if the worker died. */
  async line(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const line of this.lines) {
        const match = pattern.exec(line);
        if (match) return match;
      }
      if (!this.running) throw new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before printing ${pattern}:\n${this.log()}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.log()}`);
      await delay(20);
    }
  }

  /** The highest `<word> <n>` count printed so far. */
  count(word: string): number {
    let n = 0;
    for (const line of this.lines) if (line.startsWith(`${word} `)) n = Math.max(n, Number(line.slice(word.length + 1)) || 0);
    return n;
  }

  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exit;
  }

  private log(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  }
}

/** Polls `check` every 50 ms for at most `timeoutMs`; the message names what did not happen. */
async function until(description: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await delay(50);
  }
}

/** `count` changes over `repositories` repositories, round robin, each repository's numbered 0, 1, … */
function plan(repositories: number, count: number): { repositoryId: string; n: number }[] {
  const ids = Array.from({ length: repositories }, () => randomUUID());
  return Array.from({ length: count }, (_, i) => ({ repositoryId: ids[i % repositories], n: Math.floor(i / repositories) }));
}

describe('kill recovery: relay, consumer and broker killed mid-stream (real PostgreSQL, real Kafka)', () => {
  const workers: Worker[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  let logDir: string;

  beforeAll(() => {
    logDir = makeTempDir('cairn-kill-');
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.kill();
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  function worker(name: string, config: WorkerConfig): Worker {
    const w = new Worker(name, config, join(logDir, `${name}-${randomUUID().slice(0, 8)}.log`));
    workers.push(w);
    return w;
  }

  /** A producing service's database (outbox included) and a consumer's (inbox and store). */
  async function databases(name: string): Promise<{ service: DataSource; serviceUrl: string; store: DataSource; storeUrl: string }> {
    const serviceUrl = await createTestDatabase(`kill_${name}_service`);
    const storeUrl = await createTestDatabase(`kill_${name}_store`);
    const service = await openDataSource(serviceUrl, OUTBOX_ENTITIES);
    closers.push(() => service.destroy());
    await service.query(SERVICE_DDL);
    const store = await openDataSource(storeUrl, INBOX_ENTITIES);
    closers.push(() => store.destroy());
    await store.query(STORE_DDL);
    return { service, serviceUrl, store, storeUrl };
  }

  function kafkaLog(brokers: string[], topic: string): KafkaEventLog {
    const log = new KafkaEventLog({ brokers, topic, numPartitions: 3, logger: quietLogger().logger, backoff: { initialMs: 50, maxMs: 500 } });
    closers.push(() => log.close());
    return log;
  }

  async function subscribe(log: KafkaEventLog, group: string, store: DataSource, consumer: string, afterDelivery?: Parameters<typeof storeHandler>[2]): Promise<Subscription> {
    const subscription = await log.subscribe(group, storeHandler(store, consumer, afterDelivery), { fromBeginning: true });
    closers.push(() => subscription.stop());
    return subscription;
  }

  function inProcessRelay(service: DataSource, log: KafkaEventLog): OutboxRelay {
    const relay = new OutboxRelay({ dataSource: service, eventLog: log, logger: quietLogger().logger, pollIntervalMs: 20, batchSize: 20, backoff: { initialMs: 50, maxMs: 500 } }).start();
    closers.push(() => relay.stop());
    return relay;
  }

  /** Commits the planned changes one transaction at a time, `perTick` every `tickMs`; `committed` counts them. */
  function produce(service: DataSource, changes: { repositoryId: string; n: number }[], perTick: number, tickMs: number) {
    const state = { committed: 0, done: undefined as unknown as Promise<void> };
    state.done = (async () => {
      for (const { repositoryId, n } of changes) {
        await commitChange(service, repositoryId, n);
        state.committed += 1;
        if (state.committed % perTick === 0) await delay(tickMs);
      }
    })();
    state.done.catch(() => undefined); // a test that fails midway destroys the DataSource under it
    return state;
  }

  const storeCount = async (store: DataSource) => Number((await store.query('SELECT count(*) AS n FROM kill_store'))[0].n);
  /** For each delivery of the event, in order: whether it was applied (false: dropped by the inbox). */
  const deliveriesOf = async (store: DataSource, eventId: string) =>
    ((await store.query('SELECT applied FROM kill_deliveries WHERE event_id = $1 ORDER BY id', [eventId])) as { applied: boolean }[]).map((d) => d.applied);
  const unpublished = (service: DataSource) => service.getRepository(OutboxEntry).countBy({ publishedAt: IsNull() });

  /**
   * The store holds every committed change exactly once (the outbox's event ids, no more, no fewer)
   * and each repository's changes in the order they were committed. Returns how many deliveries the
   * inbox dropped as duplicates.
   */
  async function expectExactlyOnceInOrder(service: DataSource, store: DataSource, changes: { repositoryId: string; n: number }[]): Promise<number> {
    const committed = (await service.query('SELECT event_id FROM outbox')) as { event_id: string }[];
    const rows = (await store.query('SELECT event_id, repository_id, n FROM kill_store ORDER BY position')) as { event_id: string; repository_id: string; n: number }[];
    expect(committed).toHaveLength(changes.length);
    const twice = rows.filter((row, i) => rows.findIndex((r) => r.event_id === row.event_id) !== i);
    expect(twice).toEqual([]);
    expect(rows.map((r) => r.event_id).sort()).toEqual(committed.map((c) => c.event_id).sort());
    const byRepository = new Map<string, number[]>();
    for (const row of rows) byRepository.set(row.repository_id, [...(byRepository.get(row.repository_id) ?? []), row.n]);
    for (const repositoryId of new Set(changes.map((c) => c.repositoryId))) {
      const expected = changes.filter((c) => c.repositoryId === repositoryId).map((c) => c.n);
      expect({ repositoryId, order: byRepository.get(repositoryId) }).toEqual({ repositoryId, order: expected });
    }
    return Number((await store.query('SELECT count(*) AS n FROM kill_deliveries WHERE NOT applied'))[0].n);
  }

  it('relay killed mid-stream (twice): a new relay delivers every committed change once, in order per repository', async () => {
    const N = 500;
    const changes = plan(10, N);
    const { service, serviceUrl, store } = await databases('relay');
    const topic = `cairn-test-kill-relay-${randomUUID()}`;
    const brokers = testKafkaBrokers();
    await subscribe(kafkaLog(brokers, topic), `kill-relay-${randomUUID()}`, store, 'kill-relay');
    const relayConfig = { role: 'relay', databaseUrl: serviceUrl, brokers, topic, batchSize: 20 } as const;

    const first = worker('relay-1', relayConfig);
    await first.line(/^ready$/, 20_000);
    const producer = produce(service, changes, 5, 40);

    // 1. SIGKILL at whatever moment the relay is at, a third of the way through.
    await until('the first relay to publish 150 events', 30_000, () => first.count('published') >= 150);
    await first.kill();
    const committedAtFirstKill = producer.committed;

    // 2. A relay that dies right after Kafka took a batch and before it marked the rows published.
    const second = worker('relay-2', { ...relayConfig, holdAfter: 100 });
    const [, heldEventId] = await second.line(/^holding (\S+)$/, 30_000);
    await second.kill();
    const committedAtSecondKill = producer.committed;
    const heldRow = await service.getRepository(OutboxEntry).findOneByOrFail({ eventId: heldEventId });

    // 3. The relay that finishes the job.
    inProcessRelay(service, kafkaLog(brokers, topic));
    await producer.done;
    await until(`the store to hold ${N} changes`, 60_000, async () => (await unpublished(service)) === 0 && (await storeCount(store)) >= N);
    await delay(1_000); // room for a late duplicate to show

    expect(committedAtFirstKill).toBeLessThan(N); // both kills came while changes were still being committed
    expect(committedAtSecondKill).toBeLessThan(N);
    expect(heldRow.publishedAt).toBeNull(); // in Kafka, yet not marked published when the relay died
    const dropped = await expectExactlyOnceInOrder(service, store, changes);
    // The batch the second relay published but never marked was published again, and the inbox
    // dropped the copies: the dedupe was exercised, not avoided.
    expect(dropped).toBeGreaterThanOrEqual(1);
    expect(await deliveriesOf(store, heldEventId)).toEqual([true, false]);
  }, 120_000);

  it('consumer killed mid-stream: a new member of its group resumes, and the inbox drops the redelivery', async () => {
    const N = 400;
    const changes = plan(8, N);
    const { service, store, storeUrl } = await databases('consumer');
    const topic = `cairn-test-kill-consumer-${randomUUID()}`;
    const brokers = testKafkaBrokers();
    const group = `kill-consumer-${randomUUID()}`;
    const log = kafkaLog(brokers, topic);
    inProcessRelay(service, log);

    // The first member dies right after its store transaction for event 150 committed, before that
    // event's offset is committed: the worst moment, and a redelivery that must be dropped.
    const first = worker('consumer-1', { role: 'consumer', databaseUrl: storeUrl, brokers, topic, group, consumer: 'kill-consumer', holdAfter: 150 });
    await first.line(/^ready$/, 30_000);
    const producer = produce(service, changes, 5, 40);
    const [, heldEventId] = await first.line(/^holding (\S+)$/, 60_000);
    await first.kill();
    const committedAtKill = producer.committed;
    expect(await storeCount(store)).toBe(150);

    // A new member of the same group takes over once the coordinator gives up on the dead one
    // (its session timeout, 30 s by default).
    await subscribe(kafkaLog(brokers, topic), group, store, 'kill-consumer');
    await producer.done;
    await until(`the store to hold ${N} changes`, 90_000, async () => (await storeCount(store)) >= N);
    await delay(1_000);

    expect(committedAtKill).toBeLessThan(N);
    const dropped = await expectExactlyOnceInOrder(service, store, changes);
    expect(dropped).toBeGreaterThanOrEqual(1);
    expect(dropped).toBeLessThan(150); // the new member resumed at the committed offsets, not from the start
    expect(await deliveriesOf(store, heldEventId)).toEqual([true, false]); // applied by the dead member, dropped for the new one
  }, 150_000);

  describe('with a private broker', () => {
    let kafka: KafkaServer | undefined;
    afterAll(async () => {
      await kafka?.stop();
    });

    it('broker killed mid-stream and restarted on its data: every committed change arrives once, in order', async () => {
      const N = 300;
      const changes = plan(6, N);
      // A restarted broker registers again only once its killed incarnation's session expired.
      kafka = await startKafka({ config: { 'broker.session.timeout.ms': 3000, 'broker.heartbeat.interval.ms': 500 } });
      const { service, store } = await databases('broker');
      const topic = `cairn-test-kill-broker-${randomUUID()}`;
      const brokers = [kafka.brokers];
      // The broker dies while the consumer is in the middle of an event: its store transaction for
      // the 100th change committed, its offset not yet.
      let applied = 0;
      let killed: { eventId: string; done: Promise<void> } | undefined;
      await subscribe(kafkaLog(brokers, topic), `kill-broker-${randomUUID()}`, store, 'kill-broker', async (event, wasApplied) => {
        if (wasApplied && ++applied === N / 3) {
          killed = { eventId: event.id, done: kafka!.kill() };
          await killed.done;
        }
      });
      inProcessRelay(service, kafkaLog(brokers, topic));
      const producer = produce(service, changes, 5, 50);

      await until('the broker to be killed', 30_000, () => killed !== undefined);
      await killed!.done;
      const storedAtKill = await storeCount(store);
      // Down for longer than kafkajs retries a request (about 10 s): the consumer crashes and
      // restarts, the relay's publishes fail, and the rest of the changes are committed meanwhile.
      await delay(14_000);
      const waitingAtRestart = await unpublished(service);
      await kafka.restart();

      await producer.done;
      await until(`the store to hold ${N} changes`, 90_000, async () => (await unpublished(service)) === 0 && (await storeCount(store)) >= N);
      await delay(1_000);

      expect(storedAtKill).toBe(N / 3);
      expect(waitingAtRestart).toBeGreaterThan(0); // the outage held back committed changes
      await expectExactlyOnceInOrder(service, store, changes);
      // The offset commit of the event in flight outlasted its retries, so the event came again
      // after the restart, and the inbox dropped it.
      expect(await deliveriesOf(store, killed!.eventId)).toEqual([true, false]);
    }, 150_000);
  });
});
