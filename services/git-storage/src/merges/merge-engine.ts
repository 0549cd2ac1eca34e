import { join } from 'node:path';
import { GrpcStatus, RpcError } from '@cairn/contracts';
import { runGit } from '@cairn/git';
import { EMPTY_TREE_ID, entryKind } from '../content/git-objects';
import { ObjectReader, withReader } from '../content/object-reader';
import { rawDiff } from '../content/raw-diff';
import { commitObject } from '../commits/commit-object';
import { TempIndex } from '../commits/temp-index';
import { IndexEntry } from '../commits/tree-edit';
import { isBinary, mergeRegions, MergeRegion, splitLines } from './diff3';
import { mergeTree } from './merge-tree';

export type DetailLevel = 'FILE_LEVEL' | 'LINE_LEVEL';
export type Strategy = 'NONE' | 'ACCEPT_SOURCE' | 'ACCEPT_DESTINATION' | 'AUTOMERGE';
export type ReplacementType = 'KEEP_BASE' | 'KEEP_SOURCE' | 'KEEP_DESTINATION' | 'USE_NEW_CONTENT';
export type MergeOption = 'FAST_FORWARD_MERGE' | 'SQUASH_MERGE' | 'THREE_WAY_MERGE';
export type Side = 'source' | 'destination' | 'base';

/** How the caller settles conflicted paths (CodeCommit's ConflictResolution). */
export interface ConflictResolution {
  replaceContents: { path: string; replacementType: ReplacementType; content?: Buffer; fileMode?: string }[];
  deleteFiles: string[];
  setFileModes: { path: string; fileMode: string }[];
}

export interface MergeSpec {
  gitDir: string;
  sourceRevision: string;
  destinationRevision: string;
  detailLevel?: DetailLevel;
  strategy?: Strategy;
  resolution?: ConflictResolution;
}

/** What one commit has at a path. */
export interface PathVersion {
  mode: string;
  id: string;
  kind: 'blob' | 'tree' | 'submodule';
  size: number;
}

/** A conflicted path, with what each of the three commits has there (CodeCommit's ConflictMetadata). */
export interface ConflictFile {
  path: string;
  versions: Partial<Record<Side, PathVersion>>;
  isBinary: Record<Side, boolean>;
  contentConflict: boolean;
  fileModeConflict: boolean;
  objectTypeConflict: boolean;
  numberOfConflicts: number;
  mergeOperations: { source?: 'A' | 'M' | 'D'; destination?: 'A' | 'M' | 'D' };
}

export interface MergeAnalysis {
  sourceCommitId: string;
  destinationCommitId: string;
  /** Empty for unrelated histories. */
  baseCommitId: string;
  /** The destination is an ancestor of (or equal to) the source. */
  fastForward: boolean;
  /** The source is an ancestor of (or equal to) the destination: there is nothing to merge. */
  alreadyMerged: boolean;
  /** Conflicted paths in path order, whatever the strategy settled. */
  conflicts: ConflictFile[];
  /** The merged tree with the strategy and resolutions applied; '' while conflicts remain. */
  treeId: string;
}

export interface FileHunks {
  conflict: ConflictFile;
  /** Three-way regions of a text file; none for binary files and non-files. */
  regions: MergeRegion[];
  lines: Record<Side, string[]>;
}

export interface MergeCommitRequest extends MergeSpec {
  option: MergeOption;
  authorName: string;
  authorEmail: string;
  message: string;
  keepEmptyFolders?: boolean;
}

export interface MergeResult extends MergeAnalysis {
  /** The commit the target should point at: new, the source (fast-forward) or the destination (nothing to merge). */
  commitId: string;
  created: boolean;
}

/** Largest blob read for binary detection and line hunks; larger files count as binary. */
const MAX_BLOB_TO_LOAD = 8 * 1024 * 1024;
const MAX_RESOLUTION_ENTRIES = 100;

const fail = (code: string, message: string, grpc = GrpcStatus.INVALID_ARGUMENT) => new RpcError(grpc, code, message);

