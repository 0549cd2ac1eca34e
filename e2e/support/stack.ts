import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { makeTempDir } from '@cairn/testing';

export interface AdminCredentials {
  accountId: string;
  region: string;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  gitUsername: string;
  gitPassword: string;
  sshPort: number;
  userArn: string;
}

export interface ServiceEntry {
  name: string;
  pid: number;
  grpcPort: number;
  metricsPort: number;
  zone?: string;
  dataDir?: string;
}

const ROOT = resolve(__dirname, '../..');

/**
 * A free port below the kernel's ephemeral range (ip_local_port_range starts at 32768 by default).
 * A port the OS handed out (listen on 0) can be handed out again to one of the stack's own
 * services, which bind port 0 while the stack starts, before git-protocol binds the chosen port:
 * that race once failed a start with EADDRINUSE. Ports below the range are never handed out so.
 */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bindable(port)) return port;
  }
  throw new Error('no free port found between 20000 and 32000');
}

function bindable(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/**
 * The all-in-one stack as a user starts it (`npm start` runs the same supervisor), in a private
 * data directory on free ports. Requires `npm run build` (npm test does it first).
 */
export class Stack {
  private process?: ChildProcess;
  output = '';
  httpPort = 0;
  sshPort = 0;

  /** `env`: extra settings of the stack, e.g. CAIRN_TLS_CERT_FILE and CAIRN_TLS_KEY_FILE for HTTPS. */
  constructor(
    readonly dataDir: string = makeTempDir('cairn-e2e-'),
    readonly env: Record<string, string> = {},
  ) {}

  async start(timeoutMs = 180_000): Promise<void> {
    this.httpPort ||= await freePort();
    this.sshPort ||= await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'services/supervisor/dist/main.js')], {
      env: { ...process.env, ...this.env, CAIRN_DATA_DIR: this.dataDir, CAIRN_HTTP_PORT: String(this.httpPort), CAIRN_SSH_PORT: String(this.sshPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    // A restarted stack (same data dir and ports) must say "ready" again: earlier output does not count.
    const from = this.output.length;
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`stack not ready in ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        if (/^Cairn ready/m.test(this.output.slice(from))) {
          clearTimeout(timer);
          res();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`stack exited with ${code}:\n${this.output}`));
      });
    });
  }

  get endpoint(): string {
    return `${this.env.CAIRN_TLS_CERT_FILE ? 'https' : 'http'}://127.0.0.1:${this.httpPort}`;
  }

  credentials(): AdminCredentials {
    return JSON.parse(readFileSync(join(this.dataDir, 'admin-credentials.json'), 'utf8')) as AdminCredentials;
  }

  services(): ServiceEntry[] {
    return JSON.parse(readFileSync(join(this.dataDir, 'run', 'services.json'), 'utf8')) as ServiceEntry[];
  }

  /** An HTTPS-credential clone URL for a repository. */
  gitUrl(repositoryName: string, creds = this.credentials()): string {
    const { protocol, host } = new URL(this.endpoint);
    return `${protocol}//${encodeURIComponent(creds.gitUsername)}:${encodeURIComponent(creds.gitPassword)}@${host}/v1/repos/${repositoryName}`;
  }

  /** How the supervisor ended at the last stop(): its exit code, or null when a signal ended it. */
  lastExitCode?: number | null;

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((res) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', (code) => {
        this.lastExitCode = code;
        clearTimeout(timer);
        res();
      });
      child.kill('SIGTERM');
    });
  }
}

/** Runs git with no user or system configuration, as a fresh client machine would. */
export function gitResult(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('git', args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LANG: 'C', ...options.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 600_000,
  });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs git and returns its stdout; a failure throws with git's own message. */
export function git(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): string {
  const result = gitResult(args, options);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}
