import { Inject, Injectable } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { GrpcStatus, isGrpcError, RpcError, storage, storageMerge as sm } from '@cairn/contracts';
import { isValidRefName } from '@cairn/git';
import { STORAGE_CONFIG, StorageConfig } from '../config';
import { RepositoryStore } from '../repositories/repository-store';
import { RefUpdater } from '../refs/ref-updater';
import { refTip } from '../refs/ref-tip';
import { MODE_OF } from '../commits/tree-edit';
import { ConflictFile, ConflictResolution, DetailLevel, FileHunks, MergeAnalysis, MergeEngine, MergeOption, MergeSpec, ReplacementType, Strategy, tmpDirOf } from './merge-engine';
import { LineRange } from './diff3';

const DETAIL_LEVELS: Record<sm.ConflictDetailLevel, DetailLevel> = {
  [sm.ConflictDetailLevel.CONFLICT_DETAIL_LEVEL_UNSPECIFIED]: 'FILE_LEVEL',
  [sm.ConflictDetailLevel.LINE_LEVEL]: 'LINE_LEVEL',
  [sm.ConflictDetailLevel.FILE_LEVEL]: 'FILE_LEVEL',
  [sm.ConflictDetailLevel.UNRECOGNIZED]: 'FILE_LEVEL',
};

const STRATEGIES: Record<sm.ConflictResolutionStrategy, Strategy> = {
  [sm.ConflictResolutionStrategy.CONFLICT_RESOLUTION_STRATEGY_UNSPECIFIED]: 'NONE',
  [sm.ConflictResolutionStrategy.NONE]: 'NONE',
  [sm.ConflictResolutionStrategy.ACCEPT_SOURCE]: 'ACCEPT_SOURCE',
  [sm.ConflictResolutionStrategy.ACCEPT_DESTINATION]: 'ACCEPT_DESTINATION',
  [sm.ConflictResolutionStrategy.AUTOMERGE]: 'AUTOMERGE',
  [sm.ConflictResolutionStrategy.UNRECOGNIZED]: 'NONE',
};

const REPLACEMENTS: Partial<Record<sm.ReplacementType, ReplacementType>> = {
  [sm.ReplacementType.KEEP_BASE]: 'KEEP_BASE',
  [sm.ReplacementType.KEEP_SOURCE]: 'KEEP_SOURCE',
  [sm.ReplacementType.KEEP_DESTINATION]: 'KEEP_DESTINATION',
  [sm.ReplacementType.USE_NEW_CONTENT]: 'USE_NEW_CONTENT',
};

const OPTIONS: Partial<Record<sm.MergeOption, MergeOption>> = {
  [sm.MergeOption.FAST_FORWARD_MERGE]: 'FAST_FORWARD_MERGE',
  [sm.MergeOption.SQUASH_MERGE]: 'SQUASH_MERGE',
  [sm.MergeOption.THREE_WAY_MERGE]: 'THREE_WAY_MERGE',
};

const fail = (code: string, message: string, grpc = GrpcStatus.INVALID_ARGUMENT) => new RpcError(grpc, code, message);

/** GitMerge: the merge engine by repository id, in the contract's shapes, and the branch move. */
@Injectable()
export class MergesService {
  private readonly engine: MergeEngine;

  constructor(
    @Inject(STORAGE_CONFIG) config: StorageConfig,
    private readonly repositories: RepositoryStore,
    private readonly refs: RefUpdater,
  ) {
    this.engine = new MergeEngine(tmpDirOf(config.dataDir));
  }

  async analyze(request: sm.AnalyzeMergeRequest): Promise<sm.AnalyzeMergeResponse> {
    const analysis = await this.engine.analyze(await this.spec(request.spec));
    const page = pageAfter(analysis.conflicts, request.afterPath, request.maxConflictFiles);
    return {
      commits: commitsOf(analysis),
      fastForward: analysis.fastForward,
      mergeable: analysis.treeId !== '',
      conflicts: page.items.map(conflictMetadata),
      nextAfterPath: page.next,
    };
  }

  async describe(request: sm.DescribeConflictsRequest): Promise<sm.DescribeConflictsResponse> {
    const spec = await this.spec(request.spec);
    let next = '';
    // No paths named: one page of the conflicting files, chosen from the same analysis.
    const select =
      request.paths.length > 0
        ? request.paths
        : (analysis: MergeAnalysis) => {
            const page = pageAfter(analysis.conflicts, request.afterPath, request.maxFiles);
            next = page.next;
            return page.items.map((c) => c.path);
          };
    const { analysis, files } = await this.engine.describe(spec, select);
    const paths = typeof select === 'function' ? [...files.keys()] : select;
    return {
      commits: commitsOf(analysis),
      files: paths.filter((p) => files.has(p)).map((p) => fileConflict(files.get(p)!, request.hunkOffset, request.maxHunks)),
      errors: paths.filter((p) => !files.has(p)).map((path) => ({ path, code: 'FileDoesNotExistException', message: `${path} does not exist in the source, destination or base commit.` })),
      nextAfterPath: next,
    };
  }

