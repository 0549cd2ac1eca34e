import { Injectable } from '@nestjs/common';
import { storageContent } from '@cairn/contracts';
import { spawnGit } from '@cairn/git';
import { RepositoryStore } from '../repositories/repository-store';
import { contentError, ContentErrorCode as Code } from './content.errors';
import { EMPTY_TREE_ID, toDifference } from './git-objects';
import { ObjectReader, PathEntry, pathSegments, withReader } from './object-reader';
import { rawDiff } from './raw-diff';

const OBJECT_ID = /^[0-9a-f]{40}$/;
const MAX_PAGE = 1000;
const MAX_COMMITS_PER_CALL = 1000;

/**
 * Reads for CodeCommit's content operations. Each call opens one cat-file session for the
 * objects it needs and, for comparisons and history, streams one diff-tree or rev-list that is
 * stopped as soon as the page is full.
 */
@Injectable()
export class ContentReader {
  constructor(private readonly repositories: RepositoryStore) {}

  async readBlob(request: storageContent.ReadBlobRequest): Promise<storageContent.ReadBlobResponse> {
    const dir = await this.repositories.require(request.repositoryId);
    if (!OBJECT_ID.test(request.blobId)) throw contentError(Code.InvalidObjectId, `${JSON.stringify(request.blobId)} is not a full object id`);
    return withReader(dir, async (reader) => {
      const info = await reader.info(request.blobId);
      if (!info) throw contentError(Code.ObjectNotFound, `object ${request.blobId} does not exist`);
      if (info.type !== 'blob') throw contentError(Code.NotABlob, `object ${request.blobId} is a ${info.type}, not a blob`);
      if (request.maxBytes > 0 && info.size > request.maxBytes) throw contentError(Code.ObjectTooLarge, `blob ${request.blobId} is ${info.size} bytes, over the limit of ${request.maxBytes}`);
      return { content: await reader.contents(info), size: info.size };
    });
  }

  async readFile(request: storageContent.ReadFileRequest): Promise<storageContent.ReadFileResponse> {
    const dir = await this.repositories.require(request.repositoryId);
    const segments = pathSegments(request.path);
    if (segments.length === 0) throw contentError(Code.InvalidPath, 'a file path is required');
    return withReader(dir, async (reader) => {
      const commitId = await reader.resolveCommit(request.revision);
      const commit = await reader.requireCommit(commitId);
      const entry = await reader.entryAt(commit.treeId, segments);
      if (entry?.kind !== 'blob') throw contentError(Code.PathNotFound, `no file at ${JSON.stringify(request.path)} in ${commitId}`);
      const info = await reader.info(entry.id);
      if (!info) throw new Error(`blob ${entry.id} is missing`);
      if (request.maxBytes > 0 && info.size > request.maxBytes) throw contentError(Code.ObjectTooLarge, `${request.path} is ${info.size} bytes, over the limit of ${request.maxBytes}`);
      return { commitId, blobId: entry.id, mode: entry.mode, size: info.size, content: await reader.contents(info) };
    });
  }

  async readFolder(request: storageContent.ReadFolderRequest): Promise<storageContent.ReadFolderResponse> {
    const dir = await this.repositories.require(request.repositoryId);
    const segments = pathSegments(request.path);
    return withReader(dir, async (reader) => {
      const commitId = await reader.resolveCommit(request.revision);
      const commit = await reader.requireCommit(commitId);
      const entry = await reader.entryAt(commit.treeId, segments);
      if (entry?.kind !== 'tree') throw contentError(Code.PathNotFound, `no folder at ${JSON.stringify(request.path)} in ${commitId}`);
      const entries = (await reader.tree(entry.id)).map((e) => ({ name: e.name.toString('utf8'), mode: e.mode, objectId: e.id }));
      return { commitId, treeId: entry.id, entries };
    });
  }

  async readCommits(request: storageContent.ReadCommitsRequest): Promise<storageContent.ReadCommitsResponse> {
    const dir = await this.repositories.require(request.repositoryId);
    if (request.commitIds.length > MAX_COMMITS_PER_CALL) throw contentError(Code.InvalidArgument, `at most ${MAX_COMMITS_PER_CALL} commits per call`);
    const bad = request.commitIds.find((id) => !OBJECT_ID.test(id));
    if (bad !== undefined) throw contentError(Code.InvalidObjectId, `${JSON.stringify(bad)} is not a full object id`);
    return withReader(dir, async (reader) => {
      const response: storageContent.ReadCommitsResponse = { commits: [], missing: [] };
      for (const id of request.commitIds) {
        const commit = await reader.commit(id);
        if (commit) response.commits.push(commit);
        else response.missing.push(id);
      }
      return response;
    });
  }

