import { AwsError } from './aws-error';

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

/**
 * An optional string member whose shape has a minimum length of 1: absent is '', but a member
 * that is present and empty breaks the model's constraint (`invalidCode`), it is not "absent".
 */
export function optionalNonEmptyString(input: Record<string, unknown>, member: string, invalidCode: string, invalidMessage: string): string {
  const value = optionalString(input, member);
  if (value === '' && input[member] === '') throw new AwsError(invalidCode, invalidMessage);
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

/** A list of objects (entries of a batch or a commit); anything else is a malformed request. */
export function optionalObjectList(input: Record<string, unknown>, member: string): Record<string, unknown>[] {
  const value = input[member];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) throw new AwsError('SerializationException', `${member} must be a list of objects`);
  return value as Record<string, unknown>[];
}

/** An enum member: absent is the fallback; anything else must be one of the names (`invalidCode` otherwise). */
export function optionalEnum<T>(input: Record<string, unknown>, member: string, values: Record<string, T>, invalidCode: string, fallback: T): T {
  const value = input[member];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !Object.hasOwn(values, value)) throw new AwsError(invalidCode, `The ${member} ${String(value)} is not valid.`);
  return values[value];
}

/** A positive integer member (a page size); absent is 0. */
export function optionalPositiveInt(input: Record<string, unknown>, member: string, invalidCode: string): number {
  const value = input[member];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number') throw new AwsError('SerializationException', `${member} must be a number`);
  if (!Number.isInteger(value) || value <= 0) throw new AwsError(invalidCode, `The ${member} ${value} is not valid.`);
  return value;
}
