// The producing service, in a process of its own: a DataSource with the outbox table (libs/events'
// OUTBOX_ENTITIES, opened with libs/runtime's openDatabase as every service opens its database),
// events written into the outbox inside the transactions it commits, and the real OutboxRelay
// publishing to the Kafka event log (createEventLog('kafka://…')), kicked after each commit as
// repo-metadata does. The relay runs with its defaults (OutboxRelay's own batchSize, 500 since
// commit 4651ff8) unless the run passes `relayBatchSize`.
//
// Two producer styles, both product code: 'all' — appendAllToOutbox with the transaction's events
// in one call (one multi-row INSERT); 'each' — appendToOutbox once per event (one INSERT each).
//
// Instrumentation only, no behaviour change: the time each transaction committed, and the time
// each event's publish() to Kafka resolved (a wrapper around the EventLog handed to the relay), the
// time the relay spent in each part of its batches (its SELECT, publish() and UPDATE), and the
// produce requests KafkaEventLog made for those publishes (it splits a publish into requests of
// about 1 MiB; a wrapper on its kafkajs producer's send counts them and their bytes).
//
// Also the producer halves of the baselines: raw kafkajs sends, and KafkaEventLog.publish alone.
import { createRequire } from 'node:module';
import { Stamps, serveWorker, wallNow } from './worker.mjs';
import { samplePayload, sampleEnvelope } from './records.mjs';

const require = createRequire(import.meta.url);
const { OUTBOX_ENTITIES, OutboxRelay, appendAllToOutbox, appendToOutbox, createEventLog } = require('@cairn/events');
const { openDatabase } = require('@cairn/runtime');
const { ConfigResourceTypes, Kafka, logLevel, Partitioners } = require('kafkajs');

const SOURCE = 'bench-producer';
let db;
let eventLog;
let relay;
const commits = new Stamps();
const published = new Stamps();
/**
 * The relay's work: its SELECT of unpublished rows, publish() to Kafka and UPDATE marking them, each
 * { n, ms } (publish also: events, and the produce requests KafkaEventLog sent for them and their value bytes).
 */
const freshRelayCalls = () => ({ select: { n: 0, ms: 0 }, publish: { n: 0, events: 0, ms: 0, requests: 0, bytes: 0 }, update: { n: 0, ms: 0 } });
let relayCalls = freshRelayCalls();
let nextIndex = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const STYLES = ['all', 'each'];

/**
 * One transaction of `n` events; returns how many committed. `style` 'all': one appendAllToOutbox
 * call with the n events; 'each': appendToOutbox per event.
 */
async function commitEvents(n, style) {
  let ids;
  await db.transaction(async (manager) => {
    if (style === 'all') {
      const events = Array.from({ length: n }, () => ({ type: 'audit.recorded', payload: samplePayload(nextIndex++) }));
      ids = (await appendAllToOutbox(manager, SOURCE, events)).map((e) => e.id);
    } else {
      ids = [];
      for (let k = 0; k < n; k++) {
        const envelope = await appendToOutbox(manager, SOURCE, 'audit.recorded', samplePayload(nextIndex++));
        ids.push(envelope.id);
      }
    }
  });
  const t = wallNow();
  for (const id of ids) commits.add(id, t);
  relay.kick();
  return ids.length;
}

/**
 * Counts the produce requests of a createEventLog('kafka://…') log (a MeasuredEventLog around a
 * KafkaEventLog): wraps the send of the kafkajs producer its private producer() hands out.
 */
function countRequests(log) {
  const kafkaLog = log.inner ?? log;
  if (typeof kafkaLog.producer !== 'function') return;
  const producerOf = kafkaLog.producer.bind(kafkaLog);
  const counted = new WeakSet();
  kafkaLog.producer = async () => {
    const producer = await producerOf();
    if (!counted.has(producer)) {
      counted.add(producer);
      const send = producer.send.bind(producer);
      producer.send = (request) => {
        relayCalls.publish.requests++;
        for (const m of request.messages) relayCalls.publish.bytes += Buffer.byteLength(m.value);
        return send(request);
      };
    }
    return producer;
  };
}

function checkStyle(style) {
  if (!STYLES.includes(style)) throw new Error(`unknown producer style ${style} (${STYLES.join(', ')})`);
  return style;
}