  async compare(request: storageContent.CompareCommitsRequest): Promise<storageContent.CompareCommitsResponse> {
    const dir = await this.repositories.require(request.repositoryId);
    const { offset, limit } = page(request.offset, request.limit);
    const beforeSegments = pathSegments(request.beforePath);
    const afterSegments = pathSegments(request.afterPath);
    if (!request.afterRevision) throw contentError(Code.InvalidRevision, 'a revision to compare to is required');
    return withReader(dir, async (reader) => {
      const afterCommitId = await reader.resolveCommit(request.afterRevision);
      const beforeCommitId = request.beforeRevision ? await reader.resolveCommit(request.beforeRevision) : '';
      const afterTree = (await reader.requireCommit(afterCommitId)).treeId;
      const beforeTree = beforeCommitId ? (await reader.requireCommit(beforeCommitId)).treeId : EMPTY_TREE_ID;
      const before = beforeCommitId ? await reader.entryAt(beforeTree, beforeSegments) : beforeSegments.length === 0 ? rootOf(EMPTY_TREE_ID) : undefined;
      const after = await reader.entryAt(afterTree, afterSegments);
      if (!before && !after) throw contentError(Code.PathNotFound, 'the path exists in neither commit');
      const differences: storageContent.GitDifference[] = [];
      let index = 0;
      let hasMore = false;
      for await (const difference of compareEntries(dir, before, after, request.beforePath, request.afterPath)) {
        if (index++ < offset) continue;
        if (differences.length === limit) {
          hasMore = true;
          break;
        }
        differences.push(difference);
      }
      return { beforeCommitId, afterCommitId, differences, hasMore };
    });
  }

  /**
   * The versions of one file, newest first. See `fileVersions`; pages are counted over versions.
   */
  async history(request: storageContent.ListFileHistoryRequest): Promise<storageContent.ListFileHistoryResponse> {
    const dir = await this.repositories.require(request.repositoryId);
    const { offset, limit } = page(request.offset, request.limit);
    if (pathSegments(request.path).length === 0) throw contentError(Code.InvalidPath, 'a file path is required');
    // Paths go to rev-list on stdin, one per line.
    if (request.path.includes('\n')) throw contentError(Code.InvalidPath, 'a path with a line break cannot be followed');
    return withReader(dir, async (reader) => {
      const commitId = await reader.resolveCommit(request.revision);
      const versions: storageContent.GitFileVersion[] = [];
      let index = 0;
      let hasMore = false;
      for await (const version of fileVersions(dir, reader, commitId, request.path)) {
        if (index++ < offset) continue;
        if (versions.length === limit) {
          hasMore = true;
          break;
        }
        versions.push(version);
      }
      return { commitId, versions, hasMore };
    });
  }
}

/**
 * A file's versions as a DAG. `rev-list --parents` limited to the path rewrites each commit's
 * parents to the nearest commits that also changed it, so its output is the file's own history
 * in topological order; the commits where the path holds a file are its versions (a commit that
 * deleted it is left out, and its children become its parents' children). Where the file was
 * created by a rename (the oldest version has no parent in this history, and diff-tree -M
 * against its first parent shows a rename onto the path), history continues under the old path,
 * and the versions there have the renaming commit as their child.
 */
async function* fileVersions(dir: string, reader: ObjectReader, startCommit: string, startPath: string): AsyncGenerator<storageContent.GitFileVersion> {
  const segments = [{ start: startCommit, path: startPath, incoming: [] as string[] }];
  const visited = new Set<string>();
  for (let segment = segments.shift(); segment; segment = segments.shift()) {
    const key = `${segment.start}\0${segment.path}`;
    if (visited.has(key)) continue;
    visited.add(key);
    const pathParts = pathSegments(segment.path);
    const childrenOf = new Map<string, string[]>();
    for await (const [id, ...parents] of revList(dir, `${segment.start}\n--\n:(literal)${segment.path}\n`)) {
      // A commit nothing newer in this history points at is a tip: its children are the
      // commits that renamed the file away from this path (none for the first segment).
      const children = childrenOf.get(id) ?? segment.incoming;
      childrenOf.delete(id);
      const commit = await reader.requireCommit(id);
      const entry = await reader.entryAt(commit.treeId, pathParts);
      const isVersion = entry?.kind === 'blob';
      for (const parent of parents) {
        const list = childrenOf.get(parent) ?? [];
        for (const child of isVersion ? [id] : children) if (!list.includes(child)) list.push(child);
        childrenOf.set(parent, list);
      }
      if (!isVersion) continue;
      if (parents.length === 0 && commit.parents.length > 0 && !segment.path.includes('\n')) {
        const from = await renamedFrom(dir, reader, commit, segment.path);
        if (from) segments.push({ start: commit.parents[0], path: from, incoming: [id] });
      }
      yield { commit, blobId: entry.id, path: segment.path, children };
    }
  }
}