/**
 * Merges without a work tree. merge-ort (`git merge-tree --write-tree`) decides what merges and
 * what conflicts, exactly as `git merge` would; CodeCommit's detail levels, strategies and
 * explicit resolutions are edits of its tree in a private index. Nothing here moves a ref.
 */
export class MergeEngine {
  constructor(private readonly tmpDir: string) {}

  async analyze(spec: MergeSpec): Promise<MergeAnalysis> {
    return withReader(spec.gitDir, (reader) => this.analyzeWith(reader, spec));
  }

  /**
   * Line-level detail of some paths (conflicted or not), named or chosen from the analysis (one
   * analysis either way); paths none of the commits has are left out.
   */
  async describe(spec: MergeSpec, select: string[] | ((analysis: MergeAnalysis) => string[])): Promise<{ analysis: MergeAnalysis; files: Map<string, FileHunks> }> {
    return withReader(spec.gitDir, async (reader) => {
      const analysis = await this.analyzeWith(reader, spec);
      const paths = typeof select === 'function' ? select(analysis) : select;
      const commits = await this.trees(reader, analysis);
      const conflicted = new Map(analysis.conflicts.map((c) => [c.path, c]));
      const files = new Map<string, FileHunks>();
      for (const path of paths) {
        const conflict = conflicted.get(path) ?? (await describePath(reader, commits, path, false));
        if (Object.keys(conflict.versions).length === 0) continue;
        const lines = { source: [] as string[], destination: [] as string[], base: [] as string[] };
        let text = true;
        for (const side of ['source', 'destination', 'base'] as const) {
          const version = conflict.versions[side];
          if (!version) continue;
          const content = version.kind === 'blob' && version.size <= MAX_BLOB_TO_LOAD ? await reader.contents({ id: version.id, type: 'blob', size: version.size }) : undefined;
          if (!content || isBinary(content)) text = false;
          else lines[side] = splitLines(content.toString('utf8'));
        }
        files.set(path, { conflict, lines, regions: text ? mergeRegions(lines.base, lines.source, lines.destination) : [] });
      }
      return { analysis, files };
    });
  }

  /** Builds the merge the option asks for; refuses with ManualMergeRequiredException when it cannot. */
  async merge(request: MergeCommitRequest): Promise<MergeResult> {
    const analysis = await this.analyze(request);
    if (request.option === 'FAST_FORWARD_MERGE') {
      if (!analysis.fastForward) throw manualMergeRequired('The destination is not an ancestor of the source: a fast-forward merge is not possible.');
      return { ...analysis, commitId: analysis.sourceCommitId, created: false };
    }
    if (analysis.alreadyMerged) return { ...analysis, commitId: analysis.destinationCommitId, created: false };
    if (!analysis.treeId) throw manualMergeRequired(`${analysis.conflicts.length} file(s) conflict; resolve them or choose a conflict resolution strategy.`);
    let treeId = analysis.treeId;
    if (request.keepEmptyFolders) treeId = await this.keepEmptyFolders(request.gitDir, analysis, treeId);
    const parents = request.option === 'THREE_WAY_MERGE' ? [analysis.destinationCommitId, analysis.sourceCommitId] : [analysis.destinationCommitId];
    const commitId = await TempIndex.use(request.gitDir, this.tmpDir, (index) =>
      index.writeCommit(commitObject({ treeId, parents, authorName: request.authorName, authorEmail: request.authorEmail, message: request.message })),
    );
    return { ...analysis, treeId, commitId, created: true };
  }