  async merge(request: sm.MergeRequest): Promise<sm.MergeResponse> {
    const option = OPTIONS[request.option];
    if (!option) throw fail('InvalidMergeOptionException', 'The merge option is not valid.');
    const spec = await this.spec(request.spec);
    let targetTip: string | undefined;
    if (request.targetRef) {
      if (!request.targetRef.startsWith('refs/heads/') || !isValidRefName(request.targetRef)) throw fail('InvalidTargetBranchException', 'The target branch is not valid.');
      targetTip = await refTip(spec.gitDir, request.targetRef);
      if (!targetTip) throw fail('BranchDoesNotExistException', `Branch ${request.targetRef.slice('refs/heads/'.length)} does not exist.`, GrpcStatus.NOT_FOUND);
      // Merging into the branch named as destination: what it pointed at when read is the destination.
      if (namesRef(spec.destinationRevision, request.targetRef)) spec.destinationRevision = targetTip;
    }
    const result = await this.engine.merge({ ...spec, option, authorName: request.authorName, authorEmail: request.authorEmail, message: request.message, keepEmptyFolders: request.keepEmptyFolders });
    if (request.targetRef && targetTip && result.commitId !== targetTip) {
      try {
        await this.refs.update({ repositoryId: request.spec!.repositoryId, updates: [{ ref: request.targetRef, oldId: targetTip, newId: result.commitId }], context: request.context });
      } catch (error) {
        if (isGrpcError(error, status.FAILED_PRECONDITION) || (error instanceof RpcError && error.code === GrpcStatus.FAILED_PRECONDITION)) {
          throw fail('ConcurrentReferenceUpdateException', `${request.targetRef} moved while the merge was made; nothing was changed. Try again.`, GrpcStatus.ABORTED);
        }
        throw error;
      }
    }
    return { commits: commitsOf(result), commitId: result.commitId, treeId: result.treeId, created: result.created };
  }

  async findMergeCommit(request: sm.FindMergeCommitRequest): Promise<sm.FindMergeCommitResponse> {
    const gitDir = await this.repositories.require(request.repositoryId);
    const { analysis, mergedCommitId } = await this.engine.findMergeCommit({ gitDir, sourceRevision: request.sourceRevision, destinationRevision: request.destinationRevision });
    return { commits: commitsOf(analysis), mergedCommitId };
  }

  private async spec(spec: sm.MergeSpec | undefined): Promise<MergeSpec> {
    if (!spec) throw fail('InvalidMergeRequest', 'a merge spec is required');
    return {
      gitDir: await this.repositories.require(spec.repositoryId),
      sourceRevision: spec.sourceRevision,
      destinationRevision: spec.destinationRevision,
      detailLevel: DETAIL_LEVELS[spec.detailLevel],
      strategy: STRATEGIES[spec.strategy],
      resolution: spec.resolution ? resolutionOf(spec.resolution) : undefined,
    };
  }
}

function resolutionOf(r: sm.ConflictResolution): ConflictResolution {
  const mode = (m: storage.FileMode) => MODE_OF[m];
  return {
    replaceContents: r.replaceContents.map((e) => {
      const replacementType = REPLACEMENTS[e.replacementType];
      if (!replacementType) throw fail('InvalidReplacementTypeException', `The replacement type for ${e.path} is not valid.`);
      return { path: e.path, replacementType, content: replacementType === 'USE_NEW_CONTENT' ? Buffer.from(e.content) : undefined, fileMode: mode(e.fileMode) };
    }),
    deleteFiles: r.deleteFiles,
    setFileModes: r.setFileModes.map((m) => {
      const fileMode = mode(m.fileMode);
      if (!fileMode) throw fail('FileModeRequiredException', `A file mode is required for ${m.path}.`);
      return { path: m.path, fileMode };
    }),
  };
}

/** Whether a commit specifier names this branch ref (short name or full ref). */
function namesRef(revision: string, ref: string): boolean {
  return revision === ref || `refs/heads/${revision}` === ref;
}

function pageAfter(conflicts: ConflictFile[], afterPath: string, max: number): { items: ConflictFile[]; next: string } {
  const rest = afterPath ? conflicts.filter((c) => Buffer.compare(Buffer.from(c.path), Buffer.from(afterPath)) > 0) : conflicts;
  if (!max || rest.length <= max) return { items: rest, next: '' };
  const items = rest.slice(0, max);
  return { items, next: items[items.length - 1].path };
}

function commitsOf(analysis: MergeAnalysis): sm.MergeCommits {
  return { sourceCommitId: analysis.sourceCommitId, destinationCommitId: analysis.destinationCommitId, baseCommitId: analysis.baseCommitId };
}

function conflictMetadata(c: ConflictFile): sm.ConflictMetadata {
  const { source, destination, base } = c.versions;
  return {
    filePath: c.path,
    fileSizes: { source: source?.size ?? 0, destination: destination?.size ?? 0, base: base?.size ?? 0 },
    fileModes: { source: source?.mode ?? '', destination: destination?.mode ?? '', base: base?.mode ?? '' },
    objectKinds: { source: source?.kind ?? '', destination: destination?.kind ?? '', base: base?.kind ?? '' },
    numberOfConflicts: c.numberOfConflicts,
    isBinaryFile: c.isBinary,
    contentConflict: c.contentConflict,
    fileModeConflict: c.fileModeConflict,
    objectTypeConflict: c.objectTypeConflict,
    mergeOperations: { source: c.mergeOperations.source ?? '', destination: c.mergeOperations.destination ?? '', base: '' },
  };
}

function fileConflict(file: FileHunks, offset: number, max: number): sm.FileConflict {
  const end = max ? offset + max : file.regions.length;
  const detail = (lines: string[], range: LineRange): sm.MergeHunkDetail => ({
    startLine: range.start + 1,
    endLine: range.start + range.count,
    hunkContent: lines.slice(range.start, range.start + range.count).join(''),
  });
  return {
    metadata: conflictMetadata(file.conflict),
    hunks: file.regions.slice(offset, end).map((r) => ({
      isConflict: r.conflict,
      source: detail(file.lines.source, r.source),
      destination: detail(file.lines.destination, r.destination),
      base: detail(file.lines.base, r.base),
    })),
    nextHunkOffset: end < file.regions.length ? end : 0,
  };
}
