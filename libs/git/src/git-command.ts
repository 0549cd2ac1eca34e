import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitCommandError, GitErrorCode } from './git.errors';

/**
 * The only way Cairn runs git. A command is a known subcommand, flags taken from that
 * subcommand's allow-list, and positional arguments that can never be read as options.
 * Every process gets the same fixed environment, so a host's git configuration, a prompt or
 * a locale can never change what the server does.
 */

/** Flags each subcommand may receive. An entry ending in `=` admits any value after it. */
const ALLOWED_FLAGS: Record<string, readonly string[]> = {
  init: ['--bare', '--quiet', '--initial-branch='],
  'upload-pack': ['--stateless-rpc', '--advertise-refs', '--strict', '--timeout='],
  'receive-pack': ['--stateless-rpc', '--advertise-refs'],
  'for-each-ref': ['--format=', '--count=', '--sort='],
  'rev-parse': ['--verify', '--quiet', '--git-dir', '--is-bare-repository', '--symbolic-full-name'],
  'symbolic-ref': ['--quiet', '--short'],
  'update-ref': ['--stdin', '-z', '--no-deref', '-d'],
  'cat-file': ['-t', '-s', '-p', '-e', '--batch', '--batch-check', '--batch-check=', '--batch=', '--batch-command'],
  'pack-refs': ['--all'],
  'count-objects': ['-v'],
  fsck: ['--no-progress', '--strict', '--connectivity-only'],
  repack: ['-a', '-d', '-q', '--write-bitmap-index'],
  'commit-graph': ['--reachable'],
  config: ['--get', '--local', '--file='],
  'show-ref': ['--head', '--verify', '--quiet'],
  // Content reads for the API: tree comparisons by object id (-M: renames, for file history),
  // file history with its path on stdin.
  'diff-tree': ['-r', '-z', '-M'],
  'rev-list': ['--stdin', '--parents', '--topo-order', '--first-parent', '--ancestry-path', '--count'],
  // Merges without a work tree: merge-ort on two commit ids, and the bases and ancestry it needs.
  'merge-tree': ['--write-tree', '-z', '--messages', '--allow-unrelated-histories'],
  'merge-base': ['--all', '--is-ancestor'],
  // Building commits without a work tree: a private index, blobs and commit objects from stdin.
  'read-tree': ['--empty'],
  'ls-tree': ['-r', '-z', '--full-tree'],
  'update-index': ['-z', '--index-info'],
  'ls-files': ['-s', '-z'],
  'write-tree': [],
  'hash-object': ['-w', '--stdin', '-tcommit'],
};

/** `-c key=value` settings a command may carry; values are ours, never a user's. */
const ALLOWED_CONFIG_KEYS = new Set([
  'core.hooksPath',
  'receive.fsckObjects',
  'receive.denyNonFastForwards',
  'receive.denyDeletes',
  'receive.advertisePushOptions',
  'uploadpack.allowFilter',
  'uploadpack.allowAnySHA1InWant',
  'uploadpack.allowReachableSHA1InWant',
  'uploadpack.allowTipSHA1InWant',
  'pack.windowMemory',
  'pack.threads',
  'transfer.hideRefs',
  'core.bigFileThreshold',
]);

/** Subcommands that understand `--end-of-options` before their positional arguments. */
const SUPPORTS_END_OF_OPTIONS = new Set(['for-each-ref', 'rev-parse', 'cat-file', 'update-ref', 'show-ref', 'read-tree']);

export interface GitCommandSpec {
  /** The repository (git dir) to run in; passed as `--git-dir`, never interpreted by a shell. */
  gitDir?: string;
  subcommand: string;
  flags?: string[];
  /** Positional arguments. A value starting with `-` is refused. */
  args?: string[];
  config?: Record<string, string>;
  /** Extra variables from a closed set (GIT_PROTOCOL and hook context), validated by the caller. */
  env?: Record<string, string>;
}

export interface GitRunOptions {
  /** Kill the process when it has not finished after this long. Short commands only. */
  timeoutMs?: number;
  /** Bytes of stdin to write. */
  stdin?: string | Buffer;
  /** Refuse (and kill) when stdout grows beyond this many bytes. */
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

const FIXED_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: '/bin/false',
  GIT_NO_REPLACE_OBJECTS: '1',
  LANG: 'C',
  LC_ALL: 'C',
  TZ: 'UTC',
  HOME: '/nonexistent',
};