  /** The commit on the destination's first-parent chain that merged the source in, if any. */
  async findMergeCommit(spec: MergeSpec): Promise<{ analysis: MergeAnalysis; mergedCommitId: string }> {
    const { sourceCommitId, destinationCommitId } = await withReader(spec.gitDir, async (reader) => ({
      sourceCommitId: await reader.resolveCommit(spec.sourceRevision),
      destinationCommitId: await reader.resolveCommit(spec.destinationRevision),
    }));
    const analysis = await historyOf(spec.gitDir, sourceCommitId, destinationCommitId);
    if (!analysis.alreadyMerged || sourceCommitId === destinationCommitId) return { analysis, mergedCommitId: '' };
    // The destination's first-parent chain, newest first, down to the source's history. Holding
    // the source is monotone along it, so the oldest holder is found by bisection; if its first
    // parent is the source itself, the source was fast-forwarded and there is no merge commit.
    const out = await runGit({ gitDir: spec.gitDir, subcommand: 'rev-list', flags: ['--first-parent', '--parents'], args: [destinationCommitId, `^${sourceCommitId}`] }, { timeoutMs: 120_000, maxOutputBytes: 256 * 1024 * 1024 });
    const chain = out.stdout.toString().trim().split('\n').filter(Boolean).map((line) => line.split(' '));
    let newest = 0;
    let oldest = chain.length - 1;
    while (newest < oldest) {
      const middle = Math.ceil((newest + oldest) / 2);
      if (await isAncestor(spec.gitDir, sourceCommitId, chain[middle][0])) newest = middle;
      else oldest = middle - 1;
    }
    const merge = chain[newest];
    return { analysis, mergedCommitId: merge && merge[1] !== sourceCommitId ? merge[0] : '' };
  }

  private async analyzeWith(reader: ObjectReader, spec: MergeSpec): Promise<MergeAnalysis> {
    const sourceCommitId = await reader.resolveCommit(spec.sourceRevision);
    const destinationCommitId = await reader.resolveCommit(spec.destinationRevision);
    const analysis = await historyOf(spec.gitDir, sourceCommitId, destinationCommitId);
    if (analysis.alreadyMerged || analysis.fastForward) {
      const winner = analysis.alreadyMerged ? destinationCommitId : sourceCommitId;
      analysis.treeId = (await reader.requireCommit(winner)).treeId;
      checkResolutionTargets(spec.resolution, new Set());
      return analysis;
    }

    const merged = await mergeTree(spec.gitDir, destinationCommitId, sourceCommitId);
    // A file/directory (or type) conflict moves one side aside to "<path>~<commit id>"; the
    // conflict is about <path>, which is what CodeCommit reports and resolutions name.
    const movedAside = movedAsideSuffixes(destinationCommitId, sourceCommitId);
    const conflicted = (path: string) => movedAside.reduce((p, suffix) => (p.endsWith(suffix) ? p.slice(0, -suffix.length) : p), path);
    const lineLevel = new Set(merged.stages.map((s) => conflicted(s.path)));
    if (!merged.clean && lineLevel.size === 0) {
      for (const m of merged.messages) if (m.type.startsWith('CONFLICT')) m.paths.forEach((p) => lineLevel.add(conflicted(p)));
    }
    const commits = await this.trees(reader, analysis);
    const conflictPaths = new Set(lineLevel);
    if (spec.detailLevel === 'FILE_LEVEL' && spec.strategy !== 'AUTOMERGE') {
      for (const path of await changedOnBothSides(spec.gitDir, commits)) conflictPaths.add(path);
    }
    for (const path of [...conflictPaths].sort(byPath)) analysis.conflicts.push(await describePath(reader, commits, path, true));

    analysis.treeId = await this.resolve(reader, spec, analysis, merged.treeId);
    return analysis;
  }

  private async trees(reader: ObjectReader, analysis: MergeAnalysis): Promise<Record<Side, string>> {
    return {
      source: (await reader.requireCommit(analysis.sourceCommitId)).treeId,
      destination: (await reader.requireCommit(analysis.destinationCommitId)).treeId,
      base: analysis.baseCommitId ? (await reader.requireCommit(analysis.baseCommitId)).treeId : EMPTY_TREE_ID,
    };
  }

