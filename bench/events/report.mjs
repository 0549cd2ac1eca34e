// RESULTS.md for the events/audit benchmark. Verdicts use this run's unrounded figures.
export const GOAL_RATE = 5_000;
export const GOAL_LAG_MS = 1_000;
export const GOAL_OVERHEAD = 0.05;

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const ms = (v) => (isNum(v) ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`) : 'n/a');
const rate = (v) => (isNum(v) ? `${Math.round(v).toLocaleString('en')}/s` : 'n/a');
const n0 = (v) => (isNum(v) ? Math.round(v).toLocaleString('en') : 'n/a');
const pct = (v, d = 1) => (isNum(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(d)} %` : 'n/a');
const us = (msValue) => (isNum(msValue) ? `${(msValue * 1000).toFixed(0)} µs` : 'n/a');
const x = (v) => (isNum(v) ? `${v >= 10 ? v.toFixed(0) : v.toFixed(1)}×` : 'n/a');
const mb = (b) => (isNum(b) ? `${(b / 1e6).toFixed(1)} MB` : 'n/a');
const ok = (g) => g && !g.error;
const failed = (g) => (g?.error ? `failed: ${g.error.split('\n')[0]}` : 'not run (an earlier step failed, was skipped, or the time budget ran out)');
const ge = (lag) => (lag && lag.notStored > 0 ? '≥ ' : '');

/** Is the Kafka transport itself (per-message offset commits) what caps a consumer? */
function commitBound(r) {
  return ok(r.logTransport) && ok(r.rawKafka) && r.logTransport.endToEndRate < 0.25 * r.rawKafka.endToEndRate;
}

/** The pipeline's own processes, in cores of the machine's 2, over a throughput run. */
const pipelineCores = (t) => (t?.cpu ? Object.values(t.cpu.coresUsed).reduce((a, b) => a + (isNum(b) ? b : 0), 0) : NaN);

/** How the producer wrote its outbox rows in a run. */
const styleText = (style) => (style === 'each' ? 'appendToOutbox, one INSERT per event' : 'appendAllToOutbox, one multi-row INSERT per transaction');

/** The relay's work over a throughput run: per-batch times and the share of its publishing period it was busy. */
function relayWork(t) {
  const c = t?.relayCalls;
  if (!c || !c.publish?.n) return undefined;
  const busyMs = c.select.ms + c.publish.ms + c.update.ms;
  return {
    batches: c.publish.n,
    perBatch: c.publish.events / c.publish.n,
    selectMs: c.select.n ? c.select.ms / c.select.n : NaN,
    publishMs: c.publish.ms / c.publish.n,
    updateMs: c.update.n ? c.update.ms / c.update.n : NaN,
    busyShare: busyMs / (t.publishSeconds * 1000),
    // Produce requests KafkaEventLog sent per publish (it splits a publish into requests of about 1 MiB), and their size.
    requestsPerBatch: c.publish.requests ? c.publish.requests / c.publish.n : NaN,
    bytesPerRequest: c.publish.requests ? c.publish.bytes / c.publish.requests : NaN,
  };
}

/** "in 1.0 Kafka request of 0.63 MB": how a run's relay batches went to the broker. */
const requestsText = (rw) => (rw && isNum(rw.requestsPerBatch) ? `${rw.requestsPerBatch.toFixed(rw.requestsPerBatch < 10 ? 1 : 0)} Kafka request${rw.requestsPerBatch >= 1.05 ? 's' : ''} of ${(rw.bytesPerRequest / 1e6).toFixed(2)} MB per batch` : undefined);

/** The consumer's appendMany calls over a run: entries per call, time per call, share of the run spent inside them. */
function appendWork(t, seconds = t?.seconds) {
  const c = t?.appendCalls;
  if (!c || !c.n) return undefined;
  return { calls: c.n, perCall: c.entries / c.n, max: c.max, callMs: c.ms / c.n, busyShare: c.ms / (seconds * 1000) };
}

/** How the consumer's time splits, from the share of the run it spent inside appendMany. */
const storeShare = (b) =>
  `${(b * 100).toFixed(0)} % of the run in the store and the rest outside it (fetching from Kafka, parsing, committing offsets${b < 0.4 ? "; one partition's batch per handler call" : ''})`;

/**
 * The rate each stage of a throughput run kept: the producer's commits (over its committing period),
 * the relay's publishing and the consumer's storing, both sustained (the middle 80 % of their events).
 */
function stageRates(t) {
  const pick = (a, b) => (isNum(a) ? a : b);
  return { producer: t.commitRate, relay: pick(t.publishSustained, t.publishRate), consumer: pick(t.ingestSustained, t.endToEndRate) };
}

const STAGE_NAMES = { producer: "the producer's commits", relay: 'the OutboxRelay', consumer: 'the audit consumer' };

/**
 * Which stage of a throughput run held the others back ('producer', 'relay' or 'consumer'): the
 * slowest. A stage fed more slowly than it can go runs at about its feed's rate, so a stage counts
 * as the slower one only when it kept less than 90 % of the rate of the slowest stage upstream of it.
 */
function limitOf(t) {
  const r = stageRates(t);
  let limit = 'producer';
  if (r.relay < 0.9 * r.producer) limit = 'relay';
  if (r.consumer < 0.9 * r[limit]) limit = 'consumer';
  return limit;
}

/** The most events that waited in the outbox (unpublished) and in Kafka (published, not yet stored) at a sample of the run's timeline. */
function backlogs(t) {
  const tl = t?.timeline ?? [];
  const outbox = tl.length ? Math.max(...tl.map((s) => s.unpublished)) : NaN;
  const kafka = tl.some((s) => isNum(s.published)) ? Math.max(...tl.filter((s) => isNum(s.published)).map((s) => s.published - s.stored)) : NaN;
  return { outbox, kafka };
}

const cpuText = (t) =>
  t?.cpu
    ? `the pipeline's processes used ${pipelineCores(t).toFixed(2)} of the 2 cores (${Object.entries(t.cpu.coresUsed)
        .filter(([, v]) => isNum(v) && v >= 0.005)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ')}) and the whole machine was ${(t.cpu.machineBusyShare * 100).toFixed(0)} % busy`
    : 'CPU was not measured';

