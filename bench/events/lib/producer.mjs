// The producing service, in a process of its own: a DataSource with the outbox table (libs/events'
// OUTBOX_ENTITIES, opened with libs/runtime's openDatabase as every service opens its database),
// appendToOutbox inside the transactions it commits, and the real OutboxRelay publishing to the
// Kafka event log (createEventLog('kafka://…')), kicked after each commit as repo-metadata does.
//
// Instrumentation only, no behaviour change: the time each transaction committed, and the time
// each event's publish() to Kafka resolved (a wrapper around the EventLog handed to the relay).
//
// Also the producer halves of the baselines: raw kafkajs sends, and KafkaEventLog.publish alone.
import { createRequire } from 'node:module';
import { Stamps, serveWorker, wallNow } from './worker.mjs';
import { samplePayload, sampleEnvelope } from './records.mjs';

const require = createRequire(import.meta.url);
const { OUTBOX_ENTITIES, OutboxRelay, appendToOutbox, createEventLog } = require('@cairn/events');
const { openDatabase } = require('@cairn/runtime');
const { Kafka, logLevel, Partitioners } = require('kafkajs');

const SOURCE = 'bench-producer';
let db;
let eventLog;
let relay;
const commits = new Stamps();
const published = new Stamps();
let nextIndex = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One transaction of `n` events; returns the envelope ids once committed. */
async function commitEvents(n) {
  const ids = [];
  await db.transaction(async (manager) => {
    for (let k = 0; k < n; k++) {
      const envelope = await appendToOutbox(manager, SOURCE, 'audit.recorded', samplePayload(nextIndex++));
      ids.push(envelope.id);
    }
  });
  const t = wallNow();
  for (const id of ids) commits.add(id, t);
  relay.kick();
  return ids.length;
}

async function close() {
  await relay?.stop();
  await eventLog?.close();
  await db?.destroy();
  relay = eventLog = db = undefined;
  commits.take();
  published.take();
}

serveWorker(
  {
    async open({ databaseUrl, eventLogUrl }) {
      if (db) await close();
      db = await openDatabase(databaseUrl, OUTBOX_ENTITIES);
      eventLog = createEventLog(eventLogUrl, { clientId: SOURCE });
      const publish = eventLog.publish.bind(eventLog);
      eventLog.publish = async (events) => {
        await publish(events);
        const t = wallNow();
        for (const e of events) published.add(e.id, t);
      };
      relay = new OutboxRelay({ dataSource: db, eventLog }).start();
      return { poolSize: db.options.extra?.max };
    },

    close,

    /** `count` events in transactions of `txSize`, from `writers` concurrent writers, as fast as the database takes them. */
    async burst({ count, txSize, writers = 1 }) {
      const startedAt = wallNow();
      let claimed = 0;
      let committed = 0;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (claimed < count) {
            const n = Math.min(txSize, count - claimed);
            claimed += n;
            const done = await commitEvents(n); // (not `committed += await …`: that reads `committed` before the await)
            committed += done;
          }
        }),
      );
      return { startedAt, endedAt: wallNow(), committed, writers };
    },

    /**
     * `rate` events per second for `seconds`: every tick, the events due by then are committed in
     * one transaction (at most `maxTx`), so the long-run rate holds even when a commit is slow.
     */
    async steady({ rate, seconds, tickMs = 10, maxTx = 100 }) {
      const total = Math.round(rate * seconds);
      const startedAt = wallNow();
      let committed = 0;
      let transactions = 0;
      let maxBehind = 0;
      while (committed < total) {
        const due = Math.min(total, Math.floor((rate * (wallNow() - startedAt)) / 1000)) - committed;
        if (due <= 0) {
          await sleep(tickMs);
          continue;
        }
        maxBehind = Math.max(maxBehind, due);
        const done = await commitEvents(Math.min(due, maxTx));
        committed += done;
        transactions++;
      }
      return { startedAt, endedAt: wallNow(), committed, transactions, maxBehind };
    },

    async unpublished() {
      const [row] = await db.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
      return row.n;
    },

    stamps() {
      return { commits: commits.take(), published: published.take() };
    },

    /** Baseline: kafkajs alone, the relay's producer settings (acks all, one request in flight), the same messages. */
    async rawProduce({ brokers, topic, count, batch, warmup = 0 }) {
      const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.WARN });
      const producer = kafka.producer({ maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        // Build first: this measures the transport, not record generation.
        const envelopes = Array.from({ length: warmup + count }, (_, i) => sampleEnvelope(i));
        const send = (from, to) =>
          producer.send({
            topic,
            acks: -1,
            messages: envelopes.slice(from, to).map((e) => ({
              key: e.payload.repositoryId ?? e.id,
              value: JSON.stringify(e),
              headers: { 'cairn-event-id': e.id, 'cairn-event-type': e.type },
            })),
          });
        for (let i = 0; i < warmup; i += batch) await send(i, Math.min(warmup, i + batch));
        const startedAt = wallNow();
        for (let i = warmup; i < warmup + count; i += batch) await send(i, i + batch);
        return { startedAt, endedAt: wallNow(), sent: count, bytesPerMessage: Buffer.byteLength(JSON.stringify(envelopes[0])) };
      } finally {
        await producer.disconnect();
      }
    },

    /** Baseline: libs/events' KafkaEventLog.publish alone (no database), batches of `batch` as the relay sends them. */
    async logPublish({ eventLogUrl, count, batch }) {
      const log = createEventLog(eventLogUrl, { clientId: 'bench-log' });
      try {
        const envelopes = Array.from({ length: count }, (_, i) => sampleEnvelope(i));
        await log.publish(envelopes.slice(0, 1)); // topic and producer ready before the clock starts
        const startedAt = wallNow();
        for (let i = 1; i < count; i += batch) await log.publish(envelopes.slice(i, i + batch));
        return { startedAt, endedAt: wallNow(), sent: count };
      } finally {
        await log.close();
      }
    },
  },
  close,
);