  /** Applies the strategy and the explicit resolutions to merge-ort's tree; '' while a conflict is left. */
  private async resolve(reader: ObjectReader, spec: MergeSpec, analysis: MergeAnalysis, mergedTreeId: string): Promise<string> {
    const conflicts = new Map(analysis.conflicts.map((c) => [c.path, c]));
    checkResolutionTargets(spec.resolution, new Set(conflicts.keys()));
    if (conflicts.size === 0) return mergedTreeId;

    const edits = new Map<string, PathVersion | Buffer | null>();
    const unresolved = new Set(conflicts.keys());
    const strategySide = spec.strategy === 'ACCEPT_SOURCE' ? 'source' : spec.strategy === 'ACCEPT_DESTINATION' ? 'destination' : undefined;
    if (strategySide) {
      for (const [path, c] of conflicts) edits.set(path, c.versions[strategySide] ?? null);
      unresolved.clear();
    }
    const modes = new Map<string, string>();
    for (const r of spec.resolution?.replaceContents ?? []) {
      const c = conflicts.get(r.path)!;
      const keep = { KEEP_BASE: 'base', KEEP_SOURCE: 'source', KEEP_DESTINATION: 'destination' } as const;
      edits.set(r.path, r.replacementType === 'USE_NEW_CONTENT' ? (r.content ?? Buffer.alloc(0)) : (c.versions[keep[r.replacementType]] ?? null));
      if (r.fileMode) modes.set(r.path, r.fileMode);
      unresolved.delete(r.path);
    }
    for (const path of spec.resolution?.deleteFiles ?? []) {
      edits.set(path, null);
      unresolved.delete(path);
    }
    for (const m of spec.resolution?.setFileModes ?? []) {
      modes.set(m.path, m.fileMode);
      unresolved.delete(m.path);
    }
    if (unresolved.size > 0) return '';

    return TempIndex.use(spec.gitDir, this.tmpDir, async (index) => {
      const entries = await index.read(mergedTreeId);
      const before = new Map(entries);
      const movedAside = movedAsideSuffixes(analysis.destinationCommitId, analysis.sourceCommitId);
      for (const [path, edit] of edits) {
        removeUnder(entries, path);
        for (const suffix of movedAside) removeUnder(entries, path + suffix);
        if (edit === null) continue;
        if (Buffer.isBuffer(edit)) entries.set(path, { mode: fileModeForNewContent(conflicts.get(path)!), id: await index.hashBlob(edit) });
        else if (edit.kind === 'tree') for (const [sub, e] of await flattenTree(reader, edit.id)) entries.set(`${path}/${sub}`, e);
        else entries.set(path, { mode: edit.mode, id: edit.id });
      }
      for (const [path, mode] of modes) {
        const entry = entries.get(path);
        if (!entry) throw fail('InvalidConflictResolutionException', `The resolution sets a mode on ${path}, which the resolved merge does not have.`);
        entries.set(path, { ...entry, mode });
      }
      await index.apply(
        [...entries].filter(([path, e]) => before.get(path)?.id !== e.id || before.get(path)?.mode !== e.mode),
        [...before.keys()].filter((path) => !entries.has(path)),
      );
      return index.writeTree();
    });
  }

  /**
   * Folders the merge emptied (they held files on the destination and hold none in the result,
   * whether the source deleted them or a resolution did) keep a .gitkeep, as CodeCommit keeps them.
   */
  private async keepEmptyFolders(gitDir: string, analysis: MergeAnalysis, treeId: string): Promise<string> {
    const destinationTree = await withReader(gitDir, async (reader) => (await reader.requireCommit(analysis.destinationCommitId)).treeId);
    const folders = new Set<string>();
    for await (const raw of rawDiff(gitDir, ['-r', '-z'], destinationTree, treeId)) {
      if (raw.dstMode !== '000000') continue;
      for (let at = raw.path.lastIndexOf('/'); at > 0; at = raw.path.lastIndexOf('/', at - 1)) folders.add(raw.path.slice(0, at));
    }
    if (folders.size === 0) return treeId;
    return TempIndex.use(gitDir, this.tmpDir, async (index) => {
      const paths = [...(await index.read(treeId)).keys()];
      const empty = [...folders].filter((f) => !paths.some((p) => p.startsWith(`${f}/`)));
      if (empty.length === 0) return treeId;
      const blob = await index.hashBlob(Buffer.alloc(0));
      await index.apply(empty.map((f) => [`${f}/.gitkeep`, { mode: '100644', id: blob }] as [string, IndexEntry]), []);
      return index.writeTree();
    });
  }
}