/** What held a throughput run back, from its own figures. */
function limitText(t) {
  const limit = limitOf(t);
  const relay = relayWork(t);
  const append = appendWork(t);
  const r = stageRates(t);
  const backlog = backlogs(t);
  const relayDetail = relay
    ? `${n0(relay.batches)} batches of ${n0(relay.perBatch)} rows on average${requestsText(relay) ? `, ${requestsText(relay)}` : ''}; per batch SELECT ${ms(relay.selectMs)}, Kafka publish ${ms(relay.publishMs)}, UPDATE ${ms(relay.updateMs)}; busy ${(relay.busyShare * 100).toFixed(0)} % of its publishing period`
    : 'relay timings n/a';
  const appendDetail = append
    ? `${n0(append.calls)} appendMany calls of ${n0(append.perCall)} records on average and at most ${n0(append.max)}, ${ms(append.callMs)} each, ${(append.busyShare * 100).toFixed(0)} % of the run inside them`
    : 'append timings n/a';
  let text;
  if (limit === 'producer') {
    text = `**The producing side limits it**: one process with ${t.writers} writers committed ${rate(t.commitRate)} to the outbox (${styleText(t.style)}, ${n0(t.txSize)} events per transaction), and downstream kept pace — the OutboxRelay published ${rate(t.publishRate)}, sustaining ${rate(r.relay)} (${relayDetail}), and the audit consumer stored ${rate(t.endToEndRate)} end to end, sustaining ${rate(r.consumer)} (${appendDetail}).`;
  } else if (limit === 'relay') {
    text = `**The OutboxRelay limits it**: the outbox took ${rate(t.commitRate)} of commits (${styleText(t.style)}), but the relay published only ${rate(t.publishRate)}, sustaining ${rate(r.relay)} (${relayDetail})${isNum(backlog.outbox) ? `; up to ${n0(backlog.outbox)} rows waited unpublished in the outbox` : ''}. ${
      r.consumer >= 0.97 * r.relay ? 'The audit consumer kept up with it' : `The audit consumer was close behind (${pct(r.consumer / r.relay - 1)} against the relay's sustained rate, within the 10 % this report takes as keeping pace)`
    }: it stored ${rate(t.endToEndRate)} end to end, sustaining ${rate(r.consumer)} (${appendDetail})${isNum(backlog.kafka) ? `; at most ${n0(backlog.kafka)} published events waited in Kafka at a sample` : ''}.`;
  } else {
    text = `**The audit consumer limits it**: it stored ${rate(t.endToEndRate)} end to end, sustaining ${rate(r.consumer)} against the ${rate(r.relay)} the OutboxRelay sustained${isNum(backlog.kafka) ? `; up to ${n0(backlog.kafka)} published events waited in Kafka for it` : ''}. It made ${appendDetail}. The relay published ${rate(t.publishRate)} from the first commit to its last publish (${relayDetail}) ${
      r.relay < 0.9 * r.producer
        ? `and did not keep up with the commits either (${rate(t.commitRate)}, ${styleText(t.style)})${isNum(backlog.outbox) ? `: up to ${n0(backlog.outbox)} rows waited unpublished in the outbox` : ''}.`
        : `and kept up with the commits (${rate(t.commitRate)}, ${styleText(t.style)}).`
    }`;
  }
  text += ` During the run ${cpuText(t)}${t.cpu && t.cpu.machineBusyShare >= 0.9 ? ': the 2 cores were saturated, so every stage was also waiting for CPU taken by the others (broker, PostgreSQL, producer and consumer share them)' : ''}.`;
  return text;
}

/** "OutboxRelay batchSize 100 (its default before commit 4651ff8)": the comparison run's relay setting. */
const beforeText = (t) => `OutboxRelay batchSize ${n0(t?.relayBatchSize)}${t?.defaultBefore ? ` (its default before commit ${t.defaultBefore})` : ''}`;

/** "its default batchSize, 500 rows": the relay setting of a run. */
const relaySetting = (t) =>
  t?.relayBatchOption == null
    ? `its default batchSize, ${n0(t?.relayBatchSize)} rows`
    : `batchSize ${n0(t.relayBatchSize)}${t.defaultBefore ? `, its default before commit ${t.defaultBefore}` : ''}`;

/** "6 partitions, max.message.bytes 16 MiB": a topic's settings as read back from the broker. */
const topicText = (c) => (c && !c.error && isNum(c.maxMessageBytes) ? `${c.partitions} partitions, max.message.bytes ${c.maxMessageBytes % 2 ** 20 === 0 ? `${c.maxMessageBytes / 2 ** 20} MiB` : n0(c.maxMessageBytes)}` : undefined);

export function renderReport({ results: r, machine: m, scale, quick, only }) {
  const L = [];
  const { rawKafka, logTransport, storeAlone, throughput: tp, throughputEach: tpEach, throughputRelay100: tpBefore, lag, lagEasy, push, pushSetup, pushVerify, pushLag } = r;
  L.push('# Cairn events and audit benchmarks — results', '');
  L.push(
    `Written by \`node bench/events/run.mjs${quick ? ' --quick' : ''}${only ? ` --only=${only}` : ''}\` on ${m.date}. **Scale measured: ${scale.name}**${
      quick ? ' — scaled down (fewer events, shorter runs, a smaller repository); run without `--quick` for the full scale' : ''
    }. Every baseline and ratio below was measured in this same run, on this machine.`,
    '',
  );
  if (r.timeout) L.push(`**${r.timeout}.**`, '');
  if (r.fatal) L.push(`**The run stopped early: ${r.fatal.split('\n')[0]}**`, '');

  // ------------------------------------------------------------------ machine
  L.push('## Machine', '', '| | |', '|---|---|');
  L.push(`| date | ${m.date} |`);
  L.push(`| code measured | ${m.code} (\`git rev-parse --short HEAD\` = ${m.head}) |`);
  L.push(`| CPU | ${m.cpu} |`);
  L.push(`| memory | ${m.memory} |`);
  L.push(`| kernel | ${m.kernel} |`);
  L.push(`| Node | ${m.node} |`);
  L.push(`| Java (Kafka broker) | ${m.java} |`);
  if (m.kafka) L.push(`| Kafka | ${m.kafka}${topicText(tp?.topicConfig) ? `; goal 1a's topic as read back from the broker: ${topicText(tp.topicConfig)}` : ''} |`);
  if (m.postgres) L.push(`| PostgreSQL | ${m.postgres} |`);
  L.push(`| kafkajs / typeorm / pg | ${m.kafkajs} / ${m.typeorm} / ${m.pg} |`);
  L.push(`| git | ${m.git} |`);
  const others = m.noWait
    ? `; **${m.othersAtStart.length} other benchmark/stack processes were running and were not waited for (--no-wait): figures are noisy**`
    : m.othersAtStart?.length
      ? `; waited ${n0(m.waitedSeconds)} s for other benchmarks/stacks to finish${m.othersStillRunning?.length ? ` (**${m.othersStillRunning.length} still running when measuring began**)` : ''}`
      : '; no other benchmark or Cairn stack running at start';
  L.push(`| load average (1/5/15 min) | start ${m.loadStart}; end ${m.loadEnd}; per step: ${(m.loads ?? []).map((l) => `${l.phase} ${l.load.split(' ')[0]}`).join(', ')}${others} |`);
  L.push(`| run time | ${isNum(m.totalSeconds) ? (m.totalSeconds / 60).toFixed(1) : 'n/a'} min |`, '');

  // ------------------------------------------------------------------ summary
  const tpMet = ok(tp) && tp.finished && tp.endToEndRate >= GOAL_RATE;
  const lagMet = ok(lag) && lag.notStored === 0 && lag.total.p99 < GOAL_LAG_MS;
  const pushMet = ok(push) && push.overheadP50 < GOAL_OVERHEAD;
  const verdict = (met) => (met ? '**met**' : '**NOT met**');
  L.push('## Summary', '', '| # | goal | target | measured | baselines, same run | verdict |', '|---|---|---|---|---|---|');
  if (ok(tp)) {
    const stored = tp.finished
      ? `all ${n0(tp.events)} in the audit store ${ms(tp.seconds * 1000)} after the first commit`
      : `${n0(tp.stored)} of ${n0(tp.events)} in the audit store when the bench stopped waiting (${n0(tp.seconds)} s); all would take ≈ ${n0(tp.projectedSeconds)} s`;
    const baselines = [
      ok(rawKafka) ? `raw kafkajs produce→consume ${rate(rawKafka.endToEndRate)}` : 'raw kafkajs n/a',
      ok(logTransport) ? `libs/events Kafka transport, no-op handler ${rate(logTransport.endToEndRate)}` : undefined,
      ok(storeAlone) ? `audit store alone: appendMany in batches of 500 ${rate(storeAlone.many500?.rate)}, append one record at a time ${rate(storeAlone.sequential.rate)}` : undefined,
      ok(tpEach) ? `the same path with per-event appendToOutbox producers ${rate(tpEach.endToEndRate)}` : undefined,
      ok(tpBefore) ? `the same path with ${beforeText(tpBefore)} ${rate(tpBefore.endToEndRate)}` : undefined,
    ].filter(Boolean);
    L.push(
      `| 1a | event throughput, outbox → Kafka → audit store (producers writing with appendAllToOutbox; the OutboxRelay with its defaults, ${n0(tp.relayBatchSize)} rows per batch; services/audit's AuditIngestConsumer + AuditRepository.appendMany) | ≥ ${n0(GOAL_RATE)} events/s | **${rate(tp.endToEndRate)}** (${stored}; ingest sustained ${rate(tp.ingestSustained)}) | ${baselines.join('; ')} | ${verdict(tpMet)}${tpMet ? '' : ` — ${x(GOAL_RATE / tp.endToEndRate)} short`} |`,
    );
  } else L.push(`| 1a | event throughput outbox → audit store | ≥ ${n0(GOAL_RATE)} events/s | ${failed(tp)} | | not measured |`);
  if (ok(lag)) {
    L.push(
      `| 1b | end-to-end lag (outbox commit → row in the audit store) at ${n0(lag.rate)} events/s for ${lag.seconds} s | p99 < ${ms(GOAL_LAG_MS)} | **p99 ${ge(lag)}${ms(lag.total.p99)}**, p50 ${ge(lag)}${ms(lag.total.p50)}, max ${ge(lag)}${ms(lag.total.max)}${lag.notStored ? ` (${n0(lag.notStored)} of ${n0(lag.committed)} not yet stored ${lag.drainLimitS} s after the last commit: counted at their age then)` : ''} | commit → Kafka p99 ${ms(lag.relay.p99)}, Kafka → store p99 ${ms(lag.consume.p99)}${ok(lagEasy) ? `; same path at ${n0(lagEasy.rate)}/s: p99 ${ms(lagEasy.total.p99)}` : ''} | ${verdict(lagMet)}${lagMet ? '' : ` — ${ge(lag)}${ms(lag.total.p99 - GOAL_LAG_MS)} over`} |`,
    );
  } else L.push(`| 1b | end-to-end lag at ${n0(scale.lagRate)} events/s | p99 < ${ms(GOAL_LAG_MS)} | ${failed(lag)} | | not measured |`);
  if (ok(push)) {
    L.push(
      `| 2 | audit overhead on a push (${n0(pushSetup?.commits)} commits, ${mb(pushSetup?.packBytes)} pack, into a fresh repository, all-in-one stack) | < ${GOAL_OVERHEAD * 100} % of push time | **${pct(push.overheadP50)}** (p50 on ${ms(push.on.p50)} vs off ${ms(push.off.p50)})${push.paired ? `; paired per round: median ${pct(push.paired.median)}, 90 % interval ${pct(push.paired.low)} … ${pct(push.paired.high)}` : ''} | audit off in the same stack, alternating (ABBA), ${push.on.n} pushes each${push.headline === 'clean' ? ` (the rounds with no other benchmark, jest run or stack running: ${push.cleanRounds} of ${push.rounds})` : push.rounds ? ` (all ${push.rounds} rounds; only ${push.cleanRounds} ran without another benchmark, jest run or stack)` : ''} | ${verdict(pushMet)}${pushMet ? '' : ` — ${((push.overheadP50 - GOAL_OVERHEAD) * 100).toFixed(1)} points over`} |`,
    );
  } else L.push(`| 2 | audit overhead on a push | < ${GOAL_OVERHEAD * 100} % | ${failed(push)} | | not measured |`);
  L.push('');

  // ------------------------------------------------------------------ verdicts
  L.push('## Verdicts', '');
  if (ok(tp)) {
    L.push(
      `- **Goal 1a (≥ ${n0(GOAL_RATE)} events/s outbox → audit store): ${tpMet ? 'met' : 'NOT met'}.** With producers writing their outbox rows with appendAllToOutbox (one INSERT per transaction of ${n0(tp.txSize)}) and the OutboxRelay at its defaults (${n0(tp.relayBatchSize)} rows per batch), the product path moved ${rate(tp.endToEndRate)} end to end (the audit consumer sustained ${rate(tp.ingestSustained)}); ${
        tpMet ? `${rate(tp.endToEndRate - GOAL_RATE)} of margin.` : `the measured gap is ${rate(GOAL_RATE - tp.endToEndRate)} (${x(GOAL_RATE / tp.endToEndRate)}).`
      } ` +
        limitText(tp) +
        (ok(tpEach)
          ? ` With per-event appendToOutbox producers (one INSERT per event) the outbox took ${rate(tpEach.commitRate)} of commits and the path moved ${rate(tpEach.endToEndRate)} end to end${tpEach.endToEndRate >= GOAL_RATE ? ' (also at or above the goal)' : ` (${limitOf(tpEach) === 'producer' ? 'limited by those commits' : limitOf(tpEach) === 'relay' ? 'limited by the relay' : 'limited by the consumer'})`}.`
          : '') +
        (ok(tpBefore)
          ? ` With the relay's batchSize at ${n0(tpBefore.relayBatchSize)}${tpBefore.defaultBefore ? `, its default before commit ${tpBefore.defaultBefore}` : ''} (set through OutboxRelayOptions.batchSize), the same run moved ${rate(tpBefore.endToEndRate)} (outbox commits ${rate(tpBefore.commitRate)}, relay published ${rate(tpBefore.publishRate)}, limited by ${STAGE_NAMES[limitOf(tpBefore)]}): the default of ${n0(tp.relayBatchSize)} moves ${x(tp.endToEndRate / tpBefore.endToEndRate)} that end to end (${pct(tp.endToEndRate / tpBefore.endToEndRate - 1, 0)}), and the relay publishes ${x(tp.publishRate / tpBefore.publishRate)} as fast.`
          : '') +
        ` (Before commit 8e3d96b the audit store appended one record per transaction and this path moved 908/s, measured at commit 4a74ee3.)`,
    );
  } else L.push(`- **Goal 1a: not measured** (${failed(tp)}).`);
  if (ok(lag)) {
    const aw = appendWork(lag, lag.seconds);
    L.push(
      `- **Goal 1b (lag p99 < ${ms(GOAL_LAG_MS)} at ${n0(lag.rate)} events/s): ${lagMet ? 'met' : 'NOT met'}.** p99 ${ge(lag)}${ms(lag.total.p99)}, p50 ${ge(lag)}${ms(lag.total.p50)}${lagMet ? `, ${ms(GOAL_LAG_MS - lag.total.p99)} under the line` : `, ${ge(lag)}${ms(lag.total.p99 - GOAL_LAG_MS)} over the line`}; commit → Kafka p99 ${ms(lag.relay.p99)}, Kafka → store p99 ${ms(lag.consume.p99)}${aw ? ` (the consumer stored ${n0(aw.perCall)} records per appendMany call on average, ${ms(aw.callMs)} each)` : ''}. ` +
        (lagMet
          ? ''
          : ok(tp) && tp.ingestSustained < lag.rate
            ? `${n0(lag.rate)}/s is above what the consumer sustains (${rate(tp.ingestSustained)}, goal 1a), so a backlog grows for as long as the load lasts and the lag with it (see the table by commit time below). `
            : lag.relay.p99 > lag.consume.p99
              ? `Most of it is between the outbox commit and Kafka (the OutboxRelay: kicked per commit, one batch at a time), though the path sustained ${ok(tp) ? rate(tp.ingestSustained) : 'n/a'} in goal 1a. `
              : `Most of it is between Kafka and the store (the consumer's fetch, appendMany and offset commits), though the consumer sustained ${ok(tp) ? rate(tp.ingestSustained) : 'n/a'} in goal 1a; see the table by commit time below. `) +
        (ok(lagEasy) ? `At ${n0(lagEasy.rate)}/s, about half what the path sustained, p50 ${ms(lagEasy.total.p50)} and p99 ${ms(lagEasy.total.p99)}.` : ''),
    );
  } else L.push(`- **Goal 1b: not measured** (${failed(lag)}).`);
  if (ok(push)) {
    const c = push.cpu;
    const auditCpu = c.on.mean - c.off.mean;
    L.push(
      `- **Goal 2 (audit overhead on a push < ${GOAL_OVERHEAD * 100} %): ${pushMet ? 'met' : 'NOT met'}.** Push p50 with audit on ${ms(push.on.p50)}, off ${ms(push.off.p50)}${push.headline === 'clean' ? ` (the ${push.cleanRounds} rounds with nothing else running${push.rounds > push.cleanRounds ? `; all ${push.rounds} rounds: ${pct(push.all.overheadP50)}` : ''})` : push.headline === 'all' ? ` (all ${push.rounds} rounds; only ${push.cleanRounds} ran with nothing else running)` : ''}: ${pct(push.overheadP50)}${pushMet ? `, ${((GOAL_OVERHEAD - push.overheadP50) * 100).toFixed(1)} points under the line` : `, ${((push.overheadP50 - GOAL_OVERHEAD) * 100).toFixed(1)} points over`}. ` +
        (push.paired
          ? `Paired by round (the two adjacent pushes, so drifts in background load cancel): median ${pct(push.paired.median)}, 90 % bootstrap interval ${pct(push.paired.low)} … ${pct(push.paired.high)}${push.paired.contaminatedRounds ? ` (${push.paired.contaminatedRounds} of ${push.paired.rounds.length} rounds ran while another benchmark, jest run or stack was running; without them ${pct(push.paired.cleanMedian)})` : ''}${
              push.paired.low > GOAL_OVERHEAD ? '' : push.paired.high < GOAL_OVERHEAD ? '' : ' — the interval straddles the 5 % line: this run cannot tell'
            }. `
          : '') +
        `By construction the audit record is off the push's request path: git-protocol calls GitAudit.record in a \`finally\` after the response has ended (HTTP) or the session finished (SSH), and AuditPublisher.record only queues the record (flushed within 50 ms, in batches, by a timer). ` +
        (auditCpu > 0
          ? `What auditing does cost is CPU after the push: ${ms(auditCpu)} of stack CPU per push (on ${ms(c.on.mean)} vs off ${ms(c.off.mean)}, mean over push + ${push.windowMs.tail} ms after; ${pct(auditCpu / c.off.mean)} of a push's CPU), which on 2 cores competes with whatever runs next.`
          : `What auditing costs is CPU after the push, and in this run it did not show: stack CPU per push was on ${ms(c.on.mean)} vs off ${ms(c.off.mean)} (mean over push + ${push.windowMs.tail} ms after; ${pct(auditCpu / c.off.mean)}), so the audit work was smaller than the spread between pushes here.`) +
        (ok(pushVerify) ? ` Checked through LookupEvents: ${pushVerify.found.on} of ${pushVerify.pushes.on} pushes with audit on have their GitPush record, ${pushVerify.found.off} of ${pushVerify.pushes.off} with it off.` : ''),
    );
  } else L.push(`- **Goal 2: not measured** (${failed(push)}).`);
  L.push('');

  // ------------------------------------------------------------------ noise
  const noisy = Object.entries(r).filter(([, v]) => v && typeof v === 'object' && v.others && (v.others.atStart > 0 || v.others.atEnd > 0));
  const waited = Object.values(r).reduce((a, v) => a + (v?.others?.waitedSeconds ?? 0), 0);
  L.push('## Other jobs on the machine', '');
  L.push(
    `Other engineers run benchmarks, jest suites and Cairn stacks on this 2-core machine. Before each step (and each push round) the run waits, within a cap, until none is running; it waited ${n0(waited + (m.waitedSeconds ?? 0))} s in all. ${
      !Object.values(r).some((v) => v?.others)
        ? '(This run did not record which steps overlapped other jobs.)'
        : noisy.length
        ? `Steps during which one was running anyway (at the start or the end of the step), so their figures are noisier: ${noisy.map(([k, v]) => `${k} (${v.others.atStart} at the start, ${v.others.atEnd} at the end)`).join(', ')}.`
        : 'No step ran while one was running (checked at the start and the end of each step).'
    }`,
    '',
  );

  // ------------------------------------------------------------------ goal 1 details
  L.push('## Goal 1 — where the time goes', '');
  L.push(
    `Each row is one configuration on the same broker and PostgreSQL server, one after another. Messages are audit.recorded envelopes of ${ok(rawKafka) ? `${n0(rawKafka.bytesPerMessage)} bytes` : '≈1.2 KB'} (CloudTrail records built with libs/events' auditRecord, 64 repositories as partition keys). Rates are events per second from the first send/commit to the last event stored/consumed.`,
    '',
  );
  L.push('| configuration | what happens per event | events | events/s | notes |', '|---|---|---|---|---|');
  if (ok(rawKafka))
    L.push(
      `| raw kafkajs produce → consume (no database) | sends of ${n0(rawKafka.batch ?? 100)} messages${rawKafka.batch && rawKafka.batch === m.relayDefaults?.batchSize ? " (the relay's default batch)" : ''}, acks=all, 1 request in flight (the relay's producer settings); eachMessage parses JSON; offsets auto-committed (every 5 s) | ${n0(rawKafka.events)} | **${rate(rawKafka.endToEndRate)}** | produce side alone ${rate(rawKafka.produceRate)}; one explicit offset commit: p50 ${ms(rawKafka.offsetCommit?.p50)}, p99 ${ms(rawKafka.offsetCommit?.p99)} (${rawKafka.offsetCommit?.n} sequential commits) |`,
    );
  else L.push(`| raw kafkajs | | | ${failed(rawKafka)} | |`);
  if (ok(logTransport))
    L.push(
      `| libs/events KafkaEventLog publish → subscribe, no-op handler (no database) | publish() of ${n0(logTransport.batch ?? 100)} events at a time${logTransport.batch && logTransport.batch === m.relayDefaults?.batchSize ? " (the relay's default batch)" : ''}; KafkaSubscription: parse, handler, ${
        (m.subscriptionCommits ?? (commitBound(r) ? 'per message' : 'per batch')) === 'per message' ? '**await commitOffsets after every message**' : 'offsets committed per batch (eachBatch: every 100 events or 1 s, and at the end of a batch)'
      } | ${n0(logTransport.events)} | **${rate(logTransport.endToEndRate)}** | publish side alone ${rate(logTransport.publishRate)} |`,
    );
  else L.push(`| libs/events Kafka transport | | | ${failed(logTransport)} | |`);
  if (ok(storeAlone)) {
    const v = storeAlone.verified;
    const intact = (k) => (v?.[k]?.ok ? 'intact' : 'BROKEN');
    L.push(`| audit store alone: AuditRepository.append, 1 caller (no Kafka) | one transaction per record (append is appendMany with one entry): SELECT … FOR UPDATE on the chain row, duplicate check, INSERT, UPDATE head | ${n0(storeAlone.sequential.appended)} | ${rate(storeAlone.sequential.rate)} | chain verified: ${intact('store_alone')} |`);
    L.push(`| audit store alone: AuditRepository.append, 6 concurrent callers | the same; the chain-row lock serializes them | ${n0(storeAlone.concurrent.appended)} | ${rate(storeAlone.concurrent.rate)} | chain verified: ${intact('store_concurrent')} |`);
    for (const [k, b] of [
      ['many500', 500],
      ['many100', 100],
    ]) {
      const s = storeAlone[k];
      if (s)
        L.push(
          `| audit store alone: **AuditRepository.appendMany, batches of ${b}**, 1 caller | one transaction per batch: chain-row lock, one duplicate check, one multi-row INSERT, one head update | ${n0(s.appended)} | **${rate(s.rate)}** | one call p50 ${ms(s.callMs?.p50)}, p99 ${ms(s.callMs?.p99)}; chain verified by services/audit's ChainVerifier: ${intact(`store_${k}`)} |`,
        );
    }
  } else L.push(`| audit store alone | | | ${failed(storeAlone)} | |`);
  const pipeRow = (label, t) =>
    ok(t)
      ? L.push(
          `| ${label} | ${styleText(t.style)} → OutboxRelay (${relaySetting(t)}; kicked per commit) → KafkaEventLog → AuditIngestConsumer (subscribeBatches) → AuditRepository.appendMany; offsets committed ${m.subscriptionCommits ?? 'per batch'} | ${n0(t.events)} | **${rate(t.endToEndRate)}** | outbox commits ${rate(t.commitRate)} (${t.writers} writers, ${n0(t.txSize)} per transaction); relay published ${rate(t.publishRate)}; consumer sustained ${rate(t.ingestSustained)}; ${t.finished ? `all stored in ${ms(t.seconds * 1000)}` : `${n0(t.stored)} stored in ${n0(t.seconds)} s (≈ ${n0(t.projectedSeconds)} s for all)`}; chain ${t.chain?.ok ? `intact (${n0(t.chain.checked)} records)` : 'BROKEN'} |`,
        )
      : L.push(`| ${label} | | | ${failed(t)} | |`);
  const runs = [
    ['**the product path, appendAllToOutbox producers** (goal 1a)', tp, 'appendAllToOutbox producers'],
    ['the product path, per-event appendToOutbox producers', tpEach, 'appendToOutbox producers'],
    [`the product path, appendAllToOutbox producers, ${beforeText(tpBefore)}`, tpBefore, `relay batchSize ${n0(tpBefore?.relayBatchSize)}${tpBefore?.defaultBefore ? `, the default before ${tpBefore.defaultBefore}` : ''}`],
  ];
  for (const [label, t] of runs) if (t) pipeRow(label, t);
  L.push('');

  const measured = runs.filter(([, t]) => ok(t));
  if (measured.length) {
    L.push(
      'Stage by stage in those runs. Rates from the first commit to the last event through each stage; "sustained" leaves out the first and last 10 % of arrivals. Relay: rows per batch and the produce requests KafkaEventLog sent for a batch (it splits a publish into requests of about 1 MiB), time per batch in its SELECT of unpublished rows, its publish() to Kafka (acks=all) and its UPDATE marking the rows, and the share of its publishing period spent in them. Consumer: AuditRepository.appendMany calls as the consumer made them (one per handler call: a partition\'s fetched batch, at most 500 events), and the share of the run spent inside them.',
      '',
    );
    L.push(
      '| run | outbox commits | relay published (sustained) | relay per batch: rows (Kafka requests × MB) · SELECT · publish · UPDATE | relay busy | stored end to end (consumer sustained) | appendMany: records per call · time per call | consumer in appendMany | limited by |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const [, t, short] of measured) {
      const rw = relayWork(t);
      const aw = appendWork(t);
      L.push(
        `| ${short} | ${rate(t.commitRate)} | ${rate(t.publishRate)} (${rate(t.publishSustained)}) | ${rw ? `${n0(rw.perBatch)} (${isNum(rw.requestsPerBatch) ? `${rw.requestsPerBatch.toFixed(1)} × ${(rw.bytesPerRequest / 1e6).toFixed(2)}` : 'n/a'}) · ${ms(rw.selectMs)} · ${ms(rw.publishMs)} · ${ms(rw.updateMs)}` : 'n/a'} | ${rw ? `${(rw.busyShare * 100).toFixed(0)} %` : 'n/a'} | ${rate(t.endToEndRate)} (${rate(t.ingestSustained)}) | ${aw ? `${n0(aw.perCall)} · ${ms(aw.callMs)}` : 'n/a'} | ${aw ? `${(aw.busyShare * 100).toFixed(0)} %` : 'n/a'} | ${STAGE_NAMES[limitOf(t)]} |`,
      );
    }
    L.push('');
  }
  const cpuRuns = measured.filter(([, t]) => t.cpu);
  if (cpuRuns.length) {
    const parts = Object.keys(cpuRuns[0][1].cpu.coresUsed);
    L.push('CPU during the throughput runs, in cores (of 2) averaged over the run, from /proc (the producer process includes its OutboxRelay; PostgreSQL is the postmaster and all backends, serving both the outbox and the audit store):', '');
    L.push(`| run | ${parts.join(' | ')} | pipeline total | whole machine busy |`, `|---|${parts.map(() => '---|').join('')}---|---|`);
    for (const [, t, short] of cpuRuns)
      L.push(`| ${short} (${n0(t.cpu.seconds)} s) | ${parts.map((k) => (isNum(t.cpu.coresUsed[k]) ? t.cpu.coresUsed[k].toFixed(2) : 'n/a')).join(' | ')} | ${pipelineCores(t).toFixed(2)} | ${(t.cpu.machineBusyShare * 100).toFixed(0)} % |`);
    L.push('');
  }
  if (ok(tp) && tp.timeline?.length) {
    L.push(`Goal 1a's run, progress (sampled about once a second: events committed, outbox rows not yet published, events published but not yet in the audit store, events in the audit store):`, '');
    L.push('| seconds | committed | unpublished in the outbox | in Kafka, not yet stored | in the audit store |', '|---|---|---|---|---|');
    const every = Math.max(1, Math.round(tp.timeline.length / 12));
    tp.timeline
      .filter((_, i) => i % every === 0 || i === tp.timeline.length - 1)
      .forEach((t) => L.push(`| ${t.s.toFixed(0)} | ${n0(t.committed)} | ${n0(t.unpublished)} | ${isNum(t.published) ? n0(Math.max(0, t.published - t.stored)) : 'n/a'} | ${n0(t.stored)} |`));
    L.push('');
  }

  L.push('## Goal 1 — lag', '');
  L.push(
    'Per event: outbox transaction committed → its row committed in the audit store (the appendMany transaction resolved). Split into commit → Kafka (publish() resolved in the relay) and Kafka → store. The producer commits on a 10 ms tick what is due by then, in one transaction with appendAllToOutbox. Events not stored when the bench stopped waiting count at their age then (so those figures are lower bounds, marked ≥).',
    '',
  );
  L.push('| run | rate asked / achieved | events (stored) | total p50 | p90 | p99 | max | commit → Kafka p50 / p99 | Kafka → store p50 / p99 | appendMany: records per call | chain |', '|---|---|---|---|---|---|---|---|---|---|---|');
  const lagRow = (label, v) =>
    ok(v)
      ? L.push(
          `| ${label} | ${n0(v.rate)} / ${rate(v.achievedRate)} | ${n0(v.committed)} (${n0(v.stored)}) | ${ge(v)}${ms(v.total.p50)} | ${ge(v)}${ms(v.total.p90)} | ${ge(v)}${ms(v.total.p99)} | ${ge(v)}${ms(v.total.max)} | ${ms(v.relay.p50)} / ${ms(v.relay.p99)} | ${ms(v.consume.p50)} / ${ms(v.consume.p99)} | ${v.appendCalls?.n ? (v.appendCalls.entries / v.appendCalls.n).toFixed(1) : 'n/a'} | ${v.chain?.ok ? 'intact' : 'BROKEN'} |`,
        )
      : L.push(`| ${label} | | | ${failed(v)} | | | | | | | |`);
  lagRow('**product path at the goal rate**', lag);
  if (lagEasy) lagRow('product path at about half its sustained rate', lagEasy);
  L.push('');
  if (ok(lag) && lag.windows?.length) {
    L.push(`Product path at ${n0(lag.rate)}/s, lag by when the event was committed (${lag.windowS}-s windows):`, '');
    L.push('| committed at (s) | events | p50 | p99 | max |', '|---|---|---|---|---|');
    for (const w of lag.windows) if (w?.n) L.push(`| ${w.fromS}–${w.fromS + lag.windowS} | ${n0(w.n)} | ${ge(lag)}${ms(w.p50)} | ${ge(lag)}${ms(w.p99)} | ${ge(lag)}${ms(w.max)} |`);
    L.push('');
  }

  // ------------------------------------------------------------------ goal 2 details
  L.push('## Goal 2 — a push with audit on and off', '');
  if (ok(push)) {
    L.push(
      `\`git push\` (HTTP, stock git) of ${n0(pushSetup.commits)} commits / ${n0(pushSetup.files)} files / ${n0(pushSetup.objects)} objects (${mb(pushSetup.packBytes)} packed) into a fresh repository each time; one warm-up per mode, then ${push.on.n} rounds, each one push per mode, order alternating (ABBA). Before each push: CreateRepository, then ${push.windowMs.settle} ms for its own events to settle. CPU: every stack process (utime+stime, reaped git children included) over the push and ${push.windowMs.tail} ms after it, minus the idle background.`,
      '',
    );
    L.push('| audit | p50 | mean | min | max | samples (s) | stack CPU per push (mean) |', '|---|---|---|---|---|---|---|');
    for (const mode of ['on', 'off']) {
      const st = push[mode];
      L.push(
        `| ${mode} | ${ms(st.p50)} | ${ms(st.mean)} | ${ms(st.min)} | ${ms(st.max)} | ${push.samples.filter((s) => s.mode === mode).map((s) => `${(s.ms / 1000).toFixed(2)}${s.others ? '*' : ''}`).join(', ')} | ${ms(push.cpu[mode].mean)} |`,
      );
    }
    L.push('');
    if (push.samples.some((s) => s.others)) L.push('(* another benchmark, jest run or Cairn stack was running when the push started.)', '');
    L.push(`Overhead: p50 ${pct(push.overheadP50)}; mean ${pct(push.overheadMean)} ± ${(2 * push.overheadMeanSe * 100).toFixed(1)} % (2 standard errors of the difference of the means).`, '');
    if (push.paired) {
      L.push(
        `Per round (on ÷ off − 1 of the round's two pushes): ${push.paired.rounds.map((v) => pct(v, 0)).join(', ')}; median ${pct(push.paired.median)}, 90 % bootstrap interval of the median ${pct(push.paired.low)} … ${pct(push.paired.high)}. Rounds during which another benchmark, jest run or Cairn stack was running: ${push.paired.contaminatedRounds} of ${push.paired.rounds.length}.`,
        '',
      );
    }
    const on = push.cpu.perProcess.on;
    const off = push.cpu.perProcess.off;
    const diffs = Object.keys(on)
      .map((k) => [k, on[k] - off[k]])
      .filter(([, d]) => isNum(d) && Math.abs(d) >= 1)
      .sort((a, b) => b[1] - a[1]);
    if (diffs.length) {
      L.push('CPU per push, on − off, by process (mean; /proc counts in 10 ms ticks, so single figures are coarse):', '');
      L.push('| process | on | off | on − off |', '|---|---|---|---|');
      for (const [k, d] of diffs) L.push(`| ${k} | ${ms(on[k])} | ${ms(off[k])} | ${d >= 0 ? '+' : '−'}${ms(Math.abs(d))} |`);
      L.push('');
    }
  } else L.push(failed(push), '');
  if (ok(pushVerify)) {
    L.push(
      `Audit trail check (CloudTrail LookupEvents by repository name, through the API): GitPush records for ${pushVerify.found.on}/${pushVerify.pushes.on} pushes with audit on and ${pushVerify.found.off}/${pushVerify.pushes.off} with it off${pushVerify.ok ? '' : ` — **mismatch** (missing: ${pushVerify.missing.join(', ') || 'none'}; unexpected: ${pushVerify.unexpected.join(', ') || 'none'})`}; git-protocol's log shows the switch taking ${pushVerify.switchCounts.on} pushes on and ${pushVerify.switchCounts.off} off.`,
      '',
    );
  }
  if (ok(pushLag)) L.push(`Context: from the end of a push to its GitPush record being answered by LookupEvents (all-in-one: the Postgres-backed event log, polled every 250 ms by the audit consumer): ${pushLag.lagsMs.map((v) => ms(v)).join(', ')}.`, '');

  // ------------------------------------------------------------------ next bottleneck
  L.push('## Goal 1 — the next bottleneck (from this run\'s figures; nothing here was changed)', '');
  if (ok(tp)) {
    const share = (v) => `${(v * 100).toFixed(0)} %`;
    const relayMechanics = (rw) =>
      rw
        ? `one batch at a time — SELECT the oldest unpublished rows (${ms(rw.selectMs)}), publish them to Kafka with acks=all (${ms(rw.publishMs)}${requestsText(rw) ? `, ${requestsText(rw)}` : ''}), UPDATE them as published (${ms(rw.updateMs)}) — ${n0(rw.perBatch)} rows per batch on average, busy ${share(rw.busyShare)} of its publishing period`
        : 'one batch at a time (timings n/a)';
    const relayOverlap = (rw) =>
      rw ? `The two database statements take ${share((rw.selectMs + rw.updateMs) / (rw.selectMs + rw.publishMs + rw.updateMs))} of each batch, and nothing overlaps: the next SELECT waits for this batch's UPDATE.` : '';
    const stageItem = (stage, t, which) => {
      const rw = relayWork(t);
      const aw = appendWork(t);
      const r = stageRates(t);
      if (stage === 'producer') {
        return `**The producing side** (${which}): the outbox commits (${rate(t.commitRate)}, one process, ${t.writers} writers, ${styleText(t.style)}) set the pace; the relay was busy ${rw ? share(rw.busyShare) : 'n/a'} of its publishing period and the consumer spent ${aw ? share(aw.busyShare) : 'n/a'} of the run inside appendMany.${
          ok(tpEach) && t.style === 'all' ? ` Per-event appendToOutbox producers committed ${rate(tpEach.commitRate)} (appendAllToOutbox: ${x(t.commitRate / tpEach.commitRate)} that).` : ''
        }`;
      }
      if (stage === 'relay') {
        return `**The OutboxRelay** (libs/events outbox-relay.ts; ${which}): ${relayMechanics(rw)}: it published ${rate(t.publishRate)}, sustaining ${rate(r.relay)}, against ${rate(t.commitRate)} of commits. ${relayOverlap(rw)}`;
      }
      return `**The audit consumer** (services/audit AuditIngestConsumer on libs/events KafkaSubscription; ${which}): it stored ${rate(t.endToEndRate)} end to end, sustaining ${rate(r.consumer)} against ${rate(r.relay)} sustained by the relay, in ${aw ? `${n0(aw.calls)} appendMany calls of ${n0(aw.perCall)} records on average, ${ms(aw.callMs)} each` : 'appendMany calls (timings n/a)'}${
        aw ? `: it spent ${storeShare(aw.busyShare)}. Inside those calls it stored ${rate((aw.perCall * 1000) / aw.callMs)}, against ${ok(storeAlone) ? rate(storeAlone.many500?.rate) : 'n/a'} for the store alone in batches of 500 (${ok(storeAlone) ? rate(storeAlone.many100?.rate) : 'n/a'} in batches of 100; during the run the same PostgreSQL server also takes the outbox's INSERTs and the relay's SELECTs and UPDATEs)` : ''
      }.`;
    };
    const limit = limitOf(tp);
    const items = [stageItem(limit, tp, "goal 1a's run")];
    // The stage behind the limiting one: how much a faster limiting stage would buy before it limits.
    const r = stageRates(tp);
    if (limit === 'consumer') {
      const next = r.relay < 0.9 * r.producer ? 'relay' : 'producer';
      items.push(
        `**Next in line: ${STAGE_NAMES[next]}** (goal 1a's run): ${next === 'relay' ? 'the relay' : 'the commits'} sustained ${rate(r[next])}, ${pct(r[next] / r.consumer - 1, 0)} over what the consumer sustained, so a faster consumer would raise the path by at most about that much before ${STAGE_NAMES[next]} limit${next === 'relay' ? 's' : ''} it.` +
          (next === 'relay' ? ` The relay (libs/events outbox-relay.ts) works ${relayMechanics(relayWork(tp))}, against ${rate(tp.commitRate)} of commits. ${relayOverlap(relayWork(tp))}` : ''),
      );
    } else if (limit === 'relay') {
      const aw = appendWork(tp);
      const { kafka: waited } = backlogs(tp);
      const inside = aw ? `${share(aw.busyShare)} of the run inside appendMany (${n0(aw.perCall)} records per call, ${ms(aw.callMs)} each)` : 'appendMany timings n/a';
      items.push(
        r.consumer >= 0.97 * r.relay
          ? `**Behind it, the audit consumer** (goal 1a's run) kept up with the relay: it sustained ${rate(r.consumer)} against the relay's ${rate(r.relay)}, ${inside}; how much more it would take is not measured here (the store alone takes ${ok(storeAlone) ? rate(storeAlone.many500?.rate) : 'n/a'} in batches of 500).`
          : `**Close behind it, the audit consumer** (goal 1a's run): it sustained ${rate(r.consumer)}, ${pct(r.consumer / r.relay - 1)} against the relay's ${rate(r.relay)} (within the 10 % this report takes as keeping pace), with ${inside}${isNum(waited) ? `; up to ${n0(waited)} published events waited in Kafka at a sample` : ''}. The two are within 10 % of each other here, so a faster relay alone would soon meet the consumer's limit.`,
      );
    }
    if (ok(tpBefore)) {
      const a = relayWork(tpBefore);
      const b = relayWork(tp);
      const perRow = (w) => (w.selectMs + w.publishMs + w.updateMs) / w.perBatch;
      let fit = '';
      if (a && b && b.perBatch > 1.5 * a.perBatch) {
        const aMs = a.selectMs + a.publishMs + a.updateMs;
        const bMs = b.selectMs + b.publishMs + b.updateMs;
        const rowMs = (bMs - aMs) / (b.perBatch - a.perBatch);
        const fixedMs = aMs - rowMs * a.perBatch;
        fit =
          rowMs > 0 && fixedMs > 0
            ? ` A rough two-point estimate from these batches (the two runs' writers loaded PostgreSQL differently): about ${ms(fixedMs)} per batch plus ${us(rowMs)} per row, so at ${n0(b.perBatch)} rows the fixed part is ${share(fixedMs / bMs)} of a batch and still larger batches could raise the relay by at most about ${pct(fixedMs / (rowMs * b.perBatch), 0)}; what remains is the per-row cost of its SELECT, publish and UPDATE.`
            : ` The time per batch grew at least in proportion to its rows (${ms(aMs)} for ${n0(a.perBatch)}, ${ms(bMs)} for ${n0(b.perBatch)}): no fixed cost per batch is left to spread in these figures.`;
      }
      items.push(
        `**What the default of ${n0(tp.relayBatchSize)} rows per batch bought** (goal 1a's run against the same run with batchSize ${n0(tpBefore.relayBatchSize)}${tpBefore.defaultBefore ? `, the relay's default before commit ${tpBefore.defaultBefore}` : ''}): end to end ${rate(tp.endToEndRate)} against ${rate(tpBefore.endToEndRate)} (${pct(tp.endToEndRate / tpBefore.endToEndRate - 1, 0)}); the relay published ${rate(tp.publishRate)} against ${rate(tpBefore.publishRate)} (sustained ${rate(tp.publishSustained)} against ${rate(tpBefore.publishSustained)})` +
          (a && b
            ? `, ${n0(b.perBatch)} rows per batch in ${ms(b.selectMs + b.publishMs + b.updateMs)} (SELECT ${ms(b.selectMs)}, publish ${ms(b.publishMs)}, UPDATE ${ms(b.updateMs)}; ${us(perRow(b))} per row) against ${n0(a.perBatch)} rows in ${ms(a.selectMs + a.publishMs + a.updateMs)} (SELECT ${ms(a.selectMs)}, publish ${ms(a.publishMs)}, UPDATE ${ms(a.updateMs)}; ${us(perRow(a))} per row)`
            : '') +
          `. With ${n0(tpBefore.relayBatchSize)} rows per batch the run was limited by ${STAGE_NAMES[limitOf(tpBefore)]}${limitOf(tpBefore) === limit ? ' too' : ''}.` +
          fit,
      );
    }
    if (tp.cpu) {
      const t = tp;
      items.push(
        `**CPU** (goal 1a's run): ${cpuText(t)}${t.cpu.machineBusyShare >= 0.9 ? ': on this 2-core machine broker, PostgreSQL, producer and consumer compete for the same cores, so making one stage cheaper in CPU helps every other one' : ''}.`,
      );
    }
    items.forEach((t, i) => L.push(`${i + 1}. ${t}`));
    L.push('');
  } else L.push(`Goal 1a was not measured (${failed(tp)}).`, '');

  // ------------------------------------------------------------------ method
  L.push('## Method', '');
  L.push(
    '- Goal 1 runs on a private single-node KRaft broker (`startKafka()` from libs/testing/dist, Kafka from the Maven cache) and a private PostgreSQL server (`startPostgres()` from libs/testing/dist, as the test harness runs it: fsync off, so commits are cheaper than in production). Two child processes: the **producing service** (libs/runtime `openDatabase` with `OUTBOX_ENTITIES`; transactions of 100 events written either with one `appendAllToOutbox` call — goal 1a\'s headline and the lag runs — or with `appendToOutbox` per event; the real `OutboxRelay` with default settings — ' +
      (m.relayDefaults ? `batches of ${n0(m.relayDefaults.batchSize)}, ${n0(m.relayDefaults.pollIntervalMs / 1000)} s poll, as read from libs/events/dist` : 'its own defaults') +
      ' — kicked after every commit as repo-metadata does, plus one run with `batchSize: ' +
      n0(tpBefore?.relayBatchSize ?? 100) +
      '`' +
      (tpBefore?.defaultBefore ? ` (its default before commit ${tpBefore.defaultBefore})` : '') +
      '; `createEventLog(\'kafka://…\')`, whose KafkaEventLog creates the topic (6 partitions, max.message.bytes 16 MiB unless configured) and splits each publish into produce requests of about 1 MiB) and the **audit service\'s ingestion** (`openDatabase` with services/audit\'s `AUDIT_ENTITIES`, `prepareAuditSchema`, `AuditRepository`, `createEventLog(url, { clientId: \'audit\' })` and the real `AuditIngestConsumer` from services/audit/dist, subscribed with `subscribeBatches` through `onApplicationBootstrap()` — as AuditModule wires them). Each measurement gets fresh databases, topic and consumer group, and starts after a warm-up of ' +
      n0(scale.warmupEvents) +
      ' events.',
    '- Timestamps: the producer notes when each transaction committed and when the relay\'s `publish()` resolved (a wrapper around the EventLog handed to the relay), and times the relay\'s SELECT and UPDATE (wrappers on its outbox Repository); the audit process notes when each `AuditRepository.appendMany` call resolved, for every entry it stored (keyed by the event id, the entry\'s fallback), and how many entries each call carried (a wrapper on the instance). Same clock (`performance.timeOrigin + performance.now()`), same machine. No product code is changed.',
    `- Goal 1a commits ${n0(scale.burstEvents)} events from ${scale.writers} concurrent writers and waits at most ${scale.drainLimitS} s for the audit store; when it stops early the rate is what was stored over the time waited, and "sustained" is the rate between the 10th and 90th percentile of arrivals. Goal 1b commits at ${n0(scale.lagRate)}/s for ${scale.lagSeconds} s and then waits at most ${scale.lagDrainLimitS} s.`,
    `- Baselines: raw kafkajs (the relay's producer settings, sends of ${n0(rawKafka?.batch ?? 100)} messages; a consumer with auto-commit), libs/events' KafkaEventLog (publishes of ${n0(logTransport?.batch ?? 100)} events) with a handler that does nothing,` +
      ' and the audit store without Kafka (`append` one record at a time with 1 and 6 callers; `appendMany` in batches of 500 and 100).',
    '- In the product, audit.recorded events are not written to an outbox: git-protocol and api-gateway publish them with AuditPublisher (batched, off the request path) straight to the event log. The outbox carries the domain events (repository.*, pull-request.*). The goal names the outbox, so goal 1 drives audit.recorded events through it: the consumer side is the same either way, while the outbox and the OutboxRelay are the stages a producing service\'s domain events pass through.',
    '- Goal 2 starts the real all-in-one stack (bench/lib/cairn.mjs: services/supervisor/dist with PGlite databases and the Postgres-backed event log) with bench/events/lib/audit-switch.cjs preloaded (NODE_OPTIONS=--require). In git-protocol only, it wraps GitAudit.record: while the switch file reads "off" it returns at once — what the product does when CAIRN_EVENT_LOG_URL is empty — otherwise the product\'s record() runs. The supervisor always gives git-protocol the event log URL, so the all-in-one stack has no setting to turn audit off; the switch lets one stack alternate modes. Pushes are over HTTP with a stock git client; the repository is generated with `git fast-import` (bench/codecommit-api/lib/bigrepo.mjs) and repacked.',
    `- Every step has a time limit and the whole run a budget of measuring time (${scale.budgetMinutes} min). Before measuring, the run waits (at most 15 min) while another benchmark, jest run or Cairn stack is running on this 2-core machine, and again before each step (at most 3 min) and each push round (at most 90 s), within 8 min in all; what still overlapped is listed under "Other jobs on the machine".`,
    '',
  );
  return L.map((l) => l.trimEnd()).join('\n');
}
