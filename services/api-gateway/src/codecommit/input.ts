import { AwsError } from '@cairn/aws-protocol';

/**
 * Reading awsJson input. The JS SDK validates almost nothing, so the type of every member is
 * checked here and a wrong one is a SerializationException, as AWS answers it.
 */
export function optionalString(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new AwsError('SerializationException', `${member} must be a string`);
  return value;
}

export function requiredString(input: Record<string, unknown>, member: string, missingCode: string, missingMessage: string): string {
  const value = optionalString(input, member);
  if (value === '') throw new AwsError(missingCode, missingMessage);
  return value;
}

export function optionalStringMap(input: Record<string, unknown>, member: string): Record<string, string> {
  const value = input[member];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new AwsError('SerializationException', `${member} must be a map of strings`);
  }
  return value as Record<string, string>;
}

export function optionalStringList(input: Record<string, unknown>, member: string): string[] {
  const value = input[member];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new AwsError('SerializationException', `${member} must be a list of strings`);
  return value as string[];
}

/**
 * `codecommit:References` for an operation that moves one branch, as IAM evaluates branch-level
 * policies: the full ref of the branch named in the request.
 */
export function branchReference(input: Record<string, unknown>): Record<string, string[]> {
  const branch = input.branchName;
  return typeof branch === 'string' && branch ? { 'codecommit:References': [`refs/heads/${branch}`] } : {};
}
