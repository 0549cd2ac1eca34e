// Helpers of the CodeCommit API benchmark: statistics, per-process CPU, a bounded SDK client.
import { readFileSync, readdirSync } from 'node:fs';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { percentile } from '../../lib/util.mjs';

export function summarize(times) {
  if (times.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN, min: NaN, mean: NaN };
  return {
    n: times.length,
    min: Math.min(...times),
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    p99: percentile(times, 99),
    max: Math.max(...times),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
  };
}

/** One SDK client as a user would build it; no retries (the figures are what the server did), bounded waits. */
export function sdkClient(creds) {
  return new CodeCommitClient({
    endpoint: creds.endpoint,
    region: creds.region,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
    maxAttempts: 1,
    requestHandler: { requestTimeout: 60_000, connectionTimeout: 5_000 },
  });
}

const CLK_TCK = 100;

/** utime+stime+cutime+cstime in ms (cutime: reaped children, i.e. the git processes a service ran). */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLK_TCK) * 1000;
}

/** Every process the supervisor started (services and its PGlite servers), by name. */
export function stackProcesses(cairn) {
  const sup = cairn.process.pid;
  const named = new Map(cairn.services().map((s) => [s.pid, s.name]));
  const out = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== sup) continue;
      const pid = Number(entry);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      let name = named.get(pid);
      if (!name) {
        const db = cmd.find((a) => /\/db\//.test(a));
        name = db ? `pglite:${db.split('/db/')[1]}` : cmd.slice(-2).join(' ').slice(-40);
      }
      out[name] = pid;
    } catch {
      /* raced with exit */
    }
  }
  out.supervisor = sup;
  return out;
}

let idle = null;

/**
 * Measures each stack process's background CPU (relays, pollers, timers) while nothing is asked
 * of the stack, in CPU ms per wall second: the lowest of `windows` windows of `ms`, so a transient
 * (work left over from setup) is not taken for background. Later meters subtract it.
 */
export async function measureIdle(procs, { windows = 3, ms = 5_000 } = {}) {
  idle = null;
  const rates = [];
  for (let w = 0; w < windows; w++) {
    const meter = cpuMeter(procs);
    await new Promise((r) => setTimeout(r, ms));
    rates.push(meter.stop());
  }
  idle = Object.fromEntries(Object.keys(rates[0]).map((k) => [k, Math.min(...rates.map((r) => r[k])) / (ms / 1000)]));
  return idle;
}

/**
 * CPU ms each stack process used between start() and stop(), minus its idle background over the
 * same wall time (clamped at 0: a process cannot be credited with less than nothing).
 */
export function cpuMeter(procs) {
  const read = () => Object.fromEntries(Object.entries(procs).map(([n, pid]) => {
    try {
      return [n, cpuMs(pid)];
    } catch {
      return [n, NaN];
    }
  }));
  const before = read();
  const started = Date.now();
  return {
    stop() {
      const after = read();
      const seconds = (Date.now() - started) / 1000;
      return Object.fromEntries(Object.keys(before).map((n) => [n, Math.max(0, after[n] - before[n] - (idle?.[n] ?? 0) * seconds)]));
    },
  };
}

/** Runs `fn(i)` for i < n with at most `concurrency` in flight. */
export async function pool(n, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) {
      const i = next++;
      await fn(i);
    }
  }));
}

export const shuffle = (array, rnd) => {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [array[i], array[j]] = [array[j], array[i]];
  }
  return array;
};

/** CPU ms of this process's reaped children (the raw git commands and the git client run as such). */
export function childrenCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[13]) + Number(f[14])) / CLK_TCK) * 1000;
}
