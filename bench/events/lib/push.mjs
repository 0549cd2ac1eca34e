// Goal 2: what auditing a push costs the push. The real all-in-one stack (bench/lib/cairn.mjs)
// with bench/events/lib/audit-switch.cjs preloaded into git-protocol, so one stack pushes with
// audit on (the product unchanged) and off (GitAudit.record returning at once, as with no event
// log configured), alternating, each push of the same generated repository into a fresh one.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Cairn } from '../../lib/cairn.mjs';
import { GIT_ENV, git, loadAverage, now, percentile, sleep } from '../../lib/util.mjs';
import { generateBigRepo, prng } from '../../codecommit-api/lib/bigrepo.mjs';
import { otherHeavyProcesses } from './machine.mjs';
import { childrenCpuMs, cpuMeter, measureIdle, stackProcesses } from '../../codecommit-api/lib/common.mjs';

const require = createRequire(import.meta.url);
const { CloudTrailClient, LookupEventsCommand } = require('@aws-sdk/client-cloudtrail');

/**
 * Per round, on ÷ off − 1 of the two adjacent pushes (so slow drifts in background load cancel):
 * the median over rounds, and a 90 % bootstrap interval of that median (2,000 resamples, seeded).
 */
function paired(samples) {
  const rounds = [];
  for (let i = 0; i + 1 < samples.length; i += 2) {
    const on = samples[i].mode === 'on' ? samples[i] : samples[i + 1];
    const off = samples[i].mode === 'off' ? samples[i] : samples[i + 1];
    rounds.push({ overhead: on.ms / off.ms - 1, contaminated: Boolean(on.contaminated || off.contaminated) });
  }
  const med = (v) => percentile(v, 50);
  const values = rounds.map((r) => r.overhead);
  const rnd = prng(7);
  const boots = [];
  for (let b = 0; b < 2000; b++) boots.push(med(values.map(() => values[Math.floor(rnd() * values.length)])));
  const clean = rounds.filter((r) => !r.contaminated).map((r) => r.overhead);
  return {
    rounds: values,
    median: med(values),
    low: percentile(boots, 5),
    high: percentile(boots, 95),
    contaminatedRounds: rounds.filter((r) => r.contaminated).length,
    cleanMedian: clean.length ? med(clean) : NaN,
  };
}

