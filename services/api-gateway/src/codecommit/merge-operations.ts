import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AwsError } from '@cairn/aws-protocol';
import { callUnary, createClient, metadataMerge, storage, storageMerge as sm } from '@cairn/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Operation } from '../operation';
import { optionalString, optionalStringList, requiredString } from './input';
import { RepositoryArns } from './repository-arns';

const NAME_REQUIRED = ['RepositoryNameRequiredException', 'A repository name is required, but was not specified.'] as const;
const COMMIT_REQUIRED = ['CommitRequiredException', 'A commit specifier is required, but was not specified.'] as const;
const PATH_REQUIRED = ['PathRequiredException', 'A file path is required, but was not specified.'] as const;
const DEFAULT_MAX_CONFLICT_FILES = 100;

const MERGE_OPTIONS: Record<string, sm.MergeOption> = {
  FAST_FORWARD_MERGE: sm.MergeOption.FAST_FORWARD_MERGE,
  SQUASH_MERGE: sm.MergeOption.SQUASH_MERGE,
  THREE_WAY_MERGE: sm.MergeOption.THREE_WAY_MERGE,
};
const DETAIL_LEVELS: Record<string, sm.ConflictDetailLevel> = { FILE_LEVEL: sm.ConflictDetailLevel.FILE_LEVEL, LINE_LEVEL: sm.ConflictDetailLevel.LINE_LEVEL };
const STRATEGIES: Record<string, sm.ConflictResolutionStrategy> = {
  NONE: sm.ConflictResolutionStrategy.NONE,
  ACCEPT_SOURCE: sm.ConflictResolutionStrategy.ACCEPT_SOURCE,
  ACCEPT_DESTINATION: sm.ConflictResolutionStrategy.ACCEPT_DESTINATION,
  AUTOMERGE: sm.ConflictResolutionStrategy.AUTOMERGE,
};
const REPLACEMENT_TYPES: Record<string, sm.ReplacementType> = {
  KEEP_BASE: sm.ReplacementType.KEEP_BASE,
  KEEP_SOURCE: sm.ReplacementType.KEEP_SOURCE,
  KEEP_DESTINATION: sm.ReplacementType.KEEP_DESTINATION,
  USE_NEW_CONTENT: sm.ReplacementType.USE_NEW_CONTENT,
};
const FILE_MODES: Record<string, storage.FileMode> = { NORMAL: storage.FileMode.FILE_MODE_NORMAL, EXECUTABLE: storage.FileMode.FILE_MODE_EXECUTABLE, SYMLINK: storage.FileMode.FILE_MODE_SYMLINK };
const MODE_NAMES: Record<string, string> = { '100644': 'NORMAL', '100755': 'EXECUTABLE', '120000': 'SYMLINK' };
const OBJECT_TYPES: Record<string, string> = { blob: 'FILE', tree: 'DIRECTORY', submodule: 'GIT_LINK' };

/** An enum member: absent is the default; anything else must be one of the names. */
function enumMember<T>(input: Record<string, unknown>, member: string, values: Record<string, T>, invalid: string, fallback: T): T {
  const value = input[member];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !Object.hasOwn(values, value)) throw new AwsError(invalid, `The ${member} ${String(value)} is not valid.`);
  return values[value];
}

function positiveInt(input: Record<string, unknown>, member: string, invalid: string): number {
  const value = input[member];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number') throw new AwsError('SerializationException', `${member} must be a number`);
  if (!Number.isInteger(value) || value <= 0) throw new AwsError(invalid, `The ${member} ${value} is not valid.`);
  return value;
}

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

function objects(input: Record<string, unknown>, member: string): Record<string, unknown>[] {
  const value = input[member];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null)) throw new AwsError('SerializationException', `${member} must be a list of objects`);
  return value as Record<string, unknown>[];
}

function fileMode(entry: Record<string, unknown>, required: boolean): storage.FileMode {
  const value = entry.fileMode;
  if (value === undefined || value === null) {
    if (required) throw new AwsError('FileModeRequiredException', 'A file mode is required, but was not specified.');
    return storage.FileMode.FILE_MODE_UNSPECIFIED;
  }
  if (typeof value !== 'string' || !Object.hasOwn(FILE_MODES, value)) throw new AwsError('InvalidFileModeException', `The file mode ${String(value)} is not valid.`);
  return FILE_MODES[value];
}

