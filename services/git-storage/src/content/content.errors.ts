import { GrpcStatus, RpcError } from '@cairn/contracts';

/** Failures of content reads, as git sees them; repo-metadata maps them to CodeCommit's names. */
export enum ContentErrorCode {
  InvalidRevision = 'InvalidRevision',
  RevisionNotFound = 'RevisionNotFound',
  NotACommit = 'NotACommit',
  InvalidPath = 'InvalidPath',
  PathNotFound = 'PathNotFound',
  InvalidObjectId = 'InvalidObjectId',
  ObjectNotFound = 'ObjectNotFound',
  NotABlob = 'NotABlob',
  ObjectTooLarge = 'ObjectTooLarge',
  InvalidArgument = 'InvalidContentRequest',
}

const STATUS: Record<ContentErrorCode, GrpcStatus> = {
  [ContentErrorCode.InvalidRevision]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.RevisionNotFound]: GrpcStatus.NOT_FOUND,
  [ContentErrorCode.NotACommit]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.InvalidPath]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.PathNotFound]: GrpcStatus.NOT_FOUND,
  [ContentErrorCode.InvalidObjectId]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.ObjectNotFound]: GrpcStatus.NOT_FOUND,
  [ContentErrorCode.NotABlob]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.ObjectTooLarge]: GrpcStatus.RESOURCE_EXHAUSTED,
  [ContentErrorCode.InvalidArgument]: GrpcStatus.INVALID_ARGUMENT,
};

export function contentError(code: ContentErrorCode, message: string): RpcError {
  return new RpcError(STATUS[code], code, message);
}
