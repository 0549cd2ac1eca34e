#!/usr/bin/env node
// Events and audit performance goals: `node bench/events/run.mjs [--quick] [--no-build]`.
//
//  1. Event throughput from the outbox to the audit store: ≥ 5,000 events/s with Kafka, and the
//     end-to-end lag p99 under 1 s at 1,000 events/s. A private KRaft broker (libs/testing
//     startKafka) and a private PostgreSQL server (libs/testing startPostgres); a producing process
//     (outbox table, appendToOutbox, the real OutboxRelay to KafkaEventLog) and an audit process
//     (services/audit's real AuditIngestConsumer and AuditRepository, wired as AuditModule wires
//     them). Baselines in the same run: raw kafkajs, libs/events' Kafka transport with a no-op
//     handler, the audit store alone.
//  2. Audit overhead on a push under 5% of push time: the real all-in-one stack (bench/lib/cairn.mjs)
//     pushing a generated 2,000-commit repository into fresh repositories, audit on vs off
//     (alternating, in one stack; see lib/audit-switch.cjs), p50 of each.
//
// Builds (`npx tsc -b tsconfig.build.json`) unless --no-build; writes bench/events/RESULTS.md and
// results.json. Flags: --quick (scaled down), --no-build, --keep (keep the temp dir), --render
// (rewrite RESULTS.md from results.json), --only=g1|g2 (one goal; writes RESULTS.partial.md and
// results.partial.json, never RESULTS.md), --no-wait (do not wait for other benchmarks to finish).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GIT_ENV, killActiveChildren, loadAverage, run, sleep } from '../lib/util.mjs';
import { runPipelineGoal } from './lib/pipeline.mjs';
import { runPushGoal } from './lib/push.mjs';
import { otherHeavyProcesses } from './lib/machine.mjs';
import { renderReport } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const SCALES = {
  full: {
    name: 'full',
    baselineEvents: 50_000,
    transportEvents: 5_000,
    storeEvents: 5_000,
    warmupEvents: 500,
    burstEvents: 50_000,
    writers: 4,
    drainLimitS: 150,
    lagRate: 1_000,
    lagSeconds: 30,
    lagDrainLimitS: 60,
    // 2,000 files and 2,000 commits (each editing 3 files, every 10th adding one).
    pushRepo: { dirs: 10, subdirs: 10, filesPerDir: 20, commits: 2_000, editsPerCommit: 3, addEvery: 10 },
    pushRounds: 16,
    extraPushRounds: 8,
    settleMs: 1_500,
    tailMs: 1_500,
    lagPushes: 3,
    budgetMinutes: 22,
  },
  quick: {
    name: 'quick',
    baselineEvents: 10_000,
    transportEvents: 1_000,
    storeEvents: 1_000,
    warmupEvents: 200,
    burstEvents: 5_000,
    writers: 4,
    drainLimitS: 45,
    lagRate: 1_000,
    lagSeconds: 10,
    lagDrainLimitS: 20,
    pushRepo: { dirs: 5, subdirs: 10, filesPerDir: 20, commits: 500, editsPerCommit: 3, addEvery: 10 },
    pushRounds: 3,
    extraPushRounds: 2,
    settleMs: 1_000,
    tailMs: 1_500,
    lagPushes: 2,
    budgetMinutes: 10,
  },
};
const scale = quick ? SCALES.quick : SCALES.full;

