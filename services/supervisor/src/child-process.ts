import { ChildProcess, fork } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';

export interface ReadyMessage {
  type: 'ready';
  grpcPort?: number;
  metricsPort?: number;
  /** A database server's port. */
  port?: number;
  /** An internal HTTP listener's port (the API gateway). */
  httpPort?: number;
}

export interface ChildSpec {
  name: string;
  script: string;
  args?: string[];
  env: Record<string, string>;
  logFile: string;
  /** Extra fields reported in services.json. */
  info: Record<string, unknown>;
}

/**
 * A supervised process, restarted with backoff when it dies, as Kubernetes would restart a pod.
 * `ready` resolves at the first IPC "ready" message of each incarnation.
 */
export class SupervisedChild {
  private child?: ChildProcess;
  private stopping = false;
  private restarts = 0;
  private readonly log: WriteStream;
  private readyWaiters: (() => void)[] = [];
  private isReady = false;
  /** The last "ready" message: the ports the process actually bound. */
  readyMessage: ReadyMessage = { type: 'ready' };
  onRestart?: (name: string, code: number | null) => void;

  constructor(readonly spec: ChildSpec) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.isReady = false;
    const child = fork(this.spec.script, this.spec.args ?? [], {
      env: { ...process.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: a terminal's Ctrl-C reaches only the supervisor, which stops the
      // services in order. If the supervisor dies, the closed IPC channel stops each service.
      detached: true,
    });
    this.child = child;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.on('message', (message: ReadyMessage) => {
      if (message?.type !== 'ready') return;
      this.readyMessage = message;
      this.isReady = true;
      this.restarts = 0;
      for (const w of this.readyWaiters.splice(0)) w();
    });
    child.on('exit', (code) => {
      // Until the next incarnation says so, this child is not ready (services.json waits for it).
      this.isReady = false;
      if (this.stopping) return;
      this.restarts += 1;
      const delay = Math.min(30_000, 250 * 2 ** Math.min(this.restarts, 7));
      this.onRestart?.(this.spec.name, code);
      setTimeout(() => {
        if (!this.stopping) this.start();
      }, delay);
    });
  }

  ready(timeoutMs: number): Promise<void> {
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.spec.name} did not become ready in ${timeoutMs} ms (log: ${this.spec.logFile})`)), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  stop(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