function manualMergeRequired(message: string): RpcError {
  return fail('ManualMergeRequiredException', message, GrpcStatus.FAILED_PRECONDITION);
}

/** Resolutions name conflicted paths, each once, at most 100 in all, with well-formed members. */
function checkResolutionTargets(resolution: ConflictResolution | undefined, conflicted: Set<string>): void {
  if (!resolution) return;
  const named = [...resolution.replaceContents.map((r) => r.path), ...resolution.deleteFiles, ...resolution.setFileModes.map((m) => m.path)];
  if (named.length > MAX_RESOLUTION_ENTRIES) throw fail('MaximumConflictResolutionEntriesExceededException', `A conflict resolution can have at most ${MAX_RESOLUTION_ENTRIES} entries.`);
  const seen = new Set<string>();
  for (const r of resolution.replaceContents) {
    if (seen.has(r.path)) throw fail('MultipleConflictResolutionEntriesException', `More than one conflict resolution entry names ${r.path}.`);
    seen.add(r.path);
  }
  for (const path of resolution.deleteFiles) {
    if (seen.has(path)) throw fail('MultipleConflictResolutionEntriesException', `More than one conflict resolution entry names ${path}.`);
    seen.add(path);
  }
  for (const path of named) {
    if (!conflicted.has(path)) throw fail('InvalidConflictResolutionException', `${path} is not in conflict; a resolution can only name conflicting files.`);
  }
}

/** How two commits relate (bases, fast-forward, already merged), before any merging. */
async function historyOf(gitDir: string, sourceCommitId: string, destinationCommitId: string): Promise<MergeAnalysis> {
  const bases = await mergeBases(gitDir, destinationCommitId, sourceCommitId);
  return {
    sourceCommitId,
    destinationCommitId,
    baseCommitId: bases[0] ?? '',
    fastForward: bases.includes(destinationCommitId),
    alreadyMerged: bases.includes(sourceCommitId),
    conflicts: [],
    treeId: '',
  };
}

async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await runGit({ gitDir, subcommand: 'merge-base', flags: ['--is-ancestor'], args: [ancestor, descendant] }, { timeoutMs: 60_000 });
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error(`git merge-base --is-ancestor failed (${result.exitCode}): ${result.stderr.trim()}`);
  return result.exitCode === 0;
}

async function mergeBases(gitDir: string, a: string, b: string): Promise<string[]> {
  const result = await runGit({ gitDir, subcommand: 'merge-base', flags: ['--all'], args: [a, b] }, { timeoutMs: 120_000 });
  // Exit 1 with no output: unrelated histories.
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error(`git merge-base failed (${result.exitCode}): ${result.stderr.trim()}`);
  return result.stdout.toString().split('\n').filter((l) => /^[0-9a-f]{40}$/.test(l));
}

/** Paths both sides changed from the base, and not to the same result (the file-level conflicts). */
async function changedOnBothSides(gitDir: string, trees: Record<Side, string>): Promise<string[]> {
  const changes = async (to: string) => {
    const out = new Map<string, string>();
    for await (const raw of rawDiff(gitDir, ['-r', '-z'], trees.base, to)) out.set(raw.path, `${raw.dstMode} ${raw.dstId}`);
    return out;
  };
  const [source, destination] = [await changes(trees.source), await changes(trees.destination)];
  return [...source].filter(([path, after]) => destination.has(path) && destination.get(path) !== after).map(([path]) => path);
}

