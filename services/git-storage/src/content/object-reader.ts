import { Readable } from 'node:stream';
import { storageContent } from '@cairn/contracts';
import { GitProcess, isValidRefName, spawnGit } from '@cairn/git';
import { contentError, ContentErrorCode as Code } from './content.errors';
import { entryKind, parseCommit, parseTree, TREE_MODE, TreeEntry } from './git-objects';

/** Trees and commits larger than this are refused rather than held in memory. */
const MAX_METADATA_OBJECT_BYTES = 32 * 1024 * 1024;
const FULL_ID = /^[0-9a-fA-F]{40}$/;
const SHORT_ID = /^[0-9a-fA-F]{4,39}$/;

export interface ObjectInfo {
  id: string;
  type: string;
  size: number;
}

/** What a path names inside a commit's tree. */
export interface PathEntry {
  kind: 'tree' | 'blob' | 'submodule';
  mode: string;
  id: string;
}

/**
 * One `git cat-file --batch-command` session: every object a request needs (the commit a
 * revision names, the trees along a path, the blob at its end) comes through the same process,
 * one command at a time. Revisions are written to git's stdin, where they can never be options.
 */
export class ObjectReader {
  private readonly output: ByteQueue;
  private readonly trees = new Map<string, TreeEntry[]>();
  private readonly commits = new Map<string, storageContent.GitCommit>();

  private constructor(private readonly proc: GitProcess) {
    this.output = new ByteQueue(proc.stdout);
  }

  static open(gitDir: string): ObjectReader {
    return new ObjectReader(spawnGit({ gitDir, subcommand: 'cat-file', flags: ['--batch-command'] }, { idleTimeoutMs: 30_000 }));
  }

  async close(): Promise<void> {
    this.proc.stdin.end();
    const timer = setTimeout(() => this.proc.kill(), 5_000);
    await this.proc.wait();
    clearTimeout(timer);
  }

  /** Type and size of an object, or undefined when the name resolves to nothing (or to several). */
  async info(name: string): Promise<ObjectInfo | undefined> {
    this.send(`info ${name}`);
    return this.header(name);
  }

  /** The bytes of an object `info` found; the caller checks its type and size first. */
  async contents(info: ObjectInfo): Promise<Buffer> {
    this.send(`contents ${info.id}`);
    const header = await this.header(info.id);
    if (!header) throw new Error(`object ${info.id} vanished`);
    const data = await this.output.take(header.size);
    await this.output.take(1); // the LF after the content
    return data;
  }

  /**
   * The commit a CodeCommit commit specifier names: a full or abbreviated commit id, HEAD, a full
   * ref, or a short name tried as git does (refs/<name>, then tags, then branches). Annotated tags
   * are peeled. Nothing else git's revision syntax knows (`~`, `^`, `:`, `@{…}`) is accepted.
   */
  async resolveCommit(revision: string): Promise<string> {
    const candidates = revisionCandidates(revision);
    for (const candidate of candidates) {
      const info = await this.info(candidate);
      if (!info) continue;
      if (info.type === 'commit') return info.id;
      if (info.type === 'tag') {
        const peeled = await this.info(`${info.id}^{commit}`);
        if (peeled?.type === 'commit') return peeled.id;
      }
      throw contentError(Code.NotACommit, `${JSON.stringify(revision)} does not name a commit`);
    }
    if (revision === '') throw contentError(Code.RevisionNotFound, 'the repository has no default branch (HEAD points to no commit)');
    throw contentError(Code.RevisionNotFound, `${JSON.stringify(revision)} does not exist`);
  }

  async commit(id: string): Promise<storageContent.GitCommit | undefined> {
    const cached = this.commits.get(id);
    if (cached) return cached;
    const info = await this.info(id);
    if (info?.type !== 'commit') return undefined;
    if (info.size > MAX_METADATA_OBJECT_BYTES) throw contentError(Code.ObjectTooLarge, `commit ${id} is too large to read`);
    const commit = parseCommit(info.id, await this.contents(info));
    this.commits.set(id, commit);
    return commit;
  }

  /** A commit that must exist (it came from git itself). */
  async requireCommit(id: string): Promise<storageContent.GitCommit> {
    const commit = await this.commit(id);
    if (!commit) throw new Error(`commit ${id} could not be read`);
    return commit;
  }