/** conflictResolution, with the member-level checks CodeCommit makes before looking at the merge. */
function conflictResolution(input: Record<string, unknown>): sm.ConflictResolution | undefined {
  const value = input.conflictResolution;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new AwsError('InvalidConflictResolutionException', 'The conflict resolution is not valid.');
  const resolution = value as Record<string, unknown>;
  return {
    replaceContents: objects(resolution, 'replaceContents').map((entry) => {
      const path = requiredString(entry, 'filePath', ...PATH_REQUIRED);
      if (entry.replacementType === undefined || entry.replacementType === null) throw new AwsError('ReplacementTypeRequiredException', `A replacement type is required for ${path}.`);
      const replacementType = enumMember(entry, 'replacementType', REPLACEMENT_TYPES, 'InvalidReplacementTypeException', sm.ReplacementType.REPLACEMENT_TYPE_UNSPECIFIED);
      const hasContent = entry.content !== undefined && entry.content !== null;
      if (replacementType === sm.ReplacementType.USE_NEW_CONTENT && !hasContent) throw new AwsError('ReplacementContentRequiredException', `Content is required to replace ${path} with new content.`);
      if (replacementType !== sm.ReplacementType.USE_NEW_CONTENT && hasContent) throw new AwsError('InvalidReplacementContentException', `Content can only be given for USE_NEW_CONTENT (${path}).`);
      if (hasContent && (typeof entry.content !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(entry.content) || entry.content.length % 4 !== 0)) throw new AwsError('InvalidReplacementContentException', `The content for ${path} must be base64.`);
      return { path, replacementType, content: hasContent ? Buffer.from(entry.content as string, 'base64') : Buffer.alloc(0), fileMode: fileMode(entry, false) };
    }),
    deleteFiles: objects(resolution, 'deleteFiles').map((entry) => requiredString(entry, 'filePath', ...PATH_REQUIRED)),
    setFileModes: objects(resolution, 'setFileModes').map((entry) => ({ path: requiredString(entry, 'filePath', ...PATH_REQUIRED), fileMode: fileMode(entry, true) })),
  };
}

/** The members every merge operation shares: what to merge, and how to settle conflicts. */
function mergeSpec(input: Record<string, unknown>): sm.MergeSpec {
  return {
    repositoryId: '',
    sourceRevision: requiredString(input, 'sourceCommitSpecifier', ...COMMIT_REQUIRED),
    destinationRevision: requiredString(input, 'destinationCommitSpecifier', ...COMMIT_REQUIRED),
    detailLevel: enumMember(input, 'conflictDetailLevel', DETAIL_LEVELS, 'InvalidConflictDetailLevelException', sm.ConflictDetailLevel.LINE_LEVEL),
    strategy: enumMember(input, 'conflictResolutionStrategy', STRATEGIES, 'InvalidConflictResolutionStrategyException', sm.ConflictResolutionStrategy.NONE),
    resolution: conflictResolution(input),
  };
}

function mergeOption(input: Record<string, unknown>): sm.MergeOption {
  if (input.mergeOption === undefined || input.mergeOption === null) throw new AwsError('MergeOptionRequiredException', 'A merge option is required, but was not specified.');
  return enumMember(input, 'mergeOption', MERGE_OPTIONS, 'InvalidMergeOptionException', sm.MergeOption.MERGE_OPTION_UNSPECIFIED);
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
        authorName: optionalString(input, 'authorName'),
        authorEmail: optionalString(input, 'email'),
        message: optionalString(input, 'commitMessage'),
        keepEmptyFolders: input.keepEmptyFolders === true,
        context: undefined,
      },
      targetBranch: optionalString(input, 'targetBranch'),
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
        const max = positiveInt(input, 'maxConflictFiles', 'InvalidMaxConflictFilesException') || DEFAULT_MAX_CONFLICT_FILES;
        const token = decodeToken(input);
        const out = await this.analyze(input, max, token.afterPath ?? '');
        return {
          mergeable: option === sm.MergeOption.FAST_FORWARD_MERGE ? out.fastForward : out.mergeable,
          ...commitIds(out.commits),
          conflictMetadataList: out.conflicts.map(conflictMetadataJson),
          nextToken: encodeToken({ afterPath: out.nextAfterPath }),
        };
      },
    },
    DescribeMergeConflicts: {
      resources: this.onRepository,
      run: async (input) => {
        mergeOption(input);
        const filePath = requiredString(input, 'filePath', ...PATH_REQUIRED);
        const maxHunks = positiveInt(input, 'maxMergeHunks', 'InvalidMaxMergeHunksException');
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
        mergeOption(input);
        const maxFiles = positiveInt(input, 'maxConflictFiles', 'InvalidMaxConflictFilesException') || DEFAULT_MAX_CONFLICT_FILES;
        const maxHunks = positiveInt(input, 'maxMergeHunks', 'InvalidMaxMergeHunksException');
        const filter = optionalStringList(input, 'filePaths');
        const token = decodeToken(input);
        let paths: string[] = [];
        let next = '';
        if (filter.length > 0) {
          // Only the named files that conflict, paged like the unfiltered list.
          const all = await this.analyze(input, 0, token.afterPath ?? '');
          const wanted = all.conflicts.map((c) => c.filePath).filter((p) => filter.includes(p));
          paths = wanted.slice(0, maxFiles);
          next = wanted.length > maxFiles ? paths[paths.length - 1] : '';
          if (paths.length === 0) return { conflicts: [], errors: [], ...commitIds(all.commits) };
        }
        const out = await this.describe(input, { paths, maxFiles, afterPath: filter.length > 0 ? '' : (token.afterPath ?? ''), maxHunks, hunkOffset: 0 });
        return {
          conflicts: out.files.map(fileConflictJson),
          errors: out.errors.map((e) => ({ filePath: e.path, exceptionName: e.code, message: e.message })),
          nextToken: encodeToken({ afterPath: filter.length > 0 ? next : out.nextAfterPath }),
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
      run: (input, caller) => this.merge(input, caller, mergeOption(input), false),
    },
    MergeBranchesByFastForward: this.mergeBranches(sm.MergeOption.FAST_FORWARD_MERGE),
    MergeBranchesBySquash: this.mergeBranches(sm.MergeOption.SQUASH_MERGE),
    MergeBranchesByThreeWay: this.mergeBranches(sm.MergeOption.THREE_WAY_MERGE),
  };
}
