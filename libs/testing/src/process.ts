import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { delay } from './wait';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing its output; rejects with that output when it fails. */
export async function run(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<CommandResult> {
  const result = await runUnchecked(command, args, options);
  if (result.code !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}\n${output}`);
  }
  return result;
}

export function runUnchecked(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * A detached shell that runs `cleanup` once process `pid` is gone. Servers started for a test run
 * are daemons; if jest is killed before its global teardown runs, this still stops them.
 */
export function spawnReaper(pid: number, cleanup: string): ChildProcess {
  const script = `while kill -0 ${pid} 2>/dev/null; do sleep 1; done; ${cleanup}`;
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

/**
 * Runs `fn` holding a lock directory next to `target`, so two test runs on one machine do not fill
 * the same cache at once. A lock older than `staleMs` is taken to be left by a dead run.
 */
export async function withFileLock<T>(target: string, fn: () => Promise<T>, staleMs = 15 * 60_000): Promise<T> {
  const lock = `${target}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > staleMs) rmSync(lock, { recursive: true, force: true });
      } catch {
        // removed by its owner meanwhile
      }
      await delay(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Opens a file for a child's stdout/stderr; the caller's copy of the descriptor is closed after spawn. */
export function openLog(file: string): number {
  mkdirSync(dirname(file), { recursive: true });
  return openSync(file, 'a');
}

export function closeLog(fd: number): void {
  closeSync(fd);
}
