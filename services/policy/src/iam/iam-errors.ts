import { GrpcStatus, RpcError } from '@cairn/contracts';

/**
 * IAM's errors, created where the failure happens. The domain code is the SDK's exception name;
 * the API gateway maps it to IAM's wire code and status (its IAM_ERRORS table).
 */
export const iamErrors = {
  noSuchEntity: (message: string) => new RpcError(GrpcStatus.NOT_FOUND, 'NoSuchEntityException', message),
  alreadyExists: (message: string) => new RpcError(GrpcStatus.ALREADY_EXISTS, 'EntityAlreadyExistsException', message),
  limitExceeded: (message: string) => new RpcError(GrpcStatus.RESOURCE_EXHAUSTED, 'LimitExceededException', message),
  deleteConflict: (message: string) => new RpcError(GrpcStatus.FAILED_PRECONDITION, 'DeleteConflictException', message),
  malformedPolicy: (message: string) => new RpcError(GrpcStatus.INVALID_ARGUMENT, 'MalformedPolicyDocumentException', message),
  invalidInput: (message: string) => new RpcError(GrpcStatus.INVALID_ARGUMENT, 'InvalidInputException', message),
  validation: (message: string) => new RpcError(GrpcStatus.INVALID_ARGUMENT, 'ValidationErrorException', message),
  policyNotAttachable: (message: string) => new RpcError(GrpcStatus.INVALID_ARGUMENT, 'PolicyNotAttachableException', message),
  duplicateSshKey: () => new RpcError(GrpcStatus.INVALID_ARGUMENT, 'DuplicateSSHPublicKeyException', 'The public key is already associated with the specified IAM user.'),
  unrecognizedKeyEncoding: (message: string) => new RpcError(GrpcStatus.INVALID_ARGUMENT, 'UnrecognizedPublicKeyEncodingException', message),
  invalidPublicKey: (message: string) => new RpcError(GrpcStatus.INVALID_ARGUMENT, 'InvalidPublicKeyException', message),
  serviceNotSupported: (message: string) => new RpcError(GrpcStatus.INVALID_ARGUMENT, 'ServiceNotSupportedException', message),
  accessDenied: (message: string) => new RpcError(GrpcStatus.PERMISSION_DENIED, 'AccessDeniedException', message),
  notBootstrapped: () => new RpcError(GrpcStatus.UNAVAILABLE, 'ServiceFailureException', 'The account is not set up yet.'),
};

/** IAM's wording for a member that breaks its model constraint. */
export function constraintError(member: string, value: string, constraint: string) {
  return iamErrors.validation(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

export const NAME_PATTERN = /^[\w+=,.@-]+$/;
const PATH_PATTERN = /^\/([\x21-\x7e]*\/)?$/;
const PATH_PREFIX_PATTERN = /^\/[\x21-\x7f]*$/;

/** User, group, role and policy names: [\w+=,.@-] and a maximum length. */
export function checkName(member: string, value: string, maxLength: number): void {
  if (value === '') throw constraintError(member, value, `Member must have length greater than or equal to 1`);
  if (value.length > maxLength) throw constraintError(member, value, `Member must have length less than or equal to ${maxLength}`);
  if (!NAME_PATTERN.test(value)) throw constraintError(member, value, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
}

/** An IAM path, "/" when empty. */
export function checkPath(path: string): string {
  const value = path || '/';
  if (value.length > 512 || !PATH_PATTERN.test(value)) {
    throw constraintError('path', value, 'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)');
  }
  return value;
}

export function checkPathPrefix(prefix: string): string {
  const value = prefix || '/';
  if (value.length > 512 || !PATH_PREFIX_PATTERN.test(value)) {
    throw constraintError('pathPrefix', value, 'Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*');
  }
  return value;
}

export function checkStatus(status: string): 'Active' | 'Inactive' {
  if (status !== 'Active' && status !== 'Inactive') {
    throw constraintError('status', status, 'Member must satisfy enum value set: [Active, Inactive]');
  }
  return status;
}

/** A LIKE pattern matching values that start with `prefix`. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