  async tree(id: string): Promise<TreeEntry[]> {
    const cached = this.trees.get(id);
    if (cached) return cached;
    const info = await this.info(id);
    if (info?.type !== 'tree') throw new Error(`tree ${id} could not be read`);
    if (info.size > MAX_METADATA_OBJECT_BYTES) throw contentError(Code.ObjectTooLarge, `tree ${id} is too large to read`);
    const entries = parseTree(await this.contents(info));
    this.trees.set(id, entries);
    return entries;
  }

  /** What `segments` (a validated path) names under a root tree; undefined when nothing does. */
  async entryAt(rootTreeId: string, segments: string[]): Promise<PathEntry | undefined> {
    let entry: PathEntry = { kind: 'tree', mode: TREE_MODE, id: rootTreeId };
    for (const segment of segments) {
      if (entry.kind !== 'tree') return undefined;
      const name = Buffer.from(segment, 'utf8');
      const found = (await this.tree(entry.id)).find((e) => e.name.equals(name));
      if (!found) return undefined;
      entry = { kind: entryKind(found.mode), mode: found.mode, id: found.id };
    }
    return entry;
  }

  private send(command: string): void {
    this.proc.stdin.write(`${command}\n`);
  }

  private async header(name: string): Promise<ObjectInfo | undefined> {
    const line = (await this.output.line()).toString('utf8');
    if (line === `${name} missing` || line === `${name} ambiguous`) return undefined;
    const match = /^([0-9a-f]{40}) (\w+) (\d+)$/.exec(line);
    if (!match) throw new Error(`unexpected cat-file output ${JSON.stringify(line.slice(0, 200))}`);
    return { id: match[1], type: match[2], size: Number(match[3]) };
  }
}

/** Runs `fn` with a cat-file session that is closed afterwards, whatever happens. */
export async function withReader<T>(dir: string, fn: (reader: ObjectReader) => Promise<T>): Promise<T> {
  const reader = ObjectReader.open(dir);
  try {
    return await fn(reader);
  } finally {
    await reader.close();
  }
}

/** The names to try for a commit specifier, in git's order; throws when it can name nothing. */
export function revisionCandidates(revision: string): string[] {
  if (revision === '' || revision === 'HEAD') return ['HEAD'];
  if (FULL_ID.test(revision)) return [revision.toLowerCase()];
  if (revision.startsWith('refs/')) {
    if (isValidRefName(revision)) return [revision];
    throw contentError(Code.InvalidRevision, `${JSON.stringify(revision)} is not a valid reference`);
  }
  const candidates = !revision.startsWith('-') && isValidRefName(`refs/heads/${revision}`) ? [`refs/${revision}`, `refs/tags/${revision}`, `refs/heads/${revision}`] : [];
  if (SHORT_ID.test(revision)) candidates.push(revision.toLowerCase());
  if (candidates.length === 0) throw contentError(Code.InvalidRevision, `${JSON.stringify(revision)} is not a valid commit specifier`);
  return candidates;
}

/** A path as storage accepts it: "/"-separated segments, none empty, "." or "..". */
export function pathSegments(path: string): string[] {
  if (path === '') return [];
  const segments = path.split('/');
  if (path.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw contentError(Code.InvalidPath, `${JSON.stringify(path)} is not a valid path`);
  }
  return segments;
}

/** Reads exact byte counts and lines from a stream, without copying more than it must. */
class ByteQueue {
  private chunks: Buffer[] = [];
  private length = 0;
  private ended = false;
  private wake?: () => void;

  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.notify();
    });
    stream.on('end', () => {
      this.ended = true;
      this.notify();
    });
    stream.on('close', () => {
      this.ended = true;
      this.notify();
    });
  }

  async line(): Promise<Buffer> {
    for (;;) {
      const at = this.indexOfNewline();
      if (at !== -1) {
        const line = await this.take(at);
        await this.take(1);
        return line;
      }
      await this.more();
    }
  }

  async take(n: number): Promise<Buffer> {
    while (this.length < n) await this.more();
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  private indexOfNewline(): number {
    let offset = 0;
    for (const chunk of this.chunks) {
      const at = chunk.indexOf(0x0a);
      if (at !== -1) return offset + at;
      offset += chunk.length;
    }
    return -1;
  }

  private more(): Promise<void> {
    if (this.ended) return Promise.reject(new Error('git cat-file ended unexpectedly'));
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