const ENV_KEYS = /^(GIT_PROTOCOL|GIT_INDEX_FILE|CAIRN_[A-Z_]+)$/;

/** How long git gets to end by itself after its pipes are closed, and again after SIGTERM. */
const KILL_GRACE_MS = 2_000;

export function buildArgv(spec: GitCommandSpec): string[] {
  const allowed = ALLOWED_FLAGS[spec.subcommand];
  if (!allowed) throw new GitCommandError(GitErrorCode.NotAllowed, `git ${spec.subcommand} is not allowed`);
  const argv: string[] = [];
  for (const [key, value] of Object.entries(spec.config ?? {})) {
    if (!ALLOWED_CONFIG_KEYS.has(key)) throw new GitCommandError(GitErrorCode.NotAllowed, `config ${key} is not allowed`);
    if (/[\n\0]/.test(value)) throw new GitCommandError(GitErrorCode.InvalidArgument, `config ${key} has a bad value`);
    argv.push('-c', `${key}=${value}`);
  }
  if (spec.gitDir !== undefined) {
    if (!spec.gitDir.startsWith('/')) throw new GitCommandError(GitErrorCode.InvalidArgument, 'git dir must be absolute');
    argv.push(`--git-dir=${spec.gitDir}`);
  }
  argv.push(spec.subcommand);
  for (const flag of spec.flags ?? []) {
    const ok = allowed.some((a) => (a.endsWith('=') ? flag.startsWith(a) && !/[\n\0]/.test(flag) : flag === a));
    if (!ok) throw new GitCommandError(GitErrorCode.NotAllowed, `flag ${flag} is not allowed for git ${spec.subcommand}`);
    argv.push(flag);
  }
  const args = spec.args ?? [];
  for (const arg of args) {
    if (arg.startsWith('-')) throw new GitCommandError(GitErrorCode.InvalidArgument, `argument ${JSON.stringify(arg)} looks like an option`);
    if (arg.includes('\0')) throw new GitCommandError(GitErrorCode.InvalidArgument, 'argument contains NUL');
  }
  if (args.length > 0 && SUPPORTS_END_OF_OPTIONS.has(spec.subcommand)) argv.push('--end-of-options');
  argv.push(...args);
  return argv;
}

function buildEnv(spec: GitCommandSpec): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...FIXED_ENV, PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const [key, value] of Object.entries(spec.env ?? {})) {
    if (!ENV_KEYS.test(key)) throw new GitCommandError(GitErrorCode.NotAllowed, `environment ${key} is not allowed`);
    env[key] = value;
  }
  return env;
}

/**
 * A running git process with streaming stdin/stdout. It runs in its own process group so that
 * `kill()` also ends the children git starts (pack-objects, index-pack): an aborted clone or
 * push must never leave a git process behind.
 */
export class GitProcess {
  readonly stderrChunks: Buffer[] = [];
  private stderrBytes = 0;
  private readonly exit: Promise<number>;
  private exited = false;
  private killed = false;

