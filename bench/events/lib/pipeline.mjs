// Goal 1: outbox → OutboxRelay → Kafka → AuditIngestConsumer → audit store, on a private KRaft
// broker (libs/testing's startKafka) and a private PostgreSQL server (libs/testing's
// startPostgres, as the test harness runs it), with the producing service and the audit service
// each in a process of their own (producer.mjs, ingest.mjs). Baselines in the same run, on the same
// broker and server: raw kafkajs, libs/events' Kafka transport alone, the audit store alone.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from '../../lib/util.mjs';
import { startWorker, wallNow } from './worker.mjs';
import { pipelineCpu } from './cpu.mjs';

const require = createRequire(import.meta.url);
const { createDatabase, startKafka, startPostgres } = require('@cairn/testing');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * OutboxRelay's default batchSize before commit 4651ff8 (which raised it to 500), run once more as a
 * configuration option (OutboxRelayOptions.batchSize) to show what the change bought. Goal 1a's run
 * uses the relay's defaults as built; the bench reads them from the product (relayDefaults).
 */
export const RELAY_BATCH_BEFORE = { batchSize: 100, commit: '4651ff8' };

const STORE_DBS = ['store_alone', 'store_concurrent', 'store_many500', 'store_many100'];

export function summarizeLags(values) {
  if (values.length === 0) return { n: 0 };
  let sum = 0;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v > max) max = v;
  }
  return { n: values.length, p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99), max, mean: sum / values.length };
}


/** Polls `status()` until `done(value)` or the deadline: { value, finished }. */
async function until(status, done, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await status();
    if (done(value)) return { value, finished: true };
    if (Date.now() > deadline) return { value, finished: false };
    await sleep(everyMs);
  }
}

function maxOf(values) {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}

/**
 * The rate a stamped stage sustained, from its timestamps: events between the 10th and the 90th
 * percentile of arrival over the time between them (leaves out start-up and the tail).
 */
export function sustainedRate(times) {
  if (times.length < 20) return NaN;
  const sorted = Float64Array.from(times).sort();
  const a = Math.floor(sorted.length * 0.1);
  const b = Math.floor(sorted.length * 0.9);
  return (b - a) / ((sorted[b] - sorted[a]) / 1000);
}

