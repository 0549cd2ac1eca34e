/**
 * One error type for every AWS-shaped failure. The same failure has different names on the two
 * wire protocols (awsJson services such as CodeCommit say `InvalidSignatureException` with 400,
 * awsQuery services such as IAM/STS say `SignatureDoesNotMatch` with 403), so an error carries
 * both and each codec picks its own. Create the error where the failure happens; never map later.
 */
export type AwsFault = 'Sender' | 'Receiver';

export interface AwsErrorOptions {
  /** HTTP status on awsJson; default 400. */
  statusCode?: number;
  /** `<Code>` on awsQuery; default `code`. */
  queryCode?: string;
  /** HTTP status on awsQuery; default `statusCode`. */
  queryStatusCode?: number;
  cause?: unknown;
}

export class AwsError extends Error {
  /** awsJson `__type` and `x-amzn-ErrorType`; the SDK's `error.name`. */
  readonly code: string;
  readonly statusCode: number;
  readonly queryCode: string;
  readonly queryStatusCode: number;

  constructor(code: string, message: string, options: AwsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AwsError';
    this.code = code;
    this.statusCode = options.statusCode ?? 400;
    this.queryCode = options.queryCode ?? code;
    this.queryStatusCode = options.queryStatusCode ?? this.statusCode;
  }

  /** awsQuery `<Type>`: who is to blame. */
  get fault(): AwsFault {
    return this.statusCode >= 500 ? 'Receiver' : 'Sender';
  }
}

export function isAwsError(value: unknown): value is AwsError {
  return value instanceof AwsError;
}

// The common errors every AWS service can return. Codes and statuses as real AWS sends them:
// awsJson values observed from Coral-based JSON services (DynamoDB, Kinesis, ECS, CodeBuild,
// Cognito), awsQuery values from IAM/STS and the "Common Errors" pages of the API references.
// The reasoning and sources are in libs/aws-protocol/README.md.

export function missingAuthenticationToken(): AwsError {
  return new AwsError('MissingAuthenticationTokenException', 'Request is missing Authentication Token', {
    queryCode: 'MissingAuthenticationToken',
    queryStatusCode: 403,
  });
}

export function incompleteSignature(message: string): AwsError {
  return new AwsError('IncompleteSignatureException', message, { queryCode: 'IncompleteSignature' });
}

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export function invalidSignature(message: string = SIGNATURE_MISMATCH_MESSAGE): AwsError {
  return new AwsError('InvalidSignatureException', message, {
    queryCode: 'SignatureDoesNotMatch',
    queryStatusCode: 403,
  });
}

/** Unknown access key id, or a session token that does not belong to it. */
export function unrecognizedClient(): AwsError {
  return new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', {
    queryCode: 'InvalidClientTokenId',
    queryStatusCode: 403,
  });
}

export function expiredToken(): AwsError {
  return new AwsError('ExpiredTokenException', 'The security token included in the request is expired', {
    queryCode: 'ExpiredToken',
    queryStatusCode: 403,
  });
}

export function accessDenied(message: string): AwsError {
  return new AwsError('AccessDeniedException', message, { queryCode: 'AccessDenied', queryStatusCode: 403 });
}

/** The SDKs retry this name with back-off (it is in their THROTTLING_ERROR_CODES). */
export function throttling(message = 'Rate exceeded'): AwsError {
  return new AwsError('ThrottlingException', message, { queryCode: 'Throttling' });
}

/** The request body could not be read as the protocol's format. */
export function serialization(message: string): AwsError {
  return new AwsError('SerializationException', message, { queryCode: 'MalformedQueryString', queryStatusCode: 404 });
}

/** Input that is well-formed but breaks a constraint no modelled error covers. */
export function validation(message: string): AwsError {
  return new AwsError('ValidationException', message, { queryCode: 'ValidationError' });
}

export function unknownOperation(operation: string): AwsError {
  return new AwsError('UnknownOperationException', `Unknown operation: ${operation}`, { queryCode: 'InvalidAction' });
}

export function internalFailure(
  message = 'The request processing has failed because of an unknown error, exception or failure.',
): AwsError {
  return new AwsError('InternalFailure', message, { statusCode: 500 });
}

/** Anything thrown that is not an AwsError becomes InternalFailure; its details stay server-side. */
export function toAwsError(thrown: unknown): AwsError {
  return isAwsError(thrown) ? thrown : internalFailure();
}
