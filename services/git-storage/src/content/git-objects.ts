import { storageContent } from '@cairn/contracts';

/**
 * Parsers for the raw objects `git cat-file` hands out and the records `git diff-tree -z` prints.
 * Pure functions over bytes: names and paths are split on NUL and on the object formats' own
 * framing, never on spaces.
 */

export const TREE_MODE = '40000';
export const SUBMODULE_MODE = '160000';
export const SYMLINK_MODE = '120000';
export const EMPTY_TREE_ID = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
export const ZERO_ID = '0'.repeat(40);
const HASH_BYTES = 20;

export interface TreeEntry {
  /** The entry name as stored (git does not define an encoding; Cairn reads UTF-8). */
  name: Buffer;
  mode: string;
  id: string;
}

/** A tree object's entries, in stored (git's sorted) order. */
export function parseTree(data: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const nul = space === -1 ? -1 : data.indexOf(0, space + 1);
    if (space === -1 || nul === -1 || nul + 1 + HASH_BYTES > data.length) throw new Error('malformed tree object');
    entries.push({
      mode: data.toString('latin1', at, space),
      name: data.subarray(space + 1, nul),
      id: data.toString('hex', nul + 1, nul + 1 + HASH_BYTES),
    });
    at = nul + 1 + HASH_BYTES;
  }
  return entries;
}

/** Whether a tree entry is a folder, a submodule, or a file (regular, executable or symlink). */
export function entryKind(mode: string): 'tree' | 'submodule' | 'blob' {
  if (mode === TREE_MODE) return 'tree';
  if (mode === SUBMODULE_MODE) return 'submodule';
  return 'blob';
}

/**
 * A commit object. `gpgsig`, `mergetag` and other headers are skipped (continuation lines start
 * with a space); the message is decoded with the commit's `encoding` header when it has one.
 */
export function parseCommit(commitId: string, data: Buffer): storageContent.GitCommit {
  const split = data.indexOf('\n\n');
  const headerEnd = split === -1 ? data.length : split;
  const headers = data.toString('utf8', 0, headerEnd).split('\n');
  const commit: storageContent.GitCommit = { commitId, treeId: '', parents: [], message: '', author: undefined, committer: undefined };
  let encoding = '';
  for (const line of headers) {
    if (line.startsWith(' ')) continue;
    const space = line.indexOf(' ');
    const key = space === -1 ? line : line.slice(0, space);
    const value = space === -1 ? '' : line.slice(space + 1);
    if (key === 'tree') commit.treeId = value;
    else if (key === 'parent') commit.parents.push(value);
    else if (key === 'author') commit.author = parseSignature(value);
    else if (key === 'committer') commit.committer = parseSignature(value);
    else if (key === 'encoding') encoding = value.trim();
  }
  if (!/^[0-9a-f]{40}$/.test(commit.treeId)) throw new Error(`malformed commit object ${commitId}`);
  commit.message = split === -1 ? '' : decode(data.subarray(split + 2), encoding);
  return commit;
}

function decode(bytes: Buffer, encoding: string): string {
  if (encoding && !/^utf-?8$/i.test(encoding)) {
    try {
      return new TextDecoder(encoding).decode(bytes);
    } catch {
      // An encoding Node does not know: fall back to UTF-8, as git log does.
    }
  }
  return bytes.toString('utf8');
}

/** "Name <email> 1484167798 -0800" → name, email and git's date string. */
export function parseSignature(value: string): storageContent.GitSignature {
  const match = /^(.*?) ?<([^<>]*)> ?(\d+) ([+-]\d{4})$/.exec(value);
  if (match) return { name: match[1], email: match[2], date: `${match[3]} ${match[4]}` };
  const open = value.indexOf('<');
  const close = value.indexOf('>', open);
  if (open === -1 || close === -1) return { name: value.trim(), email: '', date: '' };
  return { name: value.slice(0, open).trim(), email: value.slice(open + 1, close), date: value.slice(close + 1).trim() };
}

export interface RawDifference {
  status: string;
  srcMode: string;
  dstMode: string;
  srcId: string;
  dstId: string;
  /** The path (for a rename or copy, the destination). */
  path: string;
  /** For a rename or copy (status R or C, with -M/-C): the source path. */
  srcPath?: string;
}

/**
 * Incremental parser of `git diff-tree -r -z` output:
 * `:<src mode> <dst mode> <src id> <dst id> <status>[score]` NUL `<path>` NUL, where a rename or
 * copy has two paths (source, then destination).
 */
export class RawDiffParser {
  private rest = Buffer.alloc(0);
  private fields: string[] = [];

  /** Feeds a chunk; returns the records it completed. */
  push(chunk: Buffer): RawDifference[] {
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: RawDifference[] = [];
    let at = 0;
    for (let nul = data.indexOf(0, at); nul !== -1; nul = data.indexOf(0, at)) {
      this.fields.push(this.fields.length === 0 ? data.toString('latin1', at, nul) : data.toString('utf8', at, nul));
      at = nul + 1;
      const match = /^:(\d{6}) (\d{6}) ([0-9a-f]{40}) ([0-9a-f]{40}) ([A-Z])\d*$/.exec(this.fields[0]);
      if (!match) throw new Error(`unexpected diff-tree record ${JSON.stringify(this.fields[0])}`);
      const paths = match[5] === 'R' || match[5] === 'C' ? 2 : 1;
      if (this.fields.length < 1 + paths) continue;
      const [, srcMode, dstMode, srcId, dstId, status] = match;
      out.push(paths === 2 ? { srcMode, dstMode, srcId, dstId, status, srcPath: this.fields[1], path: this.fields[2] } : { srcMode, dstMode, srcId, dstId, status, path: this.fields[1] });
      this.fields = [];
    }
    this.rest = Buffer.from(data.subarray(at));
    return out;
  }

  /** True when the input ended between records. */
  get complete(): boolean {
    return this.rest.length === 0 && this.fields.length === 0;
  }
}

/** A raw record as a CodeCommit-style difference: A, D or M (a type change is a modification). */
export function toDifference(raw: RawDifference, beforePrefix: string, afterPrefix: string): storageContent.GitDifference {
  const before = raw.srcMode !== '000000';
  const after = raw.dstMode !== '000000';
  return {
    changeType: !before ? 'A' : !after ? 'D' : 'M',
    beforePath: before ? joinPath(beforePrefix, raw.path) : '',
    beforeMode: before ? raw.srcMode : '',
    beforeId: before ? raw.srcId : '',
    afterPath: after ? joinPath(afterPrefix, raw.path) : '',
    afterMode: after ? raw.dstMode : '',
    afterId: after ? raw.dstId : '',
  };
}

export function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  return path ? `${prefix}/${path}` : prefix;
}
