// A child Node process driven by request/response messages over IPC, so that the producing
// service (outbox + relay) and the audit service (its ingest consumer) each run in a process of
// their own, as they do in a cluster, while run.mjs only orchestrates and measures.
import { fork } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** Parent side: `call(cmd, args)` resolves with the child's answer or rejects with its error (or a timeout). */
export function startWorker(script, { name, logFile, env = {} }) {
  const fd = openSync(logFile, 'a');
  const child = fork(script, [], {
    // 'advanced': structured clone, so Float64Arrays of timestamps cross as they are.
    serialization: 'advanced',
    stdio: ['ignore', fd, fd, 'ipc'],
    env: { ...process.env, ...env },
  });
  closeSync(fd);
  let nextId = 1;
  const pending = new Map();
  let exited = null;
  child.on('message', (m) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(`${name}: ${m.error}`));
  });
  child.on('exit', (code, signal) => {
    exited = code ?? signal;
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`${name} exited (${exited}) during a call:\n${tailOf(logFile)}`));
    }
    pending.clear();
  });
  return {
    name,
    pid: child.pid,
    call(cmd, args = {}, timeoutMs = 120_000) {
      if (exited !== null) return Promise.reject(new Error(`${name} has exited (${exited})`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name}: ${cmd} did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        child.send({ id, cmd, args });
      });
    },
    async stop(timeoutMs = 20_000) {
      if (exited !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      try {
        await this.call('shutdown', {}, timeoutMs);
      } catch {
        /* killed below */
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
    kill() {
      if (exited === null) child.kill('SIGKILL');
    },
  };
}

/** Child side: answers each request with `handlers[cmd](args)`; 'shutdown' runs `onShutdown` then exits. */
export function serveWorker(handlers, onShutdown = async () => undefined) {
  process.on('message', async ({ id, cmd, args }) => {
    try {
      if (cmd === 'shutdown') {
        await onShutdown().catch(() => undefined);
        process.send({ id, ok: true, result: null }, () => process.exit(0));
        return;
      }
      const handler = handlers[cmd];
      if (!handler) throw new Error(`unknown command ${cmd}`);
      const result = await handler(args);
      process.send({ id, ok: true, result: result ?? null });
    } catch (error) {
      process.send({ id, ok: false, error: String(error?.stack ?? error).slice(0, 4000) });
    }
  });
  // The parent is gone: nothing left to serve.
  process.on('disconnect', () => process.exit(0));
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export const wallNow = () => performance.timeOrigin + performance.now();

/**
 * Timestamps keyed by event id, kept compactly: ids in an array, times in a growing Float64Array.
 */
export class Stamps {
  constructor() {
    this.ids = [];
    this.times = new Float64Array(1024);
  }
  add(id, t) {
    if (this.ids.length === this.times.length) {
      const grown = new Float64Array(this.times.length * 2);
      grown.set(this.times);
      this.times = grown;
    }
    this.times[this.ids.length] = t;
    this.ids.push(id);
  }
  get size() {
    return this.ids.length;
  }
  /** Hands over everything stamped so far and starts afresh. */
  take() {
    const out = { ids: this.ids, times: this.times.slice(0, this.ids.length) };
    this.ids = [];
    this.times = new Float64Array(1024);
    return out;
  }
}

export function tailOf(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
