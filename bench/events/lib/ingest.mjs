// The audit service's ingestion path, in a process of its own, wired as services/audit's AuditModule
// wires it: a DataSource from libs/runtime's openDatabase with AUDIT_ENTITIES, prepareAuditSchema,
// AuditRepository, the event log from createEventLog(url, { clientId: 'audit' }), and the real
// AuditIngestConsumer (services/audit/dist) subscribed through onApplicationBootstrap() — which
// takes batches (EventLog.subscribeBatches) and stores each with AuditRepository.appendMany.
//
// Instrumentation only: AuditRepository.appendMany is wrapped (on the instance) to note when each
// entry's append transaction committed (keyed by the event's id, the entry's fallback.eventId),
// how many entries each call carried and how long it took. The chain, the SQL and the consumer
// are the product's.
//
// Also the consumer halves of the baselines (raw kafkajs, KafkaEventLog with a no-op handler), the
// store alone (AuditRepository.append one record at a time, and appendMany in batches, without
// Kafka), and ChainVerifier over what was stored.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { Stamps, serveWorker, wallNow } from './worker.mjs';
import { sampleRecord } from './records.mjs';

const require = createRequire(import.meta.url);
const { createEventLog } = require('@cairn/events');
const { openDatabase } = require('@cairn/runtime');
const { AuditIngestConsumer } = require('@cairn/audit/dist/ingest/audit-ingest.consumer.js');
const { AuditRepository, prepareAuditSchema } = require('@cairn/audit/dist/chain/audit.repository.js');
const { AUDIT_ENTITIES } = require('@cairn/audit/dist/chain/audit-record.entity.js');
const { ChainVerifier } = require('@cairn/audit/dist/chain/chain-verifier.js');
const { Kafka, logLevel } = require('kafkajs');

const stored = new Stamps();
let storedTotal = 0;
let duplicates = 0;
/** The pipeline's appendMany calls: how many, entries in all, the largest, and time spent inside them. */
const calls = { n: 0, entries: 0, max: 0, ms: 0 };
let pipeline; // { db, repo, eventLog, consumer }
const stores = new Map(); // databaseUrl → { db, repo } for the store-alone runs
const raw = { count: 0, first: undefined, last: undefined };
const viaLog = { count: 0, first: undefined, last: undefined };
let rawConsumer;
let logConsumer;

async function openStore(databaseUrl) {
  const db = await openDatabase(databaseUrl, AUDIT_ENTITIES);
  await prepareAuditSchema(db);
  return { db, repo: new AuditRepository(db) };
}

async function storeFor(databaseUrl) {
  if (!stores.has(databaseUrl)) stores.set(databaseUrl, await openStore(databaseUrl));
  return stores.get(databaseUrl);
}

const tick = (state) => {
  state.count++;
  state.last = wallNow();
  state.first ??= state.last;
};

async function closePipeline() {
  if (!pipeline) return;
  const p = pipeline;
  pipeline = undefined;
  await p.consumer?.onApplicationShutdown();
  await p.eventLog?.close();
  await p.db.destroy();
  stored.take();
  storedTotal = 0;
  duplicates = 0;
  Object.assign(calls, { n: 0, entries: 0, max: 0, ms: 0 });
}