/** The path `path` was renamed from in `commit` (compared with its first parent), if it was. */
async function renamedFrom(dir: string, reader: ObjectReader, commit: storageContent.GitCommit, path: string): Promise<string | undefined> {
  const parent = await reader.requireCommit(commit.parents[0]);
  if (await reader.entryAt(parent.treeId, pathSegments(path))) return undefined;
  for await (const raw of rawDiff(dir, ['-r', '-z', '-M'], parent.treeId, commit.treeId)) {
    if (raw.status === 'R' && raw.path === path && raw.srcPath && !raw.srcPath.includes('\n')) return raw.srcPath;
  }
  return undefined;
}

function page(offset: number, limit: number): { offset: number; limit: number } {
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw contentError(Code.InvalidArgument, `offset must be ≥ 0 and limit 1 to ${MAX_PAGE}`);
  }
  return { offset, limit };
}

const rootOf = (treeId: string): PathEntry => ({ kind: 'tree', mode: '40000', id: treeId });

/**
 * The differences between what two paths name, in path order: a file or submodule on either
 * side is one record (listed before the folder contents at the same path), folders are
 * compared recursively by diff-tree.
 */
async function* compareEntries(dir: string, before: PathEntry | undefined, after: PathEntry | undefined, beforePath: string, afterPath: string): AsyncGenerator<storageContent.GitDifference> {
  const leaf = (side: PathEntry | undefined) => (side && side.kind !== 'tree' ? side : undefined);
  const beforeLeaf = leaf(before);
  const afterLeaf = leaf(after);
  if (beforeLeaf && afterLeaf) {
    if (beforeLeaf.id !== afterLeaf.id || beforeLeaf.mode !== afterLeaf.mode) {
      yield { changeType: 'M', beforePath, beforeMode: beforeLeaf.mode, beforeId: beforeLeaf.id, afterPath, afterMode: afterLeaf.mode, afterId: afterLeaf.id };
    }
    return;
  }
  if (beforeLeaf) yield { changeType: 'D', beforePath, beforeMode: beforeLeaf.mode, beforeId: beforeLeaf.id, afterPath: '', afterMode: '', afterId: '' };
  if (afterLeaf) yield { changeType: 'A', beforePath: '', beforeMode: '', beforeId: '', afterPath, afterMode: afterLeaf.mode, afterId: afterLeaf.id };
  const beforeTree = before?.kind === 'tree' ? before.id : EMPTY_TREE_ID;
  const afterTree = after?.kind === 'tree' ? after.id : EMPTY_TREE_ID;
  if (beforeTree === afterTree) return;
  yield* diffTrees(dir, beforeTree, afterTree, beforePath, afterPath);
}

async function* diffTrees(dir: string, beforeTree: string, afterTree: string, beforePrefix: string, afterPrefix: string): AsyncGenerator<storageContent.GitDifference> {
  for await (const raw of rawDiff(dir, ['-r', '-z'], beforeTree, afterTree)) yield toDifference(raw, beforePrefix, afterPrefix);
}

/** `git rev-list --stdin --parents --topo-order`, one `[commit, ...parents]` per line. */
async function* revList(dir: string, stdin: string): AsyncGenerator<string[]> {
  const proc = spawnGit({ gitDir: dir, subcommand: 'rev-list', flags: ['--stdin', '--parents', '--topo-order'] }, { idleTimeoutMs: 120_000 });
  proc.stdin.end(stdin);
  let rest = '';
  let finished = false;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      const lines = (rest + chunk.toString('latin1')).split('\n');
      rest = lines.pop()!;
      for (const line of lines) yield line.split(' ');
    }
    const code = await proc.wait();
    if (code !== 0 || rest !== '') throw new Error(`git rev-list failed (${code}): ${proc.stderr.trim()}`);
    finished = true;
  } finally {
    if (!finished) proc.kill();
  }
}
