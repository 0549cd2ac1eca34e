export { optionalString, optionalNonEmptyString, requiredString, optionalStringMap, optionalStringList, optionalObjectList, optionalEnum, optionalPositiveInt } from '@cairn/aws-protocol';

/**
 * `codecommit:References` for an operation that moves one branch, as IAM evaluates branch-level
 * policies: the full ref of the branch named in the request.
 */
export function branchReference(input: Record<string, unknown>): Record<string, string[]> {
  const branch = input.branchName;
  return typeof branch === 'string' && branch ? { 'codecommit:References': [`refs/heads/${branch}`] } : {};
}