export async function runPipelineGoal({ scale, workDir, log, step, results, machine, cleanups }) {
  const ctx = {};
  const stopAll = async () => {
    for (const w of [ctx.producer, ctx.ingest]) await w?.stop().catch(() => w.kill());
    await ctx.kafka?.stop().catch((e) => log(`stopping Kafka: ${e.message}`));
    await ctx.pg?.stop().catch((e) => log(`stopping PostgreSQL: ${e.message}`));
    ctx.producer = ctx.ingest = ctx.kafka = ctx.pg = undefined;
  };
  cleanups.add(stopAll);
  try {
    log('starting PostgreSQL and Kafka (libs/testing: startPostgres, startKafka)…');
    const t = Date.now();
    const [pg, kafka] = await Promise.all([startPostgres(), startKafka()]);
    ctx.pg = pg;
    ctx.kafka = kafka;
    machine.postgres = `${pg.version} (private server as the test harness runs it: fsync=off, synchronous_commit=off, full_page_writes=off)`;
    machine.kafka = `${kafka.version} (private single-node KRaft broker, libs/testing startKafka: -Xmx512m, SerialGC, C1 only; 6 partitions per topic as KafkaEventLog creates them)`;
    log(`  PostgreSQL ${pg.version} and Kafka ${kafka.version} (${kafka.brokers}) up in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const brokers = [kafka.brokers];
    // What the built KafkaSubscription does (the code is being changed while this suite is written).
    const kafkaLog = readFileSync(require.resolve('@cairn/events/dist/kafka-event-log.js'), 'utf8');
    machine.subscriptionCommits = /eachBatch\s*:/.test(kafkaLog) ? 'per batch' : /eachMessage\s*:/.test(kafkaLog) ? 'per message' : 'unknown';
    const dbs = {};
    for (const name of STORE_DBS) dbs[name] = await createDatabase(pg.url, `bench_${name}`);

    ctx.producer = startWorker(join(import.meta.dirname, 'producer.mjs'), { name: 'producer', logFile: join(workDir, 'producer.log') });
    ctx.ingest = startWorker(join(import.meta.dirname, 'ingest.mjs'), { name: 'audit-ingest', logFile: join(workDir, 'audit-ingest.log') });
    const { producer, ingest } = ctx;
    // The relay's defaults as built: the baselines send batches of its default size, as the relay does.
    const relayDefaults = await producer.call('relayDefaults');
    machine.relayDefaults = relayDefaults;
    const relayBatch = relayDefaults.batchSize;
    log(`  OutboxRelay defaults (libs/events/dist): batchSize ${relayBatch}, poll every ${relayDefaults.pollIntervalMs} ms`);

    // ------------------------------------------------------------ baselines
    await step('rawKafka', `baseline: raw kafkajs produce → consume, ${scale.baselineEvents.toLocaleString('en')} messages`, async () => {
      const topic = 'bench.raw';
      await ingest.call('rawConsumeStart', { brokers, topic }, 90_000);
      const warmup = 1_000;
      const sent = await producer.call('rawProduce', { brokers, topic, count: scale.baselineEvents, batch: relayBatch, warmup }, 300_000);
      const { value: s, finished } = await until(() => ingest.call('rawStatus'), (x) => x.count >= warmup + scale.baselineEvents, 120_000);
      await ingest.call('rawStop');
      const commits = await ingest.call('commitLatency', { brokers, topic, n: 200 }, 120_000);
      return {
        events: scale.baselineEvents,
        batch: relayBatch,
        consumed: s.count - warmup,
        finished,
        bytesPerMessage: sent.bytesPerMessage,
        produceRate: sent.sent / ((sent.endedAt - sent.startedAt) / 1000),
        endToEndRate: (s.count - warmup) / ((s.last - sent.startedAt) / 1000),
        seconds: (s.last - sent.startedAt) / 1000,
        offsetCommit: summarizeLags(commits),
      };
    });

    await step('logTransport', `baseline: libs/events KafkaEventLog publish → subscribe (no-op handler), ${scale.transportEvents.toLocaleString('en')} events`, async () => {
      const eventLogUrl = `kafka://${kafka.brokers}?topic=bench.transport`;
      await ingest.call('logSubscribe', { eventLogUrl, group: 'bench.transport' }, 90_000);
      const sent = await producer.call('logPublish', { eventLogUrl, count: scale.transportEvents, batch: relayBatch }, 300_000);
      const { value: s, finished } = await until(() => ingest.call('logStatus'), (x) => x.count >= scale.transportEvents, scale.drainLimitS * 1000, 250);
      await ingest.call('logStop');
      return {
        events: scale.transportEvents,
        batch: relayBatch,
        consumed: s.count,
        finished,
        publishRate: sent.sent / ((sent.endedAt - sent.startedAt) / 1000),
        endToEndRate: s.count / ((s.last - sent.startedAt) / 1000),
        seconds: (s.last - sent.startedAt) / 1000,
      };
    });

    await step('storeAlone', `baseline: the audit store alone (no Kafka): AuditRepository.append one at a time, ${scale.storeEvents.toLocaleString('en')} records; appendMany in batches, ${(scale.storeEvents * 4).toLocaleString('en')} records`, async () => {
      const rate = (r) => r.appended / ((r.endedAt - r.startedAt) / 1000);
      const seq = await ingest.call('appendOnly', { databaseUrl: dbs.store_alone, count: scale.storeEvents, concurrency: 1 }, 600_000);
      log(`  append, one caller: ${rate(seq).toFixed(0)} records/s`);
      const conc = await ingest.call('appendOnly', { databaseUrl: dbs.store_concurrent, count: scale.storeEvents, concurrency: 6 }, 600_000);
      log(`  append, six callers: ${rate(conc).toFixed(0)} records/s`);
      const many = {};
      for (const batch of [500, 100]) {
        const r = await ingest.call('appendManyOnly', { databaseUrl: dbs[`store_many${batch}`], count: scale.storeEvents * 4, batch }, 600_000);
        const { callMs, ...rest } = r;
        many[batch] = { ...rest, rate: rate(r), callMs: summarizeLags(callMs) };
        log(`  appendMany, batches of ${batch}: ${rate(r).toFixed(0)} records/s (one call p50 ${many[batch].callMs.p50.toFixed(1)} ms)`);
      }
      const verified = {};
      for (const k of STORE_DBS) verified[k] = await ingest.call('verify', { databaseUrl: dbs[k] }, 300_000);
      return {
        sequential: { ...seq, rate: rate(seq) },
        concurrent: { ...conc, rate: rate(conc) },
        many500: many[500],
        many100: many[100],
        verified,
      };
    });

    // ------------------------------------------------------------ the pipeline
    // Each measurement gets a pipeline of its own (fresh outbox and audit databases, topic and
    // consumer group), so what one leaves behind never delays the next.
    let pipelines = 0;
    const stored = async () => (await ingest.call('count')).stored;
    /** `style`: how the producer writes its outbox rows ('all': appendAllToOutbox per transaction; 'each': appendToOutbox per event). */
    const openPipeline = async (label, { style = 'all', relayBatchSize } = {}) => {
      const n = ++pipelines;
      const producerDb = await createDatabase(pg.url, `bench_p${n}_outbox`);
      const auditDb = await createDatabase(pg.url, `bench_p${n}_audit`);
      const topic = `cairn.events.p${n}`;
      const eventLogUrl = `kafka://${kafka.brokers}?topic=${topic}`;
      await ingest.call('open', { databaseUrl: auditDb, eventLogUrl }, 120_000);
      const opened = await producer.call('open', { databaseUrl: producerDb, eventLogUrl, relayBatchSize }, 120_000);
      // Warm-up: connections, the topic's producer, JIT; then drop its stamps.
      await producer.call('burst', { count: scale.warmupEvents, txSize: 100, style });
      const warm = await until(stored, (v) => v >= scale.warmupEvents, 120_000, 100);
      if (!warm.finished) throw new Error(`${label} warm-up: only ${warm.value} of ${scale.warmupEvents} events reached the audit store in 120 s`);
      const topicConfig = await producer.call('topicConfig', { brokers, topic }, 60_000).catch((e) => ({ error: String(e.message ?? e).slice(0, 300) }));
      await producer.call('stamps');
      await ingest.call('stamps');
      await ingest.call('takeCalls');
      // relayBatchOption: the batchSize passed to OutboxRelay (undefined: its default).
      return { label, style, relayBatchSize: opened.relayBatchSize, relayBatchOption: relayBatchSize, base: warm.value, topic, topicConfig };
    };
    const closePipeline = async () => {
      await producer.call('close', {}, 60_000);
      await ingest.call('close', {}, 60_000);
    };
    const verifyChain = async () => {
      const r = await ingest.call('verify', {}, 600_000);
      return { ok: r.ok, checked: r.checked, problem: r.problem, ms: r.ms };
    };
    const collect = async () => {
      const { commits, published, relayCalls } = await producer.call('stamps', {}, 120_000);
      const storedStamps = await ingest.call('stamps', {}, 120_000);
      const appendCalls = await ingest.call('takeCalls', {}, 60_000);
      return { commits, published, stored: storedStamps, relayCalls, appendCalls };
    };

    const throughput = async (p) => {
      const expected = p.base + scale.burstEvents;
      const timeline = [];
      let sampling = true;
      const t0 = wallNow();
      const sampler = (async () => {
        while (sampling) {
          try {
            const [{ unpublished, committed, published }, count] = await Promise.all([producer.call('progress'), stored()]);
            timeline.push({ s: (wallNow() - t0) / 1000, committed, unpublished, published, stored: count - p.base });
          } catch {
            /* a sample missed */
          }
          await sleep(1000);
        }
      })();
      const cpu = pipelineCpu({ producerPid: producer.pid, ingestPid: ingest.pid, pgPort: Number(new URL(pg.url).port) });
      cpu.start();
      const burst = await producer.call('burst', { count: scale.burstEvents, txSize: 100, writers: scale.writers, style: p.style }, 600_000);
      log(`  committed ${burst.committed.toLocaleString('en')} in ${((burst.endedAt - burst.startedAt) / 1000).toFixed(1)} s; waiting for the audit store (at most ${scale.drainLimitS} s from the start)…`);
      const waitMs = Math.max(10_000, scale.drainLimitS * 1000 - (wallNow() - burst.startedAt));
      const done = await until(stored, (v) => v >= expected, waitMs, 250);
      const cpuUsed = cpu.stop();
      const stoppedAt = wallNow();
      sampling = false;
      await sampler;
      const { published, stored: st, relayCalls, appendCalls } = await collect();
      const lastPublished = maxOf(published.times);
      const lastStored = st.times.length ? maxOf(st.times) : NaN;
      // Unfinished: the rate so far, over the time waited.
      const end = done.finished ? lastStored : stoppedAt;
      const chain = await verifyChain();
      return {
        style: p.style,
        relayBatchSize: p.relayBatchSize,
        relayBatchOption: p.relayBatchOption,
        topicConfig: p.topicConfig,
        events: scale.burstEvents,
        txSize: 100,
        writers: burst.writers,
        stored: st.ids.length,
        published: published.ids.length,
        finished: done.finished,
        drainLimitS: scale.drainLimitS,
        commitRate: burst.committed / ((burst.endedAt - burst.startedAt) / 1000),
        publishRate: published.ids.length / ((lastPublished - burst.startedAt) / 1000),
        endToEndRate: st.ids.length / ((end - burst.startedAt) / 1000),
        seconds: (end - burst.startedAt) / 1000,
        ingestSustained: sustainedRate(st.times),
        publishSustained: sustainedRate(published.times),
        commitSeconds: (burst.endedAt - burst.startedAt) / 1000,
        publishSeconds: (lastPublished - burst.startedAt) / 1000,
        projectedSeconds: done.finished ? undefined : scale.burstEvents / sustainedRate(st.times),
        // Time inside each stage's calls over the run (ms), to tell working from waiting.
        relayCalls,
        appendCalls,
        timeline,
        chain,
        cpu: cpuUsed,
      };
    };

    const lagRun = async (p, rate, seconds) => {
      const total = Math.round(rate * seconds);
      const expected = p.base + total;
      const run = await producer.call('steady', { rate, seconds, style: p.style }, (seconds + 300) * 1000);
      const done = await until(stored, (v) => v >= expected, scale.lagDrainLimitS * 1000, 100);
      const deadline = wallNow();
      const { commits, published, stored: st, appendCalls } = await collect();
      const pub = new Map();
      for (let i = 0; i < published.ids.length; i++) pub.set(published.ids[i], published.times[i]);
      const sto = new Map();
      for (let i = 0; i < st.ids.length; i++) sto.set(st.ids[i], st.times[i]);
      const all = [];
      const relay = [];
      const consume = [];
      const windows = [];
      const windowS = Math.max(1, Math.round(seconds / 10));
      let censored = 0;
      for (let i = 0; i < commits.ids.length; i++) {
        const id = commits.ids[i];
        const c = commits.times[i];
        const pt = pub.get(id);
        const s = sto.get(id);
        let lag;
        if (s === undefined) {
          censored++;
          lag = deadline - c; // not stored by the deadline: at least this much
        } else lag = s - c;
        all.push(lag);
        if (pt !== undefined) {
          relay.push(pt - c);
          if (s !== undefined) consume.push(s - pt);
        }
        const w = Math.floor((c - run.startedAt) / 1000 / windowS);
        (windows[w] ??= []).push(lag);
      }
      const chain = await verifyChain();
      return {
        style: p.style,
        rate,
        seconds,
        committed: run.committed,
        transactions: run.transactions,
        achievedRate: run.committed / ((run.endedAt - run.startedAt) / 1000),
        stored: sto.size,
        notStored: censored,
        drainLimitS: scale.lagDrainLimitS,
        finished: done.finished,
        total: summarizeLags(all),
        relay: summarizeLags(relay),
        consume: summarizeLags(consume),
        windowS,
        windows: Array.from(windows, (w, i) => ({ fromS: i * windowS, n: w?.length ?? 0, ...(w ? summarizeLags(w) : {}) })),
        appendCalls,
        chain,
      };
    };

    const withPipeline = (label, options, fn) => async () => {
      const p = await openPipeline(label, options);
      try {
        return await fn(p);
      } finally {
        await closePipeline();
      }
    };

    const burstText = (style) =>
      `${scale.burstEvents.toLocaleString('en')} events committed (transactions of 100, ${scale.writers} writers, ${style === 'all' ? 'appendAllToOutbox per transaction' : 'appendToOutbox per event'}) → audit store`;
    await step('throughput', `product path: ${burstText('all')}`, withPipeline('throughput', { style: 'all' }, throughput));
    await step('throughputEach', `product path: ${burstText('each')}`, withPipeline('throughputEach', { style: 'each' }, throughput));
    await step('lag', `product path: end-to-end lag at ${scale.lagRate.toLocaleString('en')} events/s for ${scale.lagSeconds} s (appendAllToOutbox per tick)`, withPipeline('lag', { style: 'all' }, (p) => lagRun(p, scale.lagRate, scale.lagSeconds)));
    // The lag the path adds when it keeps up: half what it sustained, in steps of 25, at most the goal's rate.
    const sustained = results.throughput?.ingestSustained;
    const easy = Number.isFinite(sustained) ? Math.max(25, Math.min(scale.lagRate, Math.floor((sustained * 0.5) / 25) * 25)) : 50;
    if (easy < scale.lagRate) {
      await step('lagEasy', `product path: lag at ${easy} events/s (about half its sustained rate) for ${scale.lagSeconds} s`, withPipeline('lagEasy', { style: 'all' }, (p) => lagRun(p, easy, scale.lagSeconds)));
    }
    // What the default change bought: goal 1a's run with the relay's batchSize at its former default.
    const before = RELAY_BATCH_BEFORE;
    await step(
      'throughputRelay100',
      `product path with OutboxRelay batchSize ${before.batchSize} (its default before commit ${before.commit}; now ${relayBatch}): ${burstText('all')}`,
      async () => ({ ...(await withPipeline('throughputRelay100', { style: 'all', relayBatchSize: before.batchSize }, throughput)()), defaultBefore: before.commit }),
    );
  } finally {
    await stopAll();
    cleanups.delete(stopAll);
  }
}
