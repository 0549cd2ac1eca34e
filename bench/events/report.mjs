// RESULTS.md for the events/audit benchmark. Verdicts use this run's unrounded figures.
export const GOAL_RATE = 5_000;
export const GOAL_LAG_MS = 1_000;
export const GOAL_OVERHEAD = 0.05;

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const ms = (v) => (isNum(v) ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`) : 'n/a');
const rate = (v) => (isNum(v) ? `${Math.round(v).toLocaleString('en')}/s` : 'n/a');
const n0 = (v) => (isNum(v) ? Math.round(v).toLocaleString('en') : 'n/a');
const pct = (v, d = 1) => (isNum(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(d)} %` : 'n/a');
const x = (v) => (isNum(v) ? `${v >= 10 ? v.toFixed(0) : v.toFixed(1)}×` : 'n/a');
const mb = (b) => (isNum(b) ? `${(b / 1e6).toFixed(1)} MB` : 'n/a');
const ok = (g) => g && !g.error;
const failed = (g) => (g?.error ? `failed: ${g.error.split('\n')[0]}` : 'not run (an earlier step failed, was skipped, or the time budget ran out)');
const ge = (lag) => (lag && lag.notStored > 0 ? '≥ ' : '');

/** What bounds a pipeline run whose consumer keeps up: the outbox commits or the relay. */
function nextLimit(t) {
  if (t.publishRate < 0.9 * t.commitRate) {
    return `the next limit is the OutboxRelay: it published ${rate(t.publishRate)} while the outbox took ${rate(t.commitRate)} of commits (one SELECT, one Kafka send with acks=all and one UPDATE per 100 rows, one batch at a time)`;
  }
  return `the next limit is the producing side: one process with ${t.writers} writers committed ${rate(t.commitRate)} (appendToOutbox is one INSERT per event; 100 per transaction), and the relay kept pace (${rate(t.publishRate)} published) — on 2 cores shared with the broker, PostgreSQL and the consumer`;
}

/** Is the Kafka transport itself (per-message offset commits) what caps a consumer? */
function commitBound(r) {
  return ok(r.logTransport) && ok(r.rawKafka) && r.logTransport.endToEndRate < 0.25 * r.rawKafka.endToEndRate;
}

/** The pipeline's own processes, in cores of the machine's 2, over a throughput run. */
const pipelineCores = (t) => (t?.cpu ? Object.values(t.cpu.coresUsed).reduce((a, b) => a + (isNum(b) ? b : 0), 0) : NaN);

/** Goal 1a's cause, from this run's figures. */
function causeOf1a(r) {
  const { rawKafka, logTransport, storeAlone, throughput: tp } = r;
  const commit = rawKafka?.offsetCommit;
  let text = '';
  const cb = commitBound(r);
  if (cb) {
    text += `**Cause: the consumer commits its Kafka offset after every message.** libs/events' KafkaEventLog with a handler that does nothing moves ${rate(logTransport.endToEndRate)}, against ${rate(rawKafka.endToEndRate)} for kafkajs without per-message commits on the same broker; one offset commit takes ${ms(commit?.p50)} (p50, p99 ${ms(commit?.p99)}) here — Kafka 4's group coordinator holds each write for \`group.coordinator.append.linger.ms\` (default 5 ms) — and KafkaSubscription awaits one per message, one partition at a time, so a consumer cannot pass ~${n0(1000 / (commit?.p50 ?? 5))} events/s whatever its handler does. `;
  } else if (ok(logTransport) && ok(rawKafka)) {
    text += `The Kafka transport is not the limit: libs/events' KafkaEventLog with a handler that does nothing moves ${rate(logTransport.endToEndRate)} (raw kafkajs ${rate(rawKafka.endToEndRate)}), committing offsets per batch in the code measured (one offset commit costs ${ms(commit?.p50)} here). `;
  }
  if (ok(storeAlone) && ok(tp)) {
    const share = tp.ingestSustained / storeAlone.sequential.rate;
    text += `${cb ? 'The second limit is the store' : `**Cause: the audit store appends one record per transaction.** The consumer sustained ${rate(tp.ingestSustained)}, ${(share * 100).toFixed(0)} % of what the store does alone`}: AuditRepository.append is one transaction per record (lock the chain row, insert, update the head), ${rate(storeAlone.sequential.rate)} alone with one caller and ${rate(storeAlone.concurrent.rate)} with six (the chain-row lock serializes them), on a PostgreSQL run with fsync off — durable commits would be slower still. `;
    if (!cb && tp.cpu) {
      const cores = pipelineCores(tp);
      text += `Its processes used ${cores.toFixed(2)} of the 2 cores (the whole machine was ${(tp.cpu.machineBusyShare * 100).toFixed(0)} % busy, other people's jobs included)${cores < 1.5 ? ': the consumer mostly waits on database round trips, one event at a time' : ''}. `;
    }
  }
  return text;
}

