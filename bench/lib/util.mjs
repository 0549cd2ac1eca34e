// Small helpers shared by the benchmarks: bounded child processes, statistics, /proc readings.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** The environment git gets on a fresh client machine (and, minus HOME games, on Cairn's storage). */
export const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: '/bin/false',
  LANG: 'C',
  LC_ALL: 'C',
  TZ: 'UTC',
};

/** Every child started through run(), so an interrupted benchmark can stop them all. */
const active = new Set();
export function killActiveChildren() {
  for (const pid of active) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

/**
 * Runs a command to completion with a hard time limit. Resolves {code, stdout, stderr, ms};
 * rejects on a non-zero exit unless `allowFail`. stdout is kept only when `capture` (default true).
 */
export function run(cmd, args, { cwd, env = GIT_ENV, input, timeoutMs = 600_000, allowFail = false, capture = true, stdio } = {}) {
  return new Promise((resolve, reject) => {
    const started = now();
    const child = spawn(cmd, args, { cwd, env, stdio: stdio ?? ['pipe', 'pipe', 'pipe'], detached: true });
    active.add(child.pid);
    const out = [];
    let err = '';
    let timedOut = false;
    child.stdout?.on('data', (c) => capture && out.push(c));
    child.stderr?.on('data', (c) => {
      if (err.length < 200_000) err += c.toString();
    });
    child.stdin?.on('error', () => undefined);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      active.delete(child.pid);
      clearTimeout(timer);
      const result = { code: code ?? 128, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: err, ms: now() - started };
      if (timedOut) return reject(Object.assign(new Error(`${cmd} ${args.join(' ').slice(0, 200)} timed out after ${timeoutMs} ms\n${err.slice(-2000)}`), result));
      if (code !== 0 && !allowFail) return reject(Object.assign(new Error(`${cmd} ${args.join(' ').slice(0, 200)} exited ${code ?? signal}\n${err.slice(-2000)}`), result));
      resolve(result);
    });
    if (child.stdin) {
      if (input !== undefined) child.stdin.end(input);
      else child.stdin.end();
    }
  });
}

export const git = (args, opts = {}) => run('git', args, opts);

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(a.port));
    });
  });
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: never interpolates below an observed value.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}
export const median = (v) => percentile(v, 50);

/** utime+stime of one process in seconds (children not included). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
const CLK_TCK = 100;

/** VmRSS and VmHWM in bytes. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Samples RSS of several pids every `everyMs` until stopped; returns per-pid start/max/end. */
export function rssSampler(pids, everyMs = 50) {
  const stats = Object.fromEntries(Object.entries(pids).map(([name, pid]) => {
    const m = memory(pid);
    return [name, { pid, startRss: m.rss, startHwm: m.hwm, maxRss: m.rss, endRss: m.rss, endHwm: m.hwm, samples: 1 }];
  }));
  const sample = () => {
    for (const s of Object.values(stats)) {
      try {
        const m = memory(s.pid);
        s.maxRss = Math.max(s.maxRss, m.rss);
        s.endRss = m.rss;
        s.endHwm = m.hwm;
        s.samples++;
      } catch {
        s.gone = true;
      }
    }
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      for (const s of Object.values(stats)) {
        s.growth = s.maxRss - s.startRss;
        s.hwmGrowth = s.endHwm - s.startHwm;
      }
      return stats;
    },
  };
}

/** git processes whose working directory or command line is under `dir` (upload-pack, pack-objects, index-pack…). */
export function gitProcessesUnder(dir) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (cmdline.length === 0 || !/(^|\/)git(-[a-z-]+)?$/.test(cmdline[0])) continue;
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        /* gone */
      }
      if (cwd.startsWith(dir) || cmdline.some((a) => a.includes(dir))) {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        found.push({ pid: Number(entry), ppid, cmd: cmdline.join(' ').slice(0, 160) });
      }
    } catch {
      /* raced with exit */
    }
  }
  return found;
}

export function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

// pkt-line encoding for recorded requests.
export function pkt(line) {
  const body = Buffer.isBuffer(line) ? line : Buffer.from(line);
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0')), body]);
}
export const FLUSH = Buffer.from('0000');
export const DELIM = Buffer.from('0001');

export const MB = 1e6;
export const GB = 1e9;
export const fmtMs = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
export const fmtMB = (bytes) => `${(bytes / MB).toFixed(1)} MB`;
export const fmtMiB = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;
export const ratio = (a, b) => (b > 0 ? a / b : NaN);
export const fmtX = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');
