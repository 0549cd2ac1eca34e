import {
  AwsError,
  accessDenied,
  expiredToken,
  incompleteSignature,
  internalFailure,
  invalidSignature,
  isAwsError,
  missingAuthenticationToken,
  serialization,
  throttling,
  toAwsError,
  unknownOperation,
  unrecognizedClient,
  validation,
} from './aws-error';

describe('AwsError', () => {
  it('defaults to a 400 client error with the same code on both protocols', () => {
    const error = new AwsError('RepositoryDoesNotExistException', 'my-repo does not exist');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('my-repo does not exist');
    expect([error.code, error.statusCode, error.queryCode, error.queryStatusCode, error.fault]).toEqual([
      'RepositoryDoesNotExistException',
      400,
      'RepositoryDoesNotExistException',
      400,
      'Sender',
    ]);
  });

  it('is a Receiver fault from 500 up', () => {
    expect(new AwsError('ServiceUnavailable', 'later', { statusCode: 503 }).fault).toBe('Receiver');
  });

  it.each([
    [missingAuthenticationToken(), 'MissingAuthenticationTokenException', 400, 'MissingAuthenticationToken', 403],
    [incompleteSignature('x'), 'IncompleteSignatureException', 400, 'IncompleteSignature', 400],
    [invalidSignature(), 'InvalidSignatureException', 400, 'SignatureDoesNotMatch', 403],
    [unrecognizedClient(), 'UnrecognizedClientException', 400, 'InvalidClientTokenId', 403],
    [expiredToken(), 'ExpiredTokenException', 400, 'ExpiredToken', 403],
    [accessDenied('no'), 'AccessDeniedException', 400, 'AccessDenied', 403],
    [throttling(), 'ThrottlingException', 400, 'Throttling', 400],
    [serialization('bad'), 'SerializationException', 400, 'MalformedQueryString', 404],
    [validation('bad'), 'ValidationException', 400, 'ValidationError', 400],
    [unknownOperation('X.Y'), 'UnknownOperationException', 400, 'InvalidAction', 400],
    [internalFailure(), 'InternalFailure', 500, 'InternalFailure', 500],
  ])('%#: %p has AWS codes and statuses', (error, code, status, queryCode, queryStatus) => {
    expect([error.code, error.statusCode, error.queryCode, error.queryStatusCode]).toEqual([
      code,
      status,
      queryCode,
      queryStatus,
    ]);
  });

  it('uses the AWS wording for a signature mismatch and an unknown key', () => {
    expect(invalidSignature().message).toMatch(/^The request signature we calculated does not match/);
    expect(unrecognizedClient().message).toBe('The security token included in the request is invalid.');
  });

  it('turns anything else into an InternalFailure without its details', () => {
    const original = new AwsError('NoSuchEntity', 'gone', { statusCode: 404 });
    expect(toAwsError(original)).toBe(original);
    const wrapped = toAwsError(new Error('password=hunter2 in stack'));
    expect(wrapped.code).toBe('InternalFailure');
    expect(wrapped.message).not.toContain('hunter2');
    expect(isAwsError(wrapped)).toBe(true);
    expect(isAwsError(new Error('x'))).toBe(false);
  });
});
