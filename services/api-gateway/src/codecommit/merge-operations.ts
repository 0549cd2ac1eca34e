import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AwsError } from '@cairn/aws-protocol';
import { callUnary, createClient, metadataMerge, storageMerge as sm } from '@cairn/contracts';
import { commitMergeOption, mergeCommitFields, mergeOption, mergeSpec } from '@cairn/codecommit';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Operation } from '../operation';
import { optionalNonEmptyString, optionalPositiveInt, optionalString, optionalStringList, requiredString } from './input';
import { RepositoryArns } from './repository-arns';

const NAME_REQUIRED = ['RepositoryNameRequiredException', 'A repository name is required, but was not specified.'] as const;
const PATH_REQUIRED = ['PathRequiredException', 'A file path is required, but was not specified.'] as const;
const DEFAULT_MAX_CONFLICT_FILES = 100;

const MODE_NAMES: Record<string, string> = { '100644': 'NORMAL', '100755': 'EXECUTABLE', '120000': 'SYMLINK' };
const OBJECT_TYPES: Record<string, string> = { blob: 'FILE', tree: 'DIRECTORY', submodule: 'GIT_LINK' };

/** nextToken: where the previous page stopped (a path, or a hunk offset), opaque to the client. */
interface PageToken {
  afterPath?: string;
  hunkOffset?: number;
}

function encodeToken(token: PageToken): string | undefined {
  if (!token.afterPath && !token.hunkOffset) return undefined;
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(input: Record<string, unknown>): PageToken {
  const raw = optionalString(input, 'nextToken');
  if (!raw) return {};
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PageToken;
    if (typeof token !== 'object' || token === null) throw new Error('not an object');
    if (token.afterPath !== undefined && typeof token.afterPath !== 'string') throw new Error('bad path');
    if (token.hunkOffset !== undefined && (!Number.isInteger(token.hunkOffset) || token.hunkOffset < 0)) throw new Error('bad offset');
    return token;
  } catch {
    throw new AwsError('InvalidContinuationTokenException', 'The specified continuation token is not valid.');
  }
}


/** `codecommit:References` of a merge: the branch it moves (or would move). */
function mergeReference(input: Record<string, unknown>): Record<string, string[]> {
  const target = typeof input.targetBranch === 'string' && input.targetBranch ? input.targetBranch : input.destinationCommitSpecifier;
  if (typeof target !== 'string' || !target || /^[0-9a-f]{40}$/i.test(target)) return {};
  return { 'codecommit:References': [target.startsWith('refs/') ? target : `refs/heads/${target}`] };
}

const commitIds = (commits: sm.MergeCommits | undefined) => ({
  sourceCommitId: commits?.sourceCommitId,
  destinationCommitId: commits?.destinationCommitId,
  baseCommitId: commits?.baseCommitId || undefined,
});

/** ConflictMetadata as CodeCommit shapes it; a side without the path has no member. */
function conflictMetadataJson(m: sm.ConflictMetadata) {
  const sides = <T>(values: { source: T; destination: T; base: T } | undefined, present: { source: string; destination: string; base: string }, map: (v: T) => unknown) => {
    const out: Record<string, unknown> = {};
    for (const side of ['source', 'destination', 'base'] as const) if (values && present[side]) out[side] = map(values[side]);
    return out;
  };
  const kinds = m.objectKinds ?? { source: '', destination: '', base: '' };
  return {
    filePath: m.filePath,
    fileSizes: sides(m.fileSizes, kinds, (v) => v),
    fileModes: sides(m.fileModes, kinds, (v) => MODE_NAMES[v as string]),
    objectTypes: objectTypesOf(m),
    numberOfConflicts: m.numberOfConflicts,
    isBinaryFile: sides(m.isBinaryFile, kinds, (v) => v),
    contentConflict: m.contentConflict,
    fileModeConflict: m.fileModeConflict,
    objectTypeConflict: m.objectTypeConflict,
    mergeOperations: { source: m.mergeOperations?.source || undefined, destination: m.mergeOperations?.destination || undefined },
  };
}

