import { AwsError, optionalEnum, optionalObjectList, optionalString, requiredString } from '@cairn/aws-protocol';
import { storageMerge as sm } from '@cairn/contracts';
import { fileModeMember, isBase64 } from './file-modes';

/**
 * Reading the merge members CodeCommit's merge operations share (branch merges, unreferenced
 * merge commits, pull-request merges): what to merge and how conflicts are settled, with the
 * member-level errors CodeCommit raises before it looks at the repository.
 */

const COMMIT_REQUIRED = ['CommitRequiredException', 'A commit specifier is required, but was not specified.'] as const;
const PATH_REQUIRED = ['PathRequiredException', 'A file path is required, but was not specified.'] as const;

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
/** conflictResolution, with the member-level checks CodeCommit makes before looking at the merge. */
export function conflictResolution(input: Record<string, unknown>): sm.ConflictResolution | undefined {
  const value = input.conflictResolution;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new AwsError('InvalidConflictResolutionException', 'The conflict resolution is not valid.');
  const resolution = value as Record<string, unknown>;
  return {
    replaceContents: optionalObjectList(resolution, 'replaceContents').map((entry) => {
      const path = requiredString(entry, 'filePath', ...PATH_REQUIRED);
      if (entry.replacementType === undefined || entry.replacementType === null) throw new AwsError('ReplacementTypeRequiredException', `A replacement type is required for ${path}.`);
      const replacementType = optionalEnum(entry, 'replacementType', REPLACEMENT_TYPES, 'InvalidReplacementTypeException', sm.ReplacementType.REPLACEMENT_TYPE_UNSPECIFIED);
      const hasContent = entry.content !== undefined && entry.content !== null;
      if (replacementType === sm.ReplacementType.USE_NEW_CONTENT && !hasContent) throw new AwsError('ReplacementContentRequiredException', `Content is required to replace ${path} with new content.`);
      if (replacementType !== sm.ReplacementType.USE_NEW_CONTENT && hasContent) throw new AwsError('InvalidReplacementContentException', `Content can only be given for USE_NEW_CONTENT (${path}).`);
      if (hasContent && !isBase64(entry.content)) throw new AwsError('InvalidReplacementContentException', `The content for ${path} must be base64.`);
      return { path, replacementType, content: hasContent ? Buffer.from(entry.content as string, 'base64') : Buffer.alloc(0), fileMode: fileModeMember(entry) };
    }),
    deleteFiles: optionalObjectList(resolution, 'deleteFiles').map((entry) => requiredString(entry, 'filePath', ...PATH_REQUIRED)),
    setFileModes: optionalObjectList(resolution, 'setFileModes').map((entry) => ({ path: requiredString(entry, 'filePath', ...PATH_REQUIRED), fileMode: fileModeMember(entry, true) })),
  };
}

/** How conflicts are settled: detail level, strategy and explicit resolutions. */
export function conflictSettings(input: Record<string, unknown>): Pick<sm.MergeSpec, 'detailLevel' | 'strategy' | 'resolution'> {
  return {
    detailLevel: optionalEnum(input, 'conflictDetailLevel', DETAIL_LEVELS, 'InvalidConflictDetailLevelException', sm.ConflictDetailLevel.FILE_LEVEL),
    strategy: optionalEnum(input, 'conflictResolutionStrategy', STRATEGIES, 'InvalidConflictResolutionStrategyException', sm.ConflictResolutionStrategy.NONE),
    resolution: conflictResolution(input),
  };
}

/** The members the branch merge operations share: what to merge, and how to settle conflicts. */
export function mergeSpec(input: Record<string, unknown>): sm.MergeSpec {
  return {
    repositoryId: '',
    sourceRevision: requiredString(input, 'sourceCommitSpecifier', ...COMMIT_REQUIRED),
    destinationRevision: requiredString(input, 'destinationCommitSpecifier', ...COMMIT_REQUIRED),
    ...conflictSettings(input),
  };
}

export function mergeOption(input: Record<string, unknown>): sm.MergeOption {
  if (input.mergeOption === undefined || input.mergeOption === null) throw new AwsError('MergeOptionRequiredException', 'A merge option is required, but was not specified.');
  return optionalEnum(input, 'mergeOption', MERGE_OPTIONS, 'InvalidMergeOptionException', sm.MergeOption.MERGE_OPTION_UNSPECIFIED);
}

/** A merge option for operations that make or describe a merge commit: fast-forward has none. */
export function commitMergeOption(input: Record<string, unknown>): sm.MergeOption {
  const option = mergeOption(input);
  if (option === sm.MergeOption.FAST_FORWARD_MERGE) throw new AwsError('InvalidMergeOptionException', 'FAST_FORWARD_MERGE makes no merge commit and has no conflicts to describe.');
  return option;
}

/** The members of the commit a merge writes. */
export function mergeCommitFields(input: Record<string, unknown>): Pick<sm.MergeRequest, 'authorName' | 'authorEmail' | 'message' | 'keepEmptyFolders'> {
  return { authorName: optionalString(input, 'authorName'), authorEmail: optionalString(input, 'email'), message: optionalString(input, 'commitMessage'), keepEmptyFolders: input.keepEmptyFolders === true };
}