  constructor(readonly child: ChildProcessWithoutNullStreams, readonly description: string) {
    child.stderr.on('data', (chunk: Buffer) => {
      // Keep the first 64 KiB of stderr for error messages; never grow without bound.
      if (this.stderrBytes < 65536) this.stderrChunks.push(chunk);
      this.stderrBytes += chunk.length;
    });
    // A reader that goes away must not crash the process with EPIPE.
    child.stdin.on('error', () => undefined);
    this.exit = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.exited = true;
        resolve(code ?? (signal ? 128 : 1));
      });
      child.on('error', () => {
        this.exited = true;
        resolve(127);
      });
    });
  }

  get stdin() {
    return this.child.stdin;
  }
  get stdout() {
    return this.child.stdout;
  }
  get stderr(): string {
    return Buffer.concat(this.stderrChunks).toString('utf8');
  }

  /** Resolves with the exit code once the process and its pipes have closed. */
  wait(): Promise<number> {
    return this.exit;
  }

  /**
   * Ends git and everything it started. First the way a client that went away would: stdin is
   * closed (anything not yet written is dropped) and stdout is read and discarded, so git fails
   * on its own error path and exits normally, removing what it was building. A signal would not
   * do that: git 2.39 leaves a push's quarantine directory, with its half-received pack, behind
   * when it dies of SIGTERM, SIGPIPE or SIGKILL. Whatever is still alive after a grace period
   * gets SIGTERM, and then SIGKILL.
   */
  kill(graceMs = KILL_GRACE_MS): void {
    const pid = this.child.pid;
    if (this.exited || pid === undefined || this.killed) return;
    this.killed = true;
    this.child.stdin.destroy();
    this.child.stdout.removeAllListeners('data');
    this.child.stdout.resume();
    const signal = (name: NodeJS.Signals) => {
      if (this.exited) return;
      try {
        process.kill(-pid, name);
      } catch {
        // No process group (or it is gone): signal the process itself.
        this.child.kill(name);
      }
    };
    const term = setTimeout(() => signal('SIGTERM'), graceMs);
    const kill = setTimeout(() => signal('SIGKILL'), 2 * graceMs);
    term.unref();
    kill.unref();
    void this.exit.then(() => {
      clearTimeout(term);
      clearTimeout(kill);
    });
  }
}

export interface GitSpawnOptions {
  /** Kill the process when neither stdin nor stdout moved for this long (idle, not total). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** Read size for stdout; large reads mean fewer, bigger chunks down the line. */
  highWaterMark?: number;
}

export function spawnGit(spec: GitCommandSpec, options: GitSpawnOptions = {}): GitProcess {
  const argv = buildArgv(spec);
  const child = spawn('git', argv, {
    env: buildEnv(spec),
    cwd: '/',
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const proc = new GitProcess(child, `git ${spec.subcommand}`);
  if (options.signal) {
    if (options.signal.aborted) proc.kill();
    else options.signal.addEventListener('abort', () => proc.kill(), { once: true });
  }
  if (options.idleTimeoutMs) {
    const idle = options.idleTimeoutMs;
    let timer = setTimeout(() => proc.kill(), idle);
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => proc.kill(), idle);
    };
    child.stdout.on('data', touch);
    // A push streams a large pack into stdin while stdout stays silent; count writes as activity.
    const origWrite = child.stdin.write.bind(child.stdin);
    child.stdin.write = ((...a: Parameters<typeof origWrite>) => {
      touch();
      return origWrite(...a);
    }) as typeof child.stdin.write;
    void proc.wait().then(() => clearTimeout(timer));
  }
  return proc;
}

/** Runs a short git command to completion and collects its output. */
export async function runGit(spec: GitCommandSpec, options: GitRunOptions = {}): Promise<GitResult> {
  const proc = spawnGit(spec, { signal: options.signal });
  const timer = options.timeoutMs ? setTimeout(() => proc.kill(), options.timeoutMs) : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  proc.stdout.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (options.maxOutputBytes !== undefined && size > options.maxOutputBytes) {
      overflow = true;
      proc.kill();
      return;
    }
    chunks.push(chunk);
  });
  if (options.stdin !== undefined) proc.stdin.end(options.stdin);
  else proc.stdin.end();
  const exitCode = await proc.wait();
  if (timer) clearTimeout(timer);
  if (overflow) throw new GitCommandError(GitErrorCode.OutputTooLarge, `${proc.description} produced more than ${options.maxOutputBytes} bytes`);
  return { stdout: Buffer.concat(chunks), stderr: proc.stderr, exitCode };
}

/** Like runGit, but a non-zero exit is an error carrying git's own message. */
export async function runGitChecked(spec: GitCommandSpec, options: GitRunOptions = {}): Promise<Buffer> {
  const result = await runGit(spec, options);
  if (result.exitCode !== 0) {
    throw new GitCommandError(GitErrorCode.Failed, `git ${spec.subcommand} failed (${result.exitCode}): ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** The Git-Protocol header / GIT_PROTOCOL grammar git itself accepts (e.g. "version=2"). */
export function isValidGitProtocol(value: string): boolean {
  const pair = '[0-9a-zA-Z][0-9a-zA-Z-]*=[0-9a-zA-Z][0-9a-zA-Z-]*';
  return value.length <= 256 && new RegExp(`^${pair}(:${pair})*$`).test(value);
}