function objectTypesOf(m: sm.ConflictMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const side of ['source', 'destination', 'base'] as const) {
    const kind = m.objectKinds?.[side];
    if (!kind) continue;
    out[side] = kind === 'blob' && m.fileModes?.[side] === '120000' ? 'SYMBOLIC_LINK' : OBJECT_TYPES[kind];
  }
  return out;
}

function fileConflictJson(file: sm.FileConflict) {
  return { conflictMetadata: conflictMetadataJson(file.metadata!), mergeHunks: file.hunks.map((h) => ({ isConflict: h.isConflict, source: h.source, destination: h.destination, base: h.base })) };
}

/** CodeCommit's merge operations: options, conflicts and their hunks, and the three ways to merge. */
@Injectable()
export class MergeOperations implements OnApplicationShutdown {
  private readonly merges: metadataMerge.RepoMergeClient;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly arns: RepositoryArns,
  ) {
    this.merges = createClient(metadataMerge.RepoMergeClient, config.metadataAddress);
  }

  onApplicationShutdown(): void {
    this.merges.close();
  }

  private readonly onRepository = (input: Record<string, unknown>) => this.arns.of(optionalString(input, 'repositoryName'));

  private analyze(input: Record<string, unknown>, maxConflictFiles = 0, afterPath = '') {
    return callUnary(this.merges, this.merges.analyzeMerge, {
      repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
      request: { spec: mergeSpec(input), maxConflictFiles, afterPath },
    });
  }

  private describe(input: Record<string, unknown>, request: Omit<sm.DescribeConflictsRequest, 'spec'>) {
    return callUnary(this.merges, this.merges.describeConflicts, {
      repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
      request: { spec: mergeSpec(input), ...request },
    });
  }

  private async merge(input: Record<string, unknown>, caller: { arn: string }, option: sm.MergeOption, moveBranch: boolean) {
    const out = await callUnary(this.merges, this.merges.merge, {
      repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
      request: {
        spec: mergeSpec(input),
        option,
        targetRef: '',
        ...mergeCommitFields(input),
        context: undefined,
      },
      // Absent, the destination branch moves; an empty name is not a branch (the model's min length
      // is 1). Only the branch merges have the member.
      targetBranch: moveBranch ? optionalNonEmptyString(input, 'targetBranch', 'InvalidTargetBranchException', 'The specified target branch is not valid.') : '',
      moveBranch,
      actorArn: caller.arn,
    });
    return { commitId: out.commitId, treeId: out.treeId };
  }

  private mergeBranches(option: sm.MergeOption): Operation {
    return {
      resources: this.onRepository,
      conditions: mergeReference,
      run: (input, caller) => this.merge(input, caller, option, true),
    };
  }

  readonly operations: Record<string, Operation> = {
    GetMergeOptions: {
      resources: this.onRepository,
      run: async (input) => {
        const out = await this.analyze(input, 1);
        const mergeOptions = [...(out.fastForward ? ['FAST_FORWARD_MERGE'] : []), ...(out.mergeable ? ['SQUASH_MERGE', 'THREE_WAY_MERGE'] : [])];
        return { mergeOptions, ...commitIds(out.commits) };
      },
    },
    GetMergeConflicts: {
      resources: this.onRepository,
      run: async (input) => {
        const option = mergeOption(input);
        const max = optionalPositiveInt(input, 'maxConflictFiles', 'InvalidMaxConflictFilesException') || DEFAULT_MAX_CONFLICT_FILES;
        const token = decodeToken(input);
        const out = await this.analyze(input, max, token.afterPath ?? '');
        return {
          mergeable: option === sm.MergeOption.FAST_FORWARD_MERGE ? out.fastForward : out.mergeable,
          ...commitIds(out.commits),
          // A fast-forward has nothing to conflict: CodeCommit's list is always empty for it.
          conflictMetadataList: option === sm.MergeOption.FAST_FORWARD_MERGE ? [] : out.conflicts.map(conflictMetadataJson),
          nextToken: encodeToken({ afterPath: out.nextAfterPath }),
        };
      },
    },
    DescribeMergeConflicts: {
      resources: this.onRepository,
      run: async (input) => {
        commitMergeOption(input);
        const filePath = requiredString(input, 'filePath', ...PATH_REQUIRED);
        const maxHunks = optionalPositiveInt(input, 'maxMergeHunks', 'InvalidMaxMergeHunksException');
        const token = decodeToken(input);
        const out = await this.describe(input, { paths: [filePath], maxFiles: 0, afterPath: '', maxHunks, hunkOffset: token.hunkOffset ?? 0 });
        const file = out.files[0];
        if (!file) throw new AwsError('FileDoesNotExistException', out.errors[0]?.message ?? `${filePath} does not exist.`);
        return { ...fileConflictJson(file), nextToken: encodeToken({ hunkOffset: file.nextHunkOffset }), ...commitIds(out.commits) };
      },
    },
    BatchDescribeMergeConflicts: {
      resources: this.onRepository,
      run: async (input) => {
        commitMergeOption(input);
        const maxFiles = optionalPositiveInt(input, 'maxConflictFiles', 'InvalidMaxConflictFilesException') || DEFAULT_MAX_CONFLICT_FILES;
        const maxHunks = optionalPositiveInt(input, 'maxMergeHunks', 'InvalidMaxMergeHunksException');
        const filter = optionalStringList(input, 'filePaths');
        const token = decodeToken(input);
        if (filter.length === 0) {
          const out = await this.describe(input, { paths: [], maxFiles, afterPath: token.afterPath ?? '', maxHunks, hunkOffset: 0 });
          return { conflicts: out.files.map(fileConflictJson), errors: [], nextToken: encodeToken({ afterPath: out.nextAfterPath }), ...commitIds(out.commits) };
        }
        // The named files that conflict, paged like the unfiltered list; named files that exist in
        // none of the three commits are reported once, on the first page.
        const all = await this.analyze(input, 0, '');
        const conflicting = all.conflicts.map((c) => c.filePath);
        const wanted = conflicting.filter((p) => filter.includes(p));
        const from = token.afterPath ? wanted.indexOf(token.afterPath) + 1 : 0;
        const page = wanted.slice(from, from + maxFiles);
        const others = token.afterPath ? [] : filter.filter((p) => !conflicting.includes(p));
        const next = from + maxFiles < wanted.length ? page[page.length - 1] : '';
        if (page.length + others.length === 0) return { conflicts: [], errors: [], ...commitIds(all.commits) };
        const out = await this.describe(input, { paths: [...page, ...others], maxFiles: 0, afterPath: '', maxHunks, hunkOffset: 0 });
        return {
          conflicts: out.files.filter((f) => page.includes(f.metadata!.filePath)).map(fileConflictJson),
          errors: out.errors.map((e) => ({ filePath: e.path, exceptionName: e.code, message: e.message })),
          nextToken: encodeToken({ afterPath: next }),
          ...commitIds(out.commits),
        };
      },
    },
    GetMergeCommit: {
      resources: this.onRepository,
      run: async (input) => {
        mergeSpec(input);
        const out = await callUnary(this.merges, this.merges.findMergeCommit, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          request: { repositoryId: '', sourceRevision: optionalString(input, 'sourceCommitSpecifier'), destinationRevision: optionalString(input, 'destinationCommitSpecifier') },
        });
        return { ...commitIds(out.commits), mergedCommitId: out.mergedCommitId || undefined };
      },
    },
    CreateUnreferencedMergeCommit: {
      resources: this.onRepository,
      conditions: mergeReference,
      run: (input, caller) => this.merge(input, caller, commitMergeOption(input), false),
    },
    MergeBranchesByFastForward: this.mergeBranches(sm.MergeOption.FAST_FORWARD_MERGE),
    MergeBranchesBySquash: this.mergeBranches(sm.MergeOption.SQUASH_MERGE),
    MergeBranchesByThreeWay: this.mergeBranches(sm.MergeOption.THREE_WAY_MERGE),
  };
}