export function renderReport({ results: r, machine: m, scale, quick, only }) {
  const L = [];
  const { rawKafka, logTransport, storeAlone, throughput: tp, lag, lagEasy, protoThroughput: ptp, protoLag: plag, push, pushSetup, pushVerify, pushLag } = r;
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
  if (m.kafka) L.push(`| Kafka | ${m.kafka} |`);
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
    L.push(
      `| 1a | event throughput, outbox → Kafka → audit store (services/audit's AuditIngestConsumer + AuditRepository) | ≥ ${n0(GOAL_RATE)} events/s | **${rate(tp.endToEndRate)}** (${stored}; ingest sustained ${rate(tp.ingestSustained)}) | ${ok(rawKafka) ? `raw kafkajs produce→consume ${rate(rawKafka.endToEndRate)}` : 'raw kafkajs n/a'}; ${ok(logTransport) ? `libs/events Kafka transport, no-op handler ${rate(logTransport.endToEndRate)}` : ''}; ${ok(storeAlone) ? `audit store alone ${rate(storeAlone.sequential.rate)}` : ''}; ${ok(ptp) ? `bench prototype of batched ingestion ${rate(ptp.endToEndRate)}` : ''} | ${verdict(tpMet)}${tpMet ? '' : ` — ${x(GOAL_RATE / tp.endToEndRate)} short`} |`,
    );
  } else L.push(`| 1a | event throughput outbox → audit store | ≥ ${n0(GOAL_RATE)} events/s | ${failed(tp)} | | not measured |`);
  if (ok(lag)) {
    L.push(
      `| 1b | end-to-end lag (outbox commit → row in the audit store) at ${n0(lag.rate)} events/s for ${lag.seconds} s | p99 < ${ms(GOAL_LAG_MS)} | **p99 ${ge(lag)}${ms(lag.total.p99)}**, p50 ${ge(lag)}${ms(lag.total.p50)}, max ${ge(lag)}${ms(lag.total.max)}${lag.notStored ? ` (${n0(lag.notStored)} of ${n0(lag.committed)} not yet stored ${lag.drainLimitS} s after the last commit: counted at their age then)` : ''} | ${ok(lagEasy) ? `same path at ${n0(lagEasy.rate)}/s: p99 ${ms(lagEasy.total.p99)}` : ''}${ok(plag) ? `; prototype ingestion at ${n0(plag.rate)}/s: p99 ${ge(plag)}${ms(plag.total.p99)}` : ''} | ${verdict(lagMet)}${lagMet ? '' : ` — ${ge(lag)}${ms(lag.total.p99 - GOAL_LAG_MS)} over`} |`,
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
      `- **Goal 1a (≥ ${n0(GOAL_RATE)} events/s outbox → audit store): ${tpMet ? 'met' : 'NOT met'}.** The product path moved ${rate(tp.endToEndRate)} end to end (the audit consumer sustained ${rate(tp.ingestSustained)}); ${tpMet ? `${rate(tp.endToEndRate - GOAL_RATE)} of margin.` : `the gap is ${rate(GOAL_RATE - tp.endToEndRate)} (${x(GOAL_RATE / tp.endToEndRate)}).`} ` +
        (tp.commitRate > 1.5 * tp.endToEndRate && tp.publishRate > 1.5 * tp.endToEndRate
          ? `The producing side is not what limits it: the outbox took ${rate(tp.commitRate)} of commits and the OutboxRelay published ${rate(tp.publishRate)} to Kafka in the same run. `
          : `The outbox took ${rate(tp.commitRate)} of commits and the OutboxRelay published ${rate(tp.publishRate)} in the same run. `) +
        causeOf1a(r) +
        (ok(ptp)
          ? `With ${commitBound(r) ? 'both' : 'the store\'s per-record transaction'} removed in a bench-side prototype (eachBatch, one append transaction and one offset commit per partition batch; see "What would reach goal 1"), the same pipeline moved ${rate(ptp.endToEndRate)}${ptp.endToEndRate < GOAL_RATE ? `; ${nextLimit(ptp)}` : ''}.`
          : ''),
    );
  } else L.push(`- **Goal 1a: not measured** (${failed(tp)}).`);
  if (ok(lag)) {
    L.push(
      `- **Goal 1b (lag p99 < ${ms(GOAL_LAG_MS)} at ${n0(lag.rate)} events/s): ${lagMet ? 'met' : 'NOT met'}.** p99 ${ge(lag)}${ms(lag.total.p99)}${lagMet ? '' : `, ${ge(lag)}${ms(lag.total.p99 - GOAL_LAG_MS)} over the line`}. ` +
        (lagMet
          ? ''
          : ok(tp) && tp.ingestSustained < lag.rate
            ? `${n0(lag.rate)}/s is above what the consumer sustains (${rate(tp.ingestSustained)}, goal 1a), so a backlog grows for as long as the load lasts and the lag with it (see the table by commit time below); the relay's share stays small (p99 ${ms(lag.relay.p99)} from commit to Kafka), the rest is waiting in Kafka for the consumer. `
            : `The consumer sustained ${ok(tp) ? rate(tp.ingestSustained) : 'n/a'} in goal 1a, yet at ${n0(lag.rate)}/s the lag splits into commit → Kafka p99 ${ms(lag.relay.p99)} and Kafka → store p99 ${ms(lag.consume.p99)} (see the table by commit time below). `) +
        (ok(lagEasy) ? `At ${n0(lagEasy.rate)}/s, which it keeps up with, the same path has p50 ${ms(lagEasy.total.p50)} and p99 ${ms(lagEasy.total.p99)}: the path is fast when not saturated. ` : '') +
        (ok(plag) ? `The prototype ingestion at ${n0(plag.rate)}/s: p50 ${ge(plag)}${ms(plag.total.p50)}, p99 ${ge(plag)}${ms(plag.total.p99)}${plag.notStored ? ` (${n0(plag.notStored)} not stored in time)` : ''}.` : ''),
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
        `By construction the audit record is off the push's request path: git-protocol calls GitAudit.record in a \`finally\` after the response has ended (HTTP) or the session finished (SSH), and AuditPublisher.record only queues the record (flushed within 50 ms, in batches, by a timer). What auditing does cost is CPU after the push: ${ms(auditCpu)} of stack CPU per push (on ${ms(c.on.mean)} vs off ${ms(c.off.mean)}, mean over push + ${push.windowMs.tail} ms after; ${pct(auditCpu / c.off.mean)} of a push's CPU), which on 2 cores competes with whatever runs next.` +
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
      `| raw kafkajs produce → consume (no database) | batches of 100, acks=all, 1 request in flight (the relay's producer settings); eachMessage parses JSON; offsets auto-committed (every 5 s) | ${n0(rawKafka.events)} | **${rate(rawKafka.endToEndRate)}** | produce side alone ${rate(rawKafka.produceRate)}; one explicit offset commit: p50 ${ms(rawKafka.offsetCommit?.p50)}, p99 ${ms(rawKafka.offsetCommit?.p99)} (${rawKafka.offsetCommit?.n} sequential commits) |`,
    );
  else L.push(`| raw kafkajs | | | ${failed(rawKafka)} | |`);
  if (ok(logTransport))
    L.push(
      `| libs/events KafkaEventLog publish → subscribe, no-op handler (no database) | KafkaSubscription: parse, handler, ${
        (m.subscriptionCommits ?? (commitBound(r) ? 'per message' : 'per batch')) === 'per message' ? '**await commitOffsets after every message**' : 'offsets committed per batch (eachBatch: every 100 events or 1 s, and at the end of a batch)'
      } | ${n0(logTransport.events)} | **${rate(logTransport.endToEndRate)}** | publish side alone ${rate(logTransport.publishRate)} |`,
    );
  else L.push(`| libs/events Kafka transport | | | ${failed(logTransport)} | |`);
  if (ok(storeAlone)) {
    const v = storeAlone.verified;
    L.push(`| audit store alone: AuditRepository.append, 1 caller (no Kafka) | one transaction: SELECT … FOR UPDATE on the chain row, INSERT, UPDATE head | ${n0(storeAlone.sequential.appended)} | **${rate(storeAlone.sequential.rate)}** | chain verified: ${v?.store_alone?.ok ? 'intact' : 'BROKEN'} |`);
    L.push(`| audit store alone, 6 concurrent callers | the same; the chain-row lock serializes them | ${n0(storeAlone.concurrent.appended)} | ${rate(storeAlone.concurrent.rate)} | chain verified: ${v?.store_concurrent?.ok ? 'intact' : 'BROKEN'} |`);
    L.push(`| audit store, bench prototype of batched appends (not product code) | 100 records per transaction: one chain lock, one multi-row INSERT, one head update; same canonical JSON and hash | ${n0(storeAlone.batched.appended)} | ${rate(storeAlone.batched.rate)} | chain verified by services/audit's ChainVerifier: ${v?.store_batched?.ok ? 'intact' : 'BROKEN'} |`);
  } else L.push(`| audit store alone | | | ${failed(storeAlone)} | |`);
  const pipeRow = (label, t) =>
    ok(t)
      ? L.push(
          `| ${label} | ${t.path === 'product' ? `appendToOutbox → OutboxRelay (kicked per commit) → KafkaEventLog → AuditIngestConsumer.handle → AuditRepository.append; offsets committed ${m.subscriptionCommits ?? (commitBound(r) ? 'per message' : 'per batch')}` : 'appendToOutbox → OutboxRelay → KafkaEventLog → prototype eachBatch consumer → batched append → one offset commit per batch'} | ${n0(t.events)} | **${rate(t.endToEndRate)}** | outbox commits ${rate(t.commitRate)} (${t.writers} writers, 100 per transaction); relay published ${rate(t.publishRate)}; consumer sustained ${rate(t.ingestSustained)}; ${t.finished ? `all stored in ${ms(t.seconds * 1000)}` : `${n0(t.stored)} stored in ${n0(t.seconds)} s (≈ ${n0(t.projectedSeconds)} s for all)`}; chain ${t.chain?.ok ? `intact (${n0(t.chain.checked)} records)` : 'BROKEN'} |`,
        )
      : L.push(`| ${label} | | | ${failed(t)} | |`);
  pipeRow('**the product path** (goal 1a)', tp);
  pipeRow('the same with the prototype ingestion (bench code)', ptp);
  L.push('');
  const cpuRuns = [
    ['the product path', tp],
    ['with the prototype ingestion', ptp],
  ].filter(([, t]) => ok(t) && t.cpu);
  if (cpuRuns.length) {
    const parts = Object.keys(cpuRuns[0][1].cpu.coresUsed);
    L.push('CPU during the throughput runs, in cores (of 2) averaged over the run, from /proc (the producer process includes its OutboxRelay; PostgreSQL is the postmaster and all backends):', '');
    L.push(`| run | ${parts.join(' | ')} | whole machine busy |`, `|---|${parts.map(() => '---|').join('')}---|`);
    for (const [label, t] of cpuRuns) L.push(`| ${label} (${n0(t.cpu.seconds)} s) | ${parts.map((k) => (isNum(t.cpu.coresUsed[k]) ? t.cpu.coresUsed[k].toFixed(2) : 'n/a')).join(' | ')} | ${(t.cpu.machineBusyShare * 100).toFixed(0)} % |`);
    L.push('');
  }
  if (ok(tp) && tp.timeline?.length) {
    L.push(`Product path, progress during the throughput run (outbox rows not yet published; events in the audit store):`, '');
    L.push('| seconds | unpublished in the outbox | in the audit store |', '|---|---|---|');
    const every = Math.max(1, Math.round(tp.timeline.length / 12));
    tp.timeline.filter((_, i) => i % every === 0 || i === tp.timeline.length - 1).forEach((t) => L.push(`| ${t.s.toFixed(0)} | ${n0(t.unpublished)} | ${n0(t.stored)} |`));
    L.push('');
  }

  L.push('## Goal 1 — lag', '');
  L.push(
    'Per event: outbox transaction committed → its row committed in the audit store (the append transaction resolved). Split into commit → Kafka (publish() resolved in the relay) and Kafka → store. The producer commits on a 10 ms tick what is due by then. Events not stored when the bench stopped waiting count at their age then (so those figures are lower bounds, marked ≥).',
    '',
  );
  L.push('| run | rate asked / achieved | events (stored) | total p50 | p90 | p99 | max | commit → Kafka p50 / p99 | Kafka → store p50 / p99 | chain |', '|---|---|---|---|---|---|---|---|---|---|');
  const lagRow = (label, v) =>
    ok(v)
      ? L.push(
          `| ${label} | ${n0(v.rate)} / ${rate(v.achievedRate)} | ${n0(v.committed)} (${n0(v.stored)}) | ${ge(v)}${ms(v.total.p50)} | ${ge(v)}${ms(v.total.p90)} | ${ge(v)}${ms(v.total.p99)} | ${ge(v)}${ms(v.total.max)} | ${ms(v.relay.p50)} / ${ms(v.relay.p99)} | ${ms(v.consume.p50)} / ${ms(v.consume.p99)} | ${v.chain?.ok ? 'intact' : 'BROKEN'} |`,
        )
      : L.push(`| ${label} | | | ${failed(v)} | | | | | | |`);
  lagRow('**product path at the goal rate**', lag);
  if (lagEasy) lagRow('product path at about half its sustained rate', lagEasy);
  lagRow('prototype ingestion at the goal rate (bench code)', plag);
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

  // ------------------------------------------------------------------ product changes
  L.push('## What would reach goal 1 (product changes — described here, not made)', '');
  const cb = commitBound(r);
  const steps = [];
  if (cb) {
    steps.push(
      "**Commit Kafka offsets per batch, not per message** (libs/events `KafkaSubscription`): handle a partition batch (kafkajs `eachBatch`), then commit once. Delivery stays at least once (the commit still follows the handlers). Per-message commits cap any consumer at roughly 1 / (offset-commit latency) — about 150–200 events/s on a Kafka 4 broker with the default `group.coordinator.append.linger.ms` of 5 ms — whatever the handler does. Lowering the broker's linger only narrows the gap; a round trip per event stays.",
    );
  } else if (ok(r.logTransport)) {
    steps.push(
      `**Per-batch offset commits** are in the code measured (libs/events' KafkaSubscription: eachBatch, committing every 100 events or 1 s and at the end of each batch), and the transport alone moved ${rate(r.logTransport.endToEndRate)}. (Committing after every message — KafkaSubscription before that change — the transport moved ≈ 150–160/s on this machine in earlier runs of this suite: one offset commit costs ${ms(r.rawKafka?.offsetCommit?.p50)} here, a Kafka 4 group coordinator lingering 5 ms per write by default.)`,
    );
  }
  steps.push(
    "**Append audit records in batches** (services/audit `AuditRepository`): one transaction, one chain-row lock, one multi-row INSERT and one head update per batch, the hashes computed in order in memory (the bench's `appendBatchPrototype` in lib/ingest.mjs does exactly this, and services/audit's ChainVerifier accepts the chain it writes). It needs a batch-shaped handler in the EventLog contract (or the consumer gathering a batch per partition). Duplicates must be dropped before sequence numbers are given out, as the prototype does, so the chain has no gaps." +
      (ok(r.storeAlone) ? ` Alone, batches of 100 append ${rate(r.storeAlone.batched.rate)} against ${rate(r.storeAlone.sequential.rate)} one record per transaction.` : ''),
  );
  steps.push(
    "Then the **producing side and the machine**: appendToOutbox is one INSERT per event, and the OutboxRelay does one SELECT, one Kafka send (acks=all, one request in flight) and one UPDATE per 100 rows, one batch at a time. The CPU table above shows how much of the 2 cores each part takes when the consumer keeps up; on this machine broker, PostgreSQL, producer and consumer share them.",
  );
  steps.forEach((t, i) => L.push(`${i + 1}. ${t}`));
  L.push('');

  // ------------------------------------------------------------------ method
  L.push('## Method', '');
  L.push(
    '- Goal 1 runs on a private single-node KRaft broker (`startKafka()` from libs/testing/dist, Kafka from the Maven cache) and a private PostgreSQL server (`startPostgres()` from libs/testing/dist, as the test harness runs it: fsync off, so commits are cheaper than in production). Two child processes: the **producing service** (libs/runtime `openDatabase` with `OUTBOX_ENTITIES`; `appendToOutbox` in transactions of 100; the real `OutboxRelay` with default settings — batches of 100, 1 s poll — kicked after every commit as repo-metadata does; `createEventLog(\'kafka://…\')`) and the **audit service\'s ingestion** (`openDatabase` with services/audit\'s `AUDIT_ENTITIES`, `prepareAuditSchema`, `AuditRepository`, `createEventLog(url, { clientId: \'audit\' })` and the real `AuditIngestConsumer` from services/audit/dist, subscribed through `onApplicationBootstrap()` — as AuditModule wires them). Each measurement gets fresh databases, topic and consumer group, and starts after a warm-up of ' +
      n0(scale.warmupEvents) +
      ' events.',
    '- Timestamps: the producer notes when each transaction committed and when the relay\'s `publish()` resolved (a wrapper around the EventLog handed to the relay); the audit process notes when each `AuditRepository.append` resolved (a wrapper on the instance). Same clock (`performance.timeOrigin + performance.now()`), same machine. No product code is changed.',
    `- Goal 1a commits ${n0(scale.burstEvents)} events from ${scale.writers} concurrent writers and waits at most ${scale.drainLimitS} s for the audit store; when it stops early the rate is what was stored over the time waited, and "sustained" is the rate between the 10th and 90th percentile of arrivals. Goal 1b commits at ${n0(scale.lagRate)}/s for ${scale.lagSeconds} s and then waits at most ${scale.lagDrainLimitS} s.`,
    '- Baselines: raw kafkajs (the relay\'s producer settings; a consumer with auto-commit), libs/events\' KafkaEventLog with a handler that does nothing, the audit store without Kafka, and a bench-side **prototype** of batched ingestion (lib/ingest.mjs: kafkajs eachBatch, one transaction and one offset commit per batch). The prototype is bench code that shows what the product change in "What would reach goal 1" would buy; it is not the product.',
    '- In the product, audit.recorded events are not written to an outbox: git-protocol and api-gateway publish them with AuditPublisher (batched, off the request path) straight to the event log. The outbox carries the domain events (repository.*, pull-request.*). The goal names the outbox, so goal 1 drives audit.recorded events through it; the consumer side — where the limits are — is the same either way.',
    '- Goal 2 starts the real all-in-one stack (bench/lib/cairn.mjs: services/supervisor/dist with PGlite databases and the Postgres-backed event log) with bench/events/lib/audit-switch.cjs preloaded (NODE_OPTIONS=--require). In git-protocol only, it wraps GitAudit.record: while the switch file reads "off" it returns at once — what the product does when CAIRN_EVENT_LOG_URL is empty — otherwise the product\'s record() runs. The supervisor always gives git-protocol the event log URL, so the all-in-one stack has no setting to turn audit off; the switch lets one stack alternate modes. Pushes are over HTTP with a stock git client; the repository is generated with `git fast-import` (bench/codecommit-api/lib/bigrepo.mjs) and repacked.',
    `- Every step has a time limit and the whole run a budget of measuring time (${scale.budgetMinutes} min). Before measuring, the run waits (at most 15 min) while another benchmark, jest run or Cairn stack is running on this 2-core machine, and again before each step (at most 3 min) and each push round (at most 90 s), within 8 min in all; what still overlapped is listed under "Other jobs on the machine".`,
    '',
  );
  return L.join('\n');
}
