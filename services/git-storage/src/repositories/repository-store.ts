import { Inject, Injectable } from '@nestjs/common';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { GrpcStatus, RpcError } from '@cairn/contracts';
import { runGitChecked } from '@cairn/git';
import { STORAGE_CONFIG, StorageConfig } from '../config';
import { HooksInstaller } from '../ref-journal/hooks-installer';

/** Repository ids are UUIDs chosen by repo-metadata; nothing else may name a directory. */
const REPOSITORY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BRANCH_NAME = /^[A-Za-z0-9._\-/]{1,256}$/;

export interface RefEntry {
  name: string;
  target: string;
}

/**
 * Owns the bare repositories on this node's volume. They live at
 * `<dataDir>/repositories/<id[0..2]>/<id>.git`, so the path is derived from an id that is
 * checked to be a UUID: no name, and no user-supplied string, ever reaches the file system.
 */
@Injectable()
export class RepositoryStore {
  constructor(
    @Inject(STORAGE_CONFIG) private readonly config: StorageConfig,
    private readonly hooks: HooksInstaller,
  ) {}

  pathOf(repositoryId: string): string {
    if (!REPOSITORY_ID.test(repositoryId)) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'InvalidRepositoryId', `invalid repository id ${JSON.stringify(repositoryId)}`);
    return join(this.config.dataDir, 'repositories', repositoryId.slice(0, 2), `${repositoryId}.git`);
  }

  async exists(repositoryId: string): Promise<boolean> {
    try {
      return (await stat(join(this.pathOf(repositoryId), 'HEAD'))).isFile();
    } catch {
      return false;
    }
  }

  /** Resolves the directory of an existing repository or fails with NOT_FOUND. */
  async require(repositoryId: string): Promise<string> {
    const dir = this.pathOf(repositoryId);
    if (!(await this.exists(repositoryId))) throw new RpcError(GrpcStatus.NOT_FOUND, 'RepositoryDoesNotExist', `repository ${repositoryId} does not exist on this node`);
    return dir;
  }

  async create(repositoryId: string, defaultBranch: string): Promise<boolean> {
    const dir = this.pathOf(repositoryId);
    if (await this.exists(repositoryId)) return false;
    if (!BRANCH_NAME.test(defaultBranch) || defaultBranch.startsWith('-')) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'InvalidBranchName', 'invalid default branch');
    // Build the repository beside its final place and rename it in, so a crash never leaves a
    // half-initialised repository under a valid id.
    const staging = join(this.config.dataDir, 'tmp', `create-${randomUUID()}.git`);
    await mkdir(join(this.config.dataDir, 'tmp'), { recursive: true });
    await runGitChecked({ subcommand: 'init', flags: ['--bare', '--quiet', `--initial-branch=${defaultBranch}`], args: [staging] }, { timeoutMs: 30_000 });
    await writeFile(join(staging, 'config'), repositoryConfig(this.hooks.hooksDir));
    await rm(join(staging, 'hooks'), { recursive: true, force: true });
    await rm(join(staging, 'description'), { force: true });
    await mkdir(join(dir, '..'), { recursive: true });
    try {
      await rename(staging, dir);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if ((error as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    return true;
  }

  async delete(repositoryId: string): Promise<boolean> {
    const dir = this.pathOf(repositoryId);
    if (!(await this.exists(repositoryId))) return false;
    // Move out of the way first (atomic), then remove at leisure.
    const trash = join(this.config.dataDir, 'tmp', `delete-${randomUUID()}.git`);
    await mkdir(join(this.config.dataDir, 'tmp'), { recursive: true });
    await rename(dir, trash);
    await rm(trash, { recursive: true, force: true });
    return true;
  }

  /**
   * Refs under the prefixes in name order, from `startAfter` on and at most `limit` (0: all) of them.
   * git 2.39's for-each-ref cannot start after a name, so it lists them all; the page is cut here,
   * so only the page crosses the wire (a ListBranches page of 10,000 branches sent all 10,000).
   */
  async listRefs(repositoryId: string, prefixes: string[], page: { startAfter?: string; limit?: number } = {}): Promise<{ refs: RefEntry[]; head: string }> {
    const dir = await this.require(repositoryId);
    for (const p of prefixes) {
      if (!p.startsWith('refs/')) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'InvalidRefPrefix', `prefix must start with refs/: ${JSON.stringify(p)}`);
    }
    const out = await runGitChecked(
      { gitDir: dir, subcommand: 'for-each-ref', flags: ['--format=%(objectname) %(refname)'], args: prefixes },
      { timeoutMs: 60_000, maxOutputBytes: 512 * 1024 * 1024 },
    );
    const lines = out.toString('utf8').split('\n').filter(Boolean);
    // Names sort as bytes (git's order): compare the UTF-8 encodings, not JS strings.
    const after = page.startAfter ? Buffer.from(page.startAfter) : undefined;
    const first = after ? lines.findIndex((line) => Buffer.compare(Buffer.from(line.slice(41)), after) > 0) : 0;
    const selected = first < 0 ? [] : page.limit ? lines.slice(first, first + page.limit) : lines.slice(first);
    const refs = selected.map((line) => ({ target: line.slice(0, 40), name: line.slice(41) }));
    return { refs, head: await symbolicHead(dir) };
  }
}

/**
 * What HEAD points at (`symbolic-ref --quiet HEAD`), read from the file rather than by spawning
 * git: every ref listing asks for it. '' when HEAD is detached (a commit id) or unreadable.
 */
async function symbolicHead(dir: string): Promise<string> {
  const content = await readFile(join(dir, 'HEAD'), 'utf8').catch(() => '');
  const match = /^ref: (refs\/\S+)\n?$/.exec(content);
  return match ? match[1] : '';
}

/**
 * Settings every repository carries. fsck on receive keeps corrupt objects out; hooks point at
 * the node's shared hooks directory, which records every committed reference change.
 */
function repositoryConfig(hooksDir: string): string {
  return [
    '[core]',
    '\trepositoryformatversion = 0',
    '\tfilemode = true',
    '\tbare = true',
    `\thooksPath = ${hooksDir}`,
    '\tlogAllRefUpdates = false',
    '[receive]',
    '\tfsckObjects = true',
    '\tadvertisePushOptions = false',
    '[uploadpack]',
    '\tallowFilter = true',
    '\tallowAnySHA1InWant = false',
    '[transfer]',
    '\tadvertiseSID = false',
    '[gc]',
    '\tauto = 0',
    '',
  ].join('\n');
}