function stats(values) {
  if (values.length === 0) return { n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { n: values.length, p50: percentile(values, 50), mean, sd, min: Math.min(...values), max: Math.max(...values) };
}

export async function runPushGoal({ root, scale, workDir, log, step, results, machine, cleanups, quietGate, ownPids }) {
  const switchFile = join(workDir, 'audit-switch');
  writeFileSync(switchFile, 'on');
  const setMode = (mode) => writeFileSync(switchFile, mode);
  const dataDir = join(workDir, 'cairn-data');
  const savedOptions = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${savedOptions ?? ''} --require ${join(import.meta.dirname, 'audit-switch.cjs')}`.trim();
  process.env.CAIRN_BENCH_AUDIT_SWITCH = switchFile;
  const cairn = new Cairn(root, dataDir);
  const stopStack = () => cairn.stop();
  cleanups.add(stopStack);
  let trail;
  try {
    log('starting Cairn (all-in-one, audit switch preloaded into git-protocol)…');
    await cairn.start();
    ownPids.add(cairn.process.pid);
    process.env.NODE_OPTIONS = savedOptions ?? '';
    if (savedOptions === undefined) delete process.env.NODE_OPTIONS;
    delete process.env.CAIRN_BENCH_AUDIT_SWITCH;
    const protocolLog = () => readFileSync(join(dataDir, 'logs', 'git-protocol.log'), 'utf8');
    // The "off" mode is only off if the switch is in: refuse to measure otherwise.
    const deadline = Date.now() + 10_000;
    while (!protocolLog().includes('bench audit switch installed')) {
      if (Date.now() > deadline) throw new Error('the audit switch did not install in git-protocol (no "bench audit switch installed" in its log)');
      await sleep(100);
    }
    const c = cairn.creds;
    trail = new CloudTrailClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, maxAttempts: 1 });
    const procs = stackProcesses(cairn);
    machine.stackProcesses = Object.keys(procs);

    const shape = scale.pushRepo;
    const source = join(workDir, 'push-src.git');
    const setup = await step('pushSetup', 'the repository to push', async () => {
      const t = now();
      await generateBigRepo(source, shape);
      const senv = { ...GIT_ENV, GIT_DIR: source };
      await git(['repack', '-adq'], { env: senv, timeoutMs: 300_000 });
      const count = (await git(['count-objects', '-v'], { env: senv })).stdout;
      const files = (await git(['ls-tree', '-r', '--name-only', 'main'], { env: senv })).stdout.split('\n').filter(Boolean).length;
      return {
        commits: shape.commits,
        files,
        objects: Number(/^in-pack: (\d+)/m.exec(count)[1]),
        packBytes: Number(/^size-pack: (\d+)/m.exec(count)[1]) * 1024,
        generateMs: now() - t,
      };
    });
    if (setup.error) return;

    let seq = 0;
    /** One push of the source into a fresh repository, audit `mode`; CPU over the push and the tail after it. */
    const pushOnce = async (mode, label, { tail = true } = {}) => {
      const name = `${label}-${mode}-${++seq}`;
      await cairn.createRepository(name);
      setMode(mode);
      // Let CreateRepository's own events and API audit record settle before the clock starts.
      await sleep(scale.settleMs);
      const others = otherHeavyProcesses(ownPids).length;
      const load = Number(loadAverage().split(' ')[0]);
      const meter = cpuMeter(procs);
      const client0 = childrenCpuMs();
      const started = now();
      const pushStartedAt = Date.now();
      await git(['push', '-q', cairn.gitUrl(name), 'main'], { env: { ...GIT_ENV, GIT_DIR: source }, timeoutMs: 600_000 });
      const ms = now() - started;
      const pushEndedAt = Date.now();
      const clientMs = childrenCpuMs() - client0;
      // The audit work happens after the response; count its CPU too (the same tail in both modes).
      if (tail) await sleep(scale.tailMs);
      const cpu = meter.stop();
      return { name, mode, ms, clientMs, cpu, pushStartedAt, pushEndedAt, others, load };
    };

    await step('idle', 'background CPU of the idle stack', async () => ({ msPerSecond: await measureIdle(procs, { windows: 2, ms: 3000 }) }));

    await step('push', `push ${shape.commits.toLocaleString('en')} commits into a fresh repository, audit on vs off, ${scale.pushRounds} rounds`, async () => {
      log('  warm-up pushes (one per mode)…');
      const warmups = [await pushOnce('on', 'warm'), await pushOnce('off', 'warm')];
      const samples = [];
      const rounds = [];
      // A round during which another benchmark, jest run or stack ran is kept but flagged, and
      // replaced by an extra round while the extra rounds last.
      for (let round = 0; rounds.filter((r) => !r.contaminated).length < scale.pushRounds && round < scale.pushRounds + scale.extraPushRounds; round++) {
        await quietGate(`push round ${round + 1}`, 90_000);
        // ABBA: each mode goes first half of the time.
        const order = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
        const pair = [];
        for (const mode of order) pair.push(await pushOnce(mode, 'p'));
        const contaminated = pair.some((p) => p.others > 0) || otherHeavyProcesses(ownPids).length > 0;
        for (const p of pair) samples.push({ ...p, round, contaminated });
        rounds.push({ round, contaminated });
        log(`  round ${round + 1}: ${pair.map((p) => `${p.mode} ${(p.ms / 1000).toFixed(2)} s`).join(', ')}${contaminated ? ' (another benchmark/jest/stack was running)' : ''}`);
      }
      setMode('on');
      const cleanRounds = rounds.filter((r) => !r.contaminated).length;
      // The headline uses the clean rounds when there are enough of them.
      const headline = cleanRounds >= Math.ceil(scale.pushRounds / 2) ? 'clean' : 'all';
      const chosen = headline === 'clean' ? samples.filter((s) => !s.contaminated) : samples;
      const cpuTotal = (s) => Object.values(s.cpu).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
      const summary = (list) => {
        const by = (mode) => list.filter((s) => s.mode === mode);
        const on = stats(by('on').map((s) => s.ms));
        const off = stats(by('off').map((s) => s.ms));
        return {
          on,
          off,
          overheadP50: (on.p50 - off.p50) / off.p50,
          overheadMean: (on.mean - off.mean) / off.mean,
          // Standard error of the difference of the means, as a share of "off": the noise on the overhead figure.
          overheadMeanSe: Math.sqrt(on.sd ** 2 / on.n + off.sd ** 2 / off.n) / off.mean,
          cpu: {
            on: stats(by('on').map(cpuTotal)),
            off: stats(by('off').map(cpuTotal)),
            client: { on: stats(by('on').map((s) => s.clientMs)), off: stats(by('off').map((s) => s.clientMs)) },
            perProcess: {
              on: Object.fromEntries(Object.keys(procs).map((k) => [k, stats(by('on').map((s) => s.cpu[k])).mean])),
              off: Object.fromEntries(Object.keys(procs).map((k) => [k, stats(by('off').map((s) => s.cpu[k])).mean])),
            },
          },
        };
      };
      const all = summary(samples);
      return {
        warmups: warmups.map(({ name, mode, ms }) => ({ name, mode, ms })),
        samples: samples.map(({ name, mode, ms, clientMs, cpu, others, load, round, contaminated }) => ({ name, mode, ms, clientMs, cpuMs: cpuTotal({ cpu }), cpu, others, load, round, contaminated })),
        rounds: rounds.length,
        cleanRounds,
        headline,
        ...summary(chosen),
        all: { on: all.on, off: all.off, overheadP50: all.overheadP50 },
        paired: paired(chosen),
        pairedAll: paired(samples),
        windowMs: { settle: scale.settleMs, tail: scale.tailMs },
      };
    });

    await step('pushVerify', 'the audit trail: a GitPush record for every push with audit on, none with it off (LookupEvents)', async () => {
      const pushed = [...(results.push?.warmups ?? []), ...(results.push?.samples ?? [])];
      const found = { on: 0, off: 0 };
      const missing = [];
      const unexpected = [];
      for (const p of pushed) {
        const out = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: p.name }] }));
        const has = (out.Events ?? []).some((e) => e.EventName === 'GitPush');
        if (has) found[p.mode]++;
        if (p.mode === 'on' && !has) missing.push(p.name);
        if (p.mode === 'off' && has) unexpected.push(p.name);
      }
      const lines = protocolLog()
        .split('\n')
        .filter((l) => l.includes('"msg":"bench audit switch"') && l.includes('"eventName":"GitPush"'));
      const switchCounts = { on: lines.filter((l) => l.includes('"mode":"on"')).length, off: lines.filter((l) => l.includes('"mode":"off"')).length };
      return {
        pushes: { on: pushed.filter((p) => p.mode === 'on').length, off: pushed.filter((p) => p.mode === 'off').length },
        found,
        missing,
        unexpected,
        switchCounts,
        ok: missing.length === 0 && unexpected.length === 0,
      };
    });

    await step('pushLag', `context: push end → its GitPush record answered by LookupEvents (${scale.lagPushes} pushes)`, async () => {
      const lags = [];
      for (let i = 0; i < scale.lagPushes; i++) {
        const p = await pushOnce('on', 'lag', { tail: false });
        const limit = Date.now() + 20_000;
        let lag;
        while (Date.now() < limit) {
          const out = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: p.name }] }));
          if ((out.Events ?? []).some((e) => e.EventName === 'GitPush')) {
            lag = Date.now() - p.pushEndedAt;
            break;
          }
          await sleep(50);
        }
        lags.push(lag ?? NaN);
      }
      return { lagsMs: lags, pollMs: 50 };
    });
  } finally {
    process.env.NODE_OPTIONS = savedOptions ?? '';
    if (savedOptions === undefined) delete process.env.NODE_OPTIONS;
    delete process.env.CAIRN_BENCH_AUDIT_SWITCH;
    try {
      trail?.destroy();
    } catch {
      /* best effort */
    }
    await cairn.stop().catch(() => undefined);
    cleanups.delete(stopStack);
    ownPids.delete(cairn.process.pid);
    rmSync(join(workDir, 'push-src.git'), { recursive: true, force: true });
  }
}
