import { GrpcStatus, RpcError } from '@cairn/contracts';

/** Every error the content operations raise, named as CodeCommit names them. */
export enum ContentErrorCode {
  RepositoryDoesNotExist = 'RepositoryDoesNotExistException',
  BlobIdRequired = 'BlobIdRequiredException',
  InvalidBlobId = 'InvalidBlobIdException',
  BlobIdDoesNotExist = 'BlobIdDoesNotExistException',
  FileTooLarge = 'FileTooLargeException',
  InvalidCommit = 'InvalidCommitException',
  CommitRequired = 'CommitRequiredException',
  CommitDoesNotExist = 'CommitDoesNotExistException',
  CommitIdRequired = 'CommitIdRequiredException',
  InvalidCommitId = 'InvalidCommitIdException',
  CommitIdDoesNotExist = 'CommitIdDoesNotExistException',
  CommitIdsListRequired = 'CommitIdsListRequiredException',
  CommitIdsLimitExceeded = 'CommitIdsLimitExceededException',
  PathRequired = 'PathRequiredException',
  InvalidPath = 'InvalidPathException',
  FileDoesNotExist = 'FileDoesNotExistException',
  FolderDoesNotExist = 'FolderDoesNotExistException',
  PathDoesNotExist = 'PathDoesNotExistException',
  InvalidMaxResults = 'InvalidMaxResultsException',
  InvalidContinuationToken = 'InvalidContinuationTokenException',
  FolderContentSizeLimitExceeded = 'FolderContentSizeLimitExceededException',
}

const STATUS: Record<ContentErrorCode, GrpcStatus> = {
  [ContentErrorCode.RepositoryDoesNotExist]: GrpcStatus.NOT_FOUND,
  [ContentErrorCode.BlobIdRequired]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.InvalidBlobId]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.BlobIdDoesNotExist]: GrpcStatus.NOT_FOUND,
  [ContentErrorCode.FileTooLarge]: GrpcStatus.FAILED_PRECONDITION,
  [ContentErrorCode.InvalidCommit]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.CommitRequired]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.CommitDoesNotExist]: GrpcStatus.NOT_FOUND,
  [ContentErrorCode.CommitIdRequired]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.InvalidCommitId]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.CommitIdDoesNotExist]: GrpcStatus.NOT_FOUND,
  [ContentErrorCode.CommitIdsListRequired]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.CommitIdsLimitExceeded]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.PathRequired]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.InvalidPath]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.FileDoesNotExist]: GrpcStatus.NOT_FOUND,
  [ContentErrorCode.FolderDoesNotExist]: GrpcStatus.NOT_FOUND,
  [ContentErrorCode.PathDoesNotExist]: GrpcStatus.NOT_FOUND,
  [ContentErrorCode.InvalidMaxResults]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.InvalidContinuationToken]: GrpcStatus.INVALID_ARGUMENT,
  [ContentErrorCode.FolderContentSizeLimitExceeded]: GrpcStatus.FAILED_PRECONDITION,
};

export function contentError(code: ContentErrorCode, message: string): RpcError {
  return new RpcError(STATUS[code], code, message);
}
