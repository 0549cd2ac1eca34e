import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runGitChecked } from '@cairn/git';
import { IndexEntry } from './tree-edit';

const GIT_TIMEOUT_MS = 60_000;
const ZERO_ID = '0'.repeat(40);

/**
 * A private index file for building a tree without a work tree: read a tree in, change entries,
 * write the tree out. Commits through the API and merge resolutions are both edits of this kind.
 */
export class TempIndex {
  private constructor(
    private readonly gitDir: string,
    private readonly file: string,
  ) {}

  static async use<T>(gitDir: string, tmpDir: string, fn: (index: TempIndex) => Promise<T>): Promise<T> {
    await mkdir(tmpDir, { recursive: true });
    const file = join(tmpDir, `index-${randomUUID()}`);
    try {
      return await fn(new TempIndex(gitDir, file));
    } finally {
      await rm(file, { force: true });
      await rm(`${file}.lock`, { force: true });
    }
  }

  git(subcommand: string, flags: string[], args: string[], stdin?: string | Buffer): Promise<Buffer> {
    return runGitChecked({ gitDir: this.gitDir, subcommand, flags, args, env: { GIT_INDEX_FILE: this.file } }, { stdin, timeoutMs: GIT_TIMEOUT_MS, maxOutputBytes: 256 * 1024 * 1024 });
  }

  /** Loads a tree or commit's tree (none: the empty tree) and returns its flattened entries. */
  async read(treeish: string | undefined): Promise<Map<string, IndexEntry>> {
    await this.git('read-tree', treeish ? [] : ['--empty'], treeish ? [treeish] : []);
    return parseIndex(await this.git('ls-files', ['-s', '-z'], []));
  }

  async hashBlob(content: Buffer): Promise<string> {
    return (await this.git('hash-object', ['-w', '--stdin'], [], content)).toString().trim();
  }

  /** Applies puts and deletions (paths of the loaded tree) in one update-index call. */
  async apply(puts: Iterable<[string, IndexEntry]>, deletions: Iterable<string>): Promise<void> {
    const script = [...puts].map(([path, e]) => `${e.mode} ${e.id}\t${path}\0`).join('') + [...deletions].map((path) => `0 ${ZERO_ID}\t${path}\0`).join('');
    if (script) await this.git('update-index', ['-z', '--index-info'], [], script);
  }

  /** Stores a commit object (see commitObject) and returns its id. */
  async writeCommit(object: string): Promise<string> {
    return (await this.git('hash-object', ['-tcommit', '-w', '--stdin'], [], object)).toString().trim();
  }

  async writeTree(): Promise<string> {
    return (await this.git('write-tree', [], [])).toString().trim();
  }
}

/** `ls-files -s -z`: "<mode> <id> <stage>\t<path>\0" per entry. */
export function parseIndex(out: Buffer): Map<string, IndexEntry> {
  const entries = new Map<string, IndexEntry>();
  for (const record of out.toString('utf8').split('\0')) {
    const match = /^(\d{6}) ([0-9a-f]{40}) \d\t(.+)$/s.exec(record);
    if (match) entries.set(match[3], { mode: match[1], id: match[2] });
  }
  return entries;
}
