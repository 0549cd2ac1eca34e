// The audit service's ingestion path, in a process of its own, wired as services/audit's AuditModule
// wires it: a DataSource from libs/runtime's openDatabase with AUDIT_ENTITIES, prepareAuditSchema,
// AuditRepository, the event log from createEventLog(url, { clientId: 'audit' }), and the real
// AuditIngestConsumer (services/audit/dist) subscribed through onApplicationBootstrap().
//
// Instrumentation only: AuditRepository.append is wrapped (on the instance) to note when each
// event's append transaction committed. The chain, the SQL and the consumer are the product's.
//
// Also the consumer halves of the baselines (raw kafkajs, KafkaEventLog with a no-op handler), the
// store alone (AuditRepository.append without Kafka), a bench-side prototype of batched appends,
// and ChainVerifier over what was stored.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { Stamps, serveWorker, wallNow } from './worker.mjs';
import { sampleRecord } from './records.mjs';

const require = createRequire(import.meta.url);
const { createEventLog, parseEnvelope } = require('@cairn/events');
const { openDatabase } = require('@cairn/runtime');
const { AuditIngestConsumer } = require('@cairn/audit/dist/ingest/audit-ingest.consumer.js');
const { AuditRepository, prepareAuditSchema, chainHash } = require('@cairn/audit/dist/chain/audit.repository.js');
const { AUDIT_ENTITIES } = require('@cairn/audit/dist/chain/audit-record.entity.js');
const { ChainVerifier } = require('@cairn/audit/dist/chain/chain-verifier.js');
const { canonicalJson } = require('@cairn/audit/dist/chain/canonical-json.js');
const { recordFields } = require('@cairn/audit/dist/chain/record-fields.js');
const { Kafka, logLevel } = require('kafkajs');

const stored = new Stamps();
let storedTotal = 0;
let duplicates = 0;
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

/**
 * Bench-side prototype, NOT product code: what AuditRepository.append does for one record, done for
 * a batch in one transaction (one chain lock, one multi-row INSERT, one head update). Same columns,
 * same canonical JSON and chain hash; duplicates are skipped before sequence numbers are given out.
 */
async function appendBatchPrototype(db, records) {
  return db.transaction(async (m) => {
    const [head] = await m.query('SELECT head_sequence, head_hash FROM audit_chain WHERE id = 1 FOR UPDATE');
    const ids = records.map((r) => r.eventID);
    const seen = new Set((await m.query('SELECT event_id FROM audit_records WHERE event_id = ANY($1)', [ids])).map((r) => r.event_id));
    let sequence = Number(head.head_sequence);
    let hash = head.head_hash;
    const params = [];
    const rows = [];
    for (const record of records) {
      if (seen.has(record.eventID)) continue;
      seen.add(record.eventID);
      const json = canonicalJson(record);
      const f = recordFields(record);
      sequence++;
      const prev = hash;
      hash = chainHash(prev, json, sequence);
      const base = params.length;
      params.push(sequence, f.eventId, new Date(f.eventTime.getTime()), f.eventName, f.eventSource, f.username, f.principalArn, f.accessKeyId, f.readOnly, f.resourceTypes, f.resourceNames, json, prev, hash);
      rows.push(`(${Array.from({ length: 14 }, (_, k) => `$${base + k + 1}`).join(', ')})`);
    }
    if (rows.length === 0) return 0;
    await m.query(
      `INSERT INTO audit_records (sequence, event_id, event_time, event_name, event_source, username, principal_arn, access_key_id,
         read_only, resource_types, resource_names, record, prev_hash, hash) VALUES ${rows.join(', ')}`,
      params,
    );
    await m.query('UPDATE audit_chain SET head_sequence = $1, head_hash = $2 WHERE id = 1', [sequence, hash]);
    return rows.length;
  });
}

async function closePipeline() {
  if (!pipeline) return;
  const p = pipeline;
  pipeline = undefined;
  await p.consumer?.onApplicationShutdown();
  await p.eventLog?.close();
  await p.prototype?.disconnect();
  await p.db.destroy();
  stored.take();
  storedTotal = 0;
  duplicates = 0;
}

/**
 * Bench-side prototype, NOT product code: the ingestion the goal would need. kafkajs eachBatch;
 * each partition's batch appended with appendBatchPrototype (chunks of 500) in one transaction,
 * then ONE offset commit for the batch (after the append: still at least once).
 */
async function openPrototype({ databaseUrl, brokers, topic }) {
  const { db, repo } = await openStore(databaseUrl);
  const kafka = new Kafka({ clientId: 'audit-prototype', brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: -1 }] });
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: 'audit.store.prototype', maxWaitTimeInMs: 500 });
  const joined = new Promise((resolve) => {
    const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
      remove();
      resolve();
    });
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      const events = [];
      for (const m of batch.messages) {
        try {
          const e = parseEnvelope(m.value);
          if (e.type === 'audit.recorded' && typeof e.payload.record === 'object' && e.payload.record !== null) events.push(e);
        } catch {
          /* not an event: skipped, as the product skips it */
        }
      }
      for (let i = 0; i < events.length; i += 500) {
        const chunk = events.slice(i, i + 500);
        const n = await appendBatchPrototype(db, chunk.map((e) => e.payload.record));
        const t = wallNow();
        for (const e of chunk) stored.add(e.id, t);
        storedTotal += n;
        duplicates += chunk.length - n;
      }
      const last = batch.messages[batch.messages.length - 1].offset;
      resolveOffset(last);
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
      await heartbeat();
    },
  });
  await joined;
  pipeline = { db, repo, prototype: consumer };
}

serveWorker(
  {
    async open({ databaseUrl, eventLogUrl, prototype, brokers, topic }) {
      await closePipeline();
      if (prototype) {
        await openPrototype({ databaseUrl, brokers, topic });
        return { poolSize: pipeline.db.options.extra?.max, prototype: true };
      }
      const { db, repo } = await openStore(databaseUrl);
      const append = repo.append.bind(repo);
      repo.append = async (record, fallback) => {
        const sequence = await append(record, fallback);
        if (sequence === undefined) duplicates++;
        else {
          stored.add(fallback.eventId, wallNow());
          storedTotal++;
        }
        return sequence;
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

    /** The bench-side prototype of batched appends (see appendBatchPrototype). */
    async appendBatched({ databaseUrl, count, batch }) {
      const { db } = await storeFor(databaseUrl);
      const records = Array.from({ length: count }, (_, i) => sampleRecord(i).record);
      await appendBatchPrototype(db, records.splice(0, batch)); // warm-up
      const startedAt = wallNow();
      for (let i = 0; i < records.length; i += batch) await appendBatchPrototype(db, records.slice(i, i + batch));
      return { startedAt, endedAt: wallNow(), appended: records.length, batch };
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
