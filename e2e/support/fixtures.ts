import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { CodeCommitClient, CreateRepositoryCommand } from '@aws-sdk/client-codecommit';
import { git, Stack } from './stack';

export function codeCommitClient(stack: Stack): CodeCommitClient {
  const c = stack.credentials();
  return new CodeCommitClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
}

/** Creates a repository through the API; returns its id. */
export async function createRepository(client: CodeCommitClient, repositoryName: string): Promise<string> {
  const out = await client.send(new CreateRepositoryCommand({ repositoryName }));
  return out.repositoryMetadata!.repositoryId!;
}

/** Writes `bytes` of random (incompressible) data, in pieces so memory stays small. */
export function writeRandomFile(path: string, bytes: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; ) {
      const piece = randomBytes(Math.min(8 * 1024 * 1024, bytes - written));
      writeSync(fd, piece);
      written += piece.length;
    }
  } finally {
    closeSync(fd);
  }
}

const AUTHOR = ['-c', 'user.name=Test', '-c', 'user.email=t@example.com'];

/** A new repository with `main` checked out. */
export function initSource(dir: string): string {
  git(['init', '-q', '-b', 'main', dir]);
  return dir;
}

/** Commits what is in the work tree (after `write` ran); returns the commit id. */
export function commitAll(dir: string, message: string, write?: (dir: string) => void): string {
  write?.(dir);
  git(['add', '-A'], { cwd: dir });
  git([...AUTHOR, 'commit', '-q', '--allow-empty', '-m', message], { cwd: dir });
  return git(['rev-parse', 'HEAD'], { cwd: dir }).trim();
}

/** ref → object id, as `git ls-remote` shows a repository to a user. */
export function remoteRefs(url: string): Record<string, string> {
  const refs: Record<string, string> = {};
  for (const line of git(['ls-remote', url]).trim().split('\n').filter(Boolean)) {
    const [id, ref] = line.split('\t');
    refs[ref] = id;
  }
  return refs;
}

/**
 * git without blocking this process (gitResult uses spawnSync): needed when the same process
 * serves something git talks to, such as a RecordingProxy, or to act while git runs.
 */
export function gitAsync(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): { child: ChildProcess; done: Promise<{ status: number; stdout: string; stderr: string }> } {
  const child = spawn('git', args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LANG: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
  const done = new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ status: code ?? (signal ? 128 : 1), stdout, stderr });
    }),
  );
  return { child, done };
}