async function close() {
  await relay?.stop();
  await eventLog?.close();
  await db?.destroy();
  relay = eventLog = db = undefined;
  commits.take();
  published.take();
  relayCalls = freshRelayCalls();
}

serveWorker(
  {
    /** `relayBatchSize`: OutboxRelayOptions.batchSize (a configuration option; when absent, the relay's own default). */
    async open({ databaseUrl, eventLogUrl, relayBatchSize }) {
      if (db) await close();
      db = await openDatabase(databaseUrl, OUTBOX_ENTITIES);
      eventLog = createEventLog(eventLogUrl, { clientId: SOURCE });
      countRequests(eventLog);
      const publish = eventLog.publish.bind(eventLog);
      eventLog.publish = async (events) => {
        const started = wallNow();
        await publish(events);
        const t = wallNow();
        relayCalls.publish.n++;
        relayCalls.publish.events += events.length;
        relayCalls.publish.ms += t - started;
        for (const e of events) published.add(e.id, t);
      };
      relay = new OutboxRelay({ dataSource: db, eventLog, ...(relayBatchSize ? { batchSize: relayBatchSize } : {}) });
      // The relay's own outbox Repository (a private field): time its find (SELECT) and update (UPDATE … published_at).
      const timed = (name, key) => {
        const fn = relay.outbox[name].bind(relay.outbox);
        relay.outbox[name] = async (...a) => {
          const started = wallNow();
          try {
            return await fn(...a);
          } finally {
            relayCalls[key].n++;
            relayCalls[key].ms += wallNow() - started;
          }
        };
      };
      timed('find', 'select');
      timed('update', 'update');
      relay.start();
      return { poolSize: db.options.extra?.max, relayBatchSize: relay.batchSize };
    },

    /** OutboxRelay's defaults as built (read from an instance on a stub DataSource; it is never started). */
    relayDefaults() {
      const probe = new OutboxRelay({ dataSource: { getRepository: () => undefined }, eventLog: undefined });
      return { batchSize: probe.batchSize, pollIntervalMs: probe.pollIntervalMs };
    },

    /** The topic's settings on the broker, as KafkaEventLog created it. */
    async topicConfig({ brokers, topic }) {
      const admin = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.WARN }).admin();
      await admin.connect();
      try {
        const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }] });
        const [{ partitions }] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        const entry = resources[0]?.configEntries.find((c) => c.configName === 'max.message.bytes');
        return { maxMessageBytes: entry ? Number(entry.configValue) : undefined, partitions: partitions.length };
      } finally {
        await admin.disconnect();
      }
    },

    close,

    /** `count` events in transactions of `txSize`, from `writers` concurrent writers, as fast as the database takes them. */
    async burst({ count, txSize, writers = 1, style }) {
      checkStyle(style);
      const startedAt = wallNow();
      let claimed = 0;
      let committed = 0;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (claimed < count) {
            const n = Math.min(txSize, count - claimed);
            claimed += n;
            const done = await commitEvents(n, style); // (not `committed += await …`: that reads `committed` before the await)
            committed += done;
          }
        }),
      );
      return { startedAt, endedAt: wallNow(), committed, writers, style };
    },

    /**
     * `rate` events per second for `seconds`: every tick, the events due by then are committed in
     * one transaction (at most `maxTx`), so the long-run rate holds even when a commit is slow.
     */
    async steady({ rate, seconds, style, tickMs = 10, maxTx = 100 }) {
      checkStyle(style);
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
        const done = await commitEvents(Math.min(due, maxTx), style);
        committed += done;
        transactions++;
      }
      return { startedAt, endedAt: wallNow(), committed, transactions, maxBehind, style };
    },

    /** Outbox rows not yet published, and the events committed and published since the last stamps(). */
    async progress() {
      const [row] = await db.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
      return { unpublished: row.n, committed: commits.size, published: published.size };
    },

    stamps() {
      const calls = relayCalls;
      relayCalls = freshRelayCalls();
      return { commits: commits.take(), published: published.take(), relayCalls: calls };
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

    /** Baseline: libs/events' KafkaEventLog.publish alone (no database), in publishes of `batch` events (the relay's default batch). */
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