const t0 = Date.now();
const log = (msg) => process.stderr.write(`[events-bench +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

const results = {};
const machine = { loads: [] };
let workDir;
let finished = false;
/** Stops what a goal started (its stack, broker, server, workers) when the run ends early. */
const cleanups = new Set();

const markLoad = (phase) => machine.loads.push({ phase, load: loadAverage(), atSeconds: (Date.now() - t0) / 1000 });

/** Pids of our own processes that look like "another stack" (goal 2's Cairn supervisor). */
const ownPids = new Set();
/** Waiting for other people's jobs, across the whole run; the time budget is extended by what is waited. */
const WAIT_CAP_MS = 8 * 60_000;
let waitedMs = 0;
let deadline = Infinity;

/**
 * Before a measurement: while another benchmark, jest run or Cairn stack is running, wait (at most
 * `maxMs`, and within the run's overall cap), so that measurements are taken on a quiet machine
 * when one can be had. Returns how long it waited and how many such processes were still there.
 */
async function quietGate(label, maxMs = 180_000) {
  let seen = otherHeavyProcesses(ownPids);
  if (seen.length === 0 || args.includes('--no-wait')) return { waitedMs: 0, others: seen.length };
  const started = Date.now();
  const limit = Math.min(maxMs, WAIT_CAP_MS - waitedMs);
  if (limit > 0) log(`  ${label}: waiting (at most ${Math.round(limit / 1000)} s) while ${seen.length} other benchmark/jest/stack process(es) run…`);
  while (seen.length > 0 && Date.now() - started < limit) {
    await sleep(5_000);
    seen = otherHeavyProcesses(ownPids);
  }
  const waited = Date.now() - started;
  waitedMs += waited;
  deadline += waited;
  return { waitedMs: waited, others: seen.length };
}

async function step(id, title, fn, { gateMs = 180_000 } = {}) {
  const gate = await quietGate(id, gateMs);
  log(`${id}: ${title}…`);
  markLoad(`before ${id}`);
  const started = Date.now();
  try {
    results[id] = (await fn()) ?? {};
  } catch (e) {
    log(`${id} failed: ${e.stack ?? e}`);
    results[id] = { error: String(e.message ?? e).slice(0, 2000) };
  }
  results[id].stepSeconds = (Date.now() - started) / 1000;
  // Another benchmark, jest run or stack at the start or the end of the step: its figures are noisier.
  results[id].others = { atStart: gate.others, atEnd: otherHeavyProcesses(ownPids).length, waitedSeconds: gate.waitedMs / 1000 };
  return results[id];
}

/** Waits (bounded: `limitMinutes`, polling every 20 s) while another heavy benchmark runs on this 2-core machine. */
async function waitForQuietMachine(limitMinutes = 15) {
  const started = Date.now();
  let seen = otherHeavyProcesses();
  if (seen.length === 0) return { waitedSeconds: 0, othersAtStart: [] };
  if (args.includes('--no-wait')) return { waitedSeconds: 0, othersAtStart: seen, othersStillRunning: seen, noWait: true };
  log(`another benchmark or stack is running; waiting up to ${limitMinutes} min:\n  ${seen.join('\n  ')}`);
  const firstSeen = seen;
  while (seen.length > 0 && Date.now() - started < limitMinutes * 60_000) {
    await sleep(20_000);
    seen = otherHeavyProcesses();
  }
  if (seen.length > 0) log(`still running after ${limitMinutes} min; measuring anyway (noted in RESULTS.md)`);
  return { waitedSeconds: (Date.now() - started) / 1000, othersAtStart: firstSeen, othersStillRunning: seen };
}

function describeMachine() {
  const sh = (cmd, a) => {
    try {
      return execFileSync(cmd, a, { cwd: root, env: { ...GIT_ENV, HOME: process.env.HOME ?? '/root' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (e) {
      return (e.stderr ?? '').toString().trim();
    }
  };
  const head = sh('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['status', '--porcelain', '--', 'services', 'libs']).split('\n').filter(Boolean).length;
  const version = (p) => {
    try {
      return JSON.parse(readFileSync(join(root, 'node_modules', p, 'package.json'), 'utf8')).version;
    } catch {
      return 'n/a';
    }
  };
  return {
    date: new Date().toISOString(),
    head: head || 'unknown',
    code: `commit ${head || 'unknown'}${dirty ? ` plus ${dirty} uncommitted changed/new paths under services/ and libs/ (the working tree as built)` : ''}`,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: release(),
    node: process.version,
    // `java -version` answers on stderr.
    java: (spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr ?? '').trim().split('\n')[0],
    git: sh('git', ['--version']),
    kafkajs: version('kafkajs'),
    typeorm: version('typeorm'),
    pg: version('pg'),
    loadStart: loadAverage(),
  };
}

async function main() {
  const waited = await waitForQuietMachine();
  Object.assign(machine, describeMachine(), waited);
  markLoad('start');
  log(`scale ${scale.name}; load average ${machine.loadStart}${waited.waitedSeconds ? ` (after waiting ${waited.waitedSeconds.toFixed(0)} s)` : ''}`);
  startWatchdog();
  if (!args.includes('--no-build')) {
    log('building (npx tsc -b tsconfig.build.json)…');
    await run('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: root, env: process.env, timeoutMs: 900_000 });
  }
  workDir = mkdtempSync(join(tmpdir(), 'cairn-eventsbench-'));
  log(`work dir ${workDir}`);
  const ctx = { root, scale, workDir, log, step, results, machine, cleanups, quietGate, ownPids };
  if (!only || only === 'g1') await runPipelineGoal(ctx);
  if (!only || only === 'g2') await runPushGoal(ctx);
  machine.waitedDuringRunSeconds = waitedMs / 1000;
}

async function cleanup() {
  for (const fn of cleanups) {
    await Promise.race([fn().catch(() => undefined), sleep(40_000)]);
  }
  killActiveChildren();
  if (workDir && !keep) {
    try {
      rmSync(workDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 500 });
    } catch (e) {
      log(`could not remove ${workDir}: ${e.message}`);
    }
  }
}

async function finish(code) {
  if (finished) return;
  finished = true;
  markLoad('end');
  machine.loadEnd = loadAverage();
  machine.totalSeconds = (Date.now() - t0) / 1000;
  await cleanup();
  const data = { results, machine, scale, quick, only: only ?? null, args };
  const suffix = only ? '.partial' : '';
  writeFileSync(join(here, `results${suffix}.json`), JSON.stringify(data, null, 1));
  writeFileSync(join(here, `RESULTS${suffix}.md`), renderReport(data));
  log(`wrote bench/events/RESULTS${suffix}.md${keep && workDir ? `; kept ${workDir}` : ''}`);
  process.exit(code);
}

if (args.includes('--render')) {
  const file = join(here, only ? 'results.partial.json' : 'results.json');
  const data = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(join(here, only ? 'RESULTS.partial.md' : 'RESULTS.md'), renderReport(data));
  process.exit(0);
}

/** The budget counts measuring time: waits for other people's jobs (quietGate) move the deadline. */
function startWatchdog() {
  deadline = Date.now() + scale.budgetMinutes * 60_000;
  const watchdog = setInterval(() => {
    if (Date.now() < deadline) return;
    clearInterval(watchdog);
    log(`time budget of ${scale.budgetMinutes} min exhausted; stopping with what was measured`);
    results.timeout = `the run exceeded its ${scale.budgetMinutes}-minute budget; steps without figures were not measured`;
    void finish(2);
  }, 1_000);
  watchdog.unref();
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void finish(130));

main().then(
  () => finish(0),
  (e) => {
    log(`fatal: ${e.stack ?? e}`);
    results.fatal = String(e.message ?? e).slice(0, 2000);
    return finish(1);
  },
);
