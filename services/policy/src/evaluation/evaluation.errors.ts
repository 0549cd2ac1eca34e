/**
 * Errors a policy document can be refused with, carrying the IAM error code the API layer
 * returns: `MalformedPolicyDocument` for a document IAM cannot accept, `LimitExceeded` for one
 * over the size quota (IAM answers a too-large policy with `LimitExceeded`, "Cannot exceed quota
 * for PolicySize: 6144", not with `MalformedPolicyDocument`).
 */
export type PolicyDocumentErrorCode = 'MalformedPolicyDocument' | 'LimitExceeded';

export class PolicyDocumentError extends Error {
  override readonly name = 'PolicyDocumentError';

  constructor(
    readonly code: PolicyDocumentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function malformed(message: string): PolicyDocumentError {
  return new PolicyDocumentError('MalformedPolicyDocument', message);
}