async function versionAt(reader: ObjectReader, treeId: string, path: string): Promise<PathVersion | undefined> {
  const entry = await reader.entryAt(treeId, path.split('/'));
  if (!entry) return undefined;
  const size = entry.kind === 'blob' ? ((await reader.info(entry.id))?.size ?? 0) : 0;
  return { mode: entry.mode, id: entry.id, kind: entryKind(entry.mode), size };
}

/** ConflictMetadata for one path: what each commit has there, and what kind of conflict it is. */
async function describePath(reader: ObjectReader, trees: Record<Side, string>, path: string, conflicted: boolean): Promise<ConflictFile> {
  const versions: Partial<Record<Side, PathVersion>> = {};
  const isBinaryFile: Record<Side, boolean> = { source: false, destination: false, base: false };
  const texts: Partial<Record<Side, string[]>> = {};
  for (const side of ['source', 'destination', 'base'] as const) {
    const version = await versionAt(reader, trees[side], path);
    if (!version) continue;
    versions[side] = version;
    if (version.kind !== 'blob') continue;
    if (version.size > MAX_BLOB_TO_LOAD) {
      isBinaryFile[side] = true;
      continue;
    }
    const content = await reader.contents({ id: version.id, type: 'blob', size: version.size });
    isBinaryFile[side] = isBinary(content);
    if (!isBinaryFile[side]) texts[side] = splitLines(content.toString('utf8'));
  }
  const { source, destination, base } = versions;
  const changed = (v: PathVersion | undefined) => (v?.id !== base?.id || v?.mode !== base?.mode);
  const operation = (v: PathVersion | undefined) => (!changed(v) ? undefined : !base ? 'A' : !v ? 'D' : 'M');
  const bothChanged = conflicted && changed(source) && changed(destination);
  const contentConflict = bothChanged && !!source && !!destination && source.kind === 'blob' && destination.kind === 'blob' && source.id !== destination.id && source.id !== base?.id && destination.id !== base?.id;
  const fileModeConflict = bothChanged && !!source && !!destination && source.mode !== destination.mode && source.mode !== base?.mode && destination.mode !== base?.mode && source.kind === destination.kind;
  const objectTypeConflict = conflicted && !!source && !!destination && source.kind !== destination.kind;
  let numberOfConflicts = 0;
  if (conflicted) {
    // At least one: a conflict about modes, types, binaries or deletions has no conflicting lines.
    const regions = contentConflict && texts.source && texts.destination ? mergeRegions(texts.base ?? [], texts.source, texts.destination).filter((r) => r.conflict).length : 0;
    numberOfConflicts = Math.max(1, regions);
  }
  return {
    path,
    versions,
    isBinary: isBinaryFile,
    contentConflict,
    fileModeConflict,
    objectTypeConflict,
    numberOfConflicts,
    mergeOperations: { source: operation(source), destination: operation(destination) },
  };
}

/** New content keeps the mode the file has on the destination (or the source); else a plain file. */
function fileModeForNewContent(conflict: ConflictFile): string {
  const { destination, source } = conflict.versions;
  if (destination?.kind === 'blob') return destination.mode;
  if (source?.kind === 'blob') return source.mode;
  return '100644';
}

const movedAsideSuffixes = (...commitIds: string[]) => commitIds.map((id) => `~${id}`);

function removeUnder(entries: Map<string, IndexEntry>, path: string): void {
  entries.delete(path);
  const prefix = `${path}/`;
  for (const p of [...entries.keys()]) if (p.startsWith(prefix)) entries.delete(p);
}

async function flattenTree(reader: ObjectReader, treeId: string, prefix = ''): Promise<Map<string, IndexEntry>> {
  const out = new Map<string, IndexEntry>();
  for (const entry of await reader.tree(treeId)) {
    const path = prefix + entry.name.toString('utf8');
    if (entryKind(entry.mode) === 'tree') for (const [p, e] of await flattenTree(reader, entry.id, `${path}/`)) out.set(p, e);
    else out.set(path, { mode: entry.mode, id: entry.id });
  }
  return out;
}

/** git's path order: byte-wise. */
function byPath(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export const tmpDirOf = (dataDir: string) => join(dataDir, 'tmp');