serveWorker(
  {
    async open({ databaseUrl, eventLogUrl }) {
      await closePipeline();
      const { db, repo } = await openStore(databaseUrl);
      // AuditIngestConsumer.handle calls this.repository.appendMany (and append calls it too).
      const appendMany = repo.appendMany.bind(repo);
      repo.appendMany = async (entries) => {
        const started = wallNow();
        const sequences = await appendMany(entries);
        const t = wallNow();
        calls.n++;
        calls.entries += entries.length;
        calls.max = Math.max(calls.max, entries.length);
        calls.ms += t - started;
        for (let i = 0; i < entries.length; i++) {
          if (sequences[i] === undefined) duplicates++;
          else {
            stored.add(entries[i].fallback.eventId, t);
            storedTotal++;
          }
        }
        return sequences;
      };
      const eventLog = createEventLog(eventLogUrl, { clientId: 'audit' });
      const consumer = new AuditIngestConsumer(eventLog, repo);
      await consumer.onApplicationBootstrap();
      pipeline = { db, repo, eventLog, consumer };
      return { poolSize: db.options.extra?.max };
    },

    close: closePipeline,

    count() {
      return { stored: storedTotal, duplicates };
    },

    /** The appendMany calls since the last take: { n, entries, max, ms } (ms: time inside them). */
    takeCalls() {
      const c = { ...calls };
      Object.assign(calls, { n: 0, entries: 0, max: 0, ms: 0 });
      return c;
    },

    stamps() {
      return stored.take();
    },

    async verify({ databaseUrl }) {
      const repo = databaseUrl ? (await storeFor(databaseUrl)).repo : pipeline.repo;
      const started = wallNow();
      const result = await new ChainVerifier(repo).verify();
      return { ...result, ms: wallNow() - started };
    },

    /** The store alone: AuditRepository.append, `concurrency` callers at once, no Kafka. */
    async appendOnly({ databaseUrl, count, concurrency = 1, warmup = 50 }) {
      const { repo } = await storeFor(databaseUrl);
      const records = Array.from({ length: count + warmup }, (_, i) => sampleRecord(i).record);
      for (let i = 0; i < warmup; i++) await repo.append(records[i], { eventId: randomUUID(), eventTime: new Date() });
      let next = warmup;
      const startedAt = wallNow();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < records.length) {
            const record = records[next++];
            await repo.append(record, { eventId: randomUUID(), eventTime: new Date() });
          }
        }),
      );
      return { startedAt, endedAt: wallNow(), appended: count, concurrency };
    },

    /** The store alone: AuditRepository.appendMany (the product's batched append), `batch` entries a call, one caller, no Kafka. */
    async appendManyOnly({ databaseUrl, count, batch }) {
      const { repo } = await storeFor(databaseUrl);
      const entries = Array.from({ length: count + batch }, (_, i) => ({ record: sampleRecord(i).record, fallback: { eventId: randomUUID(), eventTime: new Date() } }));
      await repo.appendMany(entries.slice(0, batch)); // warm-up
      const durations = [];
      const startedAt = wallNow();
      for (let i = batch; i < entries.length; i += batch) {
        const t = wallNow();
        await repo.appendMany(entries.slice(i, i + batch));
        durations.push(wallNow() - t);
      }
      return { startedAt, endedAt: wallNow(), appended: count, batch, callMs: durations };
    },

    /** Baseline consumer: kafkajs alone, the event log's fetch settings, no per-message commit, no database. */
    async rawConsumeStart({ brokers, topic }) {
      const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.WARN });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: -1 }] });
      await admin.disconnect();
      rawConsumer = kafka.consumer({ groupId: `raw-${topic}`, maxWaitTimeInMs: 500 });
      const joined = new Promise((resolve) => {
        const remove = rawConsumer.on(rawConsumer.events.GROUP_JOIN, () => {
          remove();
          resolve();
        });
      });
      await rawConsumer.connect();
      await rawConsumer.subscribe({ topics: [topic], fromBeginning: true });
      await rawConsumer.run({
        eachMessage: async ({ message }) => {
          JSON.parse(message.value.toString());
          tick(raw);
        },
      });
      await joined;
    },
    rawStatus: () => ({ ...raw }),
    async rawStop() {
      await rawConsumer?.disconnect();
    },

    /**
     * What one offset commit costs on this broker: `n` sequential commitOffsets of one partition
     * by a joined consumer, as KafkaSubscription makes after every message. Each commit is a new
     * offset (the consumer's position as it would advance).
     */
    async commitLatency({ brokers, topic, n }) {
      const kafka = new Kafka({ clientId: 'bench-commit', brokers, logLevel: logLevel.WARN });
      const consumer = kafka.consumer({ groupId: `commit-probe-${topic}`, maxWaitTimeInMs: 500 });
      const joined = new Promise((resolve) => {
        const remove = consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
          remove();
          resolve(payload.memberAssignment[topic] ?? []);
        });
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      // Joins the group and then fetches nothing new (no messages after this point).
      await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
      const [partition] = await joined;
      const times = [];
      for (let i = 1; i <= n; i++) {
        const t = wallNow();
        await consumer.commitOffsets([{ topic, partition, offset: String(i) }]);
        times.push(wallNow() - t);
      }
      await consumer.disconnect();
      return times;
    },

    /** Baseline consumer: libs/events' KafkaEventLog.subscribe with a handler that does nothing (per-message offset commits, no database). */
    async logSubscribe({ eventLogUrl, group }) {
      const log = createEventLog(eventLogUrl, { clientId: 'bench-log-consumer' });
      const subscription = await log.subscribe(group, async () => tick(viaLog), { fromBeginning: true });
      logConsumer = { log, subscription };
    },
    logStatus: () => ({ ...viaLog }),
    async logStop() {
      await logConsumer?.subscription.stop();
      await logConsumer?.log.close();
    },
  },
  async () => {
    await closePipeline();
    for (const { db } of stores.values()) await db.destroy();
  },
);
