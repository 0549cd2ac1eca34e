import { GrpcStatus, RpcError } from '@cairn/contracts';

/** Every error this module raises, with the CodeCommit code the API reports for it. */
export enum RepositoryErrorCode {
  NameRequired = 'RepositoryNameRequiredException',
  InvalidName = 'InvalidRepositoryNameException',
  NameExists = 'RepositoryNameExistsException',
  DoesNotExist = 'RepositoryDoesNotExistException',
  InvalidDescription = 'InvalidRepositoryDescriptionException',
  InvalidTagsMap = 'InvalidTagsMapException',
  TooManyTags = 'TooManyTagsException',
  InvalidSystemTagUsage = 'InvalidSystemTagUsageException',
  InvalidSortBy = 'InvalidSortByException',
  InvalidOrder = 'InvalidOrderException',
  InvalidContinuationToken = 'InvalidContinuationTokenException',
  EncryptionKeyInvalidId = 'EncryptionKeyInvalidIdException',
  EncryptionKeyRequired = 'EncryptionKeyRequiredException',
  NamesRequired = 'RepositoryNamesRequiredException',
  MaximumNamesExceeded = 'MaximumRepositoryNamesExceededException',
  ResourceArnRequired = 'ResourceArnRequiredException',
  InvalidResourceArn = 'InvalidResourceArnException',
  TagsMapRequired = 'TagsMapRequiredException',
  TagKeysListRequired = 'TagKeysListRequiredException',
  InvalidTagKeysList = 'InvalidTagKeysListException',
}

const STATUS: Record<RepositoryErrorCode, GrpcStatus> = {
  [RepositoryErrorCode.NameRequired]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.InvalidName]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.NameExists]: GrpcStatus.ALREADY_EXISTS,
  [RepositoryErrorCode.DoesNotExist]: GrpcStatus.NOT_FOUND,
  [RepositoryErrorCode.InvalidDescription]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.InvalidTagsMap]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.TooManyTags]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.InvalidSystemTagUsage]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.InvalidSortBy]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.InvalidOrder]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.InvalidContinuationToken]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.EncryptionKeyInvalidId]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.EncryptionKeyRequired]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.NamesRequired]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.MaximumNamesExceeded]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.ResourceArnRequired]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.InvalidResourceArn]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.TagsMapRequired]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.TagKeysListRequired]: GrpcStatus.INVALID_ARGUMENT,
  [RepositoryErrorCode.InvalidTagKeysList]: GrpcStatus.INVALID_ARGUMENT,
};

export function repositoryError(code: RepositoryErrorCode, message: string): RpcError {
  return new RpcError(STATUS[code], code, message);
}
