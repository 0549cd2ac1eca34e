import { AwsError } from '@cairn/aws-protocol';
import type { policy } from '@cairn/contracts';

/**
 * Reading awsQuery input (IAM, STS). Every value arrives as a string; the model of each action
 * gives it a type, and a value that does not fit is IAM's ValidationError.
 */
const validationError = (message: string) => new AwsError('ValidationError', message, { queryCode: 'ValidationError' });
const memberName = (name: string) => `${name[0]!.toLowerCase()}${name.slice(1)}`;

export function optional(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (value === undefined) return '';
  if (typeof value !== 'string') throw validationError(`1 validation error detected: Value at '${memberName(name)}' failed to satisfy constraint: Member must be a string`);
  return value;
}

export function required(input: Record<string, unknown>, name: string): string {
  const value = optional(input, name);
  if (value === '') throw validationError(`1 validation error detected: Value null at '${memberName(name)}' failed to satisfy constraint: Member must not be null`);
  return value;
}

export function integer(input: Record<string, unknown>, name: string): number {
  const value = optional(input, name);
  if (value === '') return 0;
  if (!/^-?\d{1,10}$/.test(value)) throw validationError(`1 validation error detected: Value '${value}' at '${memberName(name)}' failed to satisfy constraint: Member must be an integer`);
  return Number(value);
}

export function boolean(input: Record<string, unknown>, name: string): boolean {
  const value = optional(input, name);
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw validationError(`1 validation error detected: Value '${value}' at '${memberName(name)}' failed to satisfy constraint: Member must be a boolean`);
}

/** Marker and MaxItems of IAM's list actions; the policy service checks the range. */
export function page(input: Record<string, unknown>): { marker: string; maxItems: number } {
  return { marker: optional(input, 'Marker'), maxItems: integer(input, 'MaxItems') };
}

/** IAM's list answers: IsTruncated always, Marker only when there is more. */
export function pageXml(response: { isTruncated: boolean; marker: string }) {
  return { IsTruncated: response.isTruncated, Marker: response.isTruncated ? response.marker : undefined };
}

/** Actions whose UserName defaults to the caller, which must then be a user (not a role session). */
export function userNameOrCaller(input: Record<string, unknown>, caller: policy.Principal): string {
  const given = optional(input, 'UserName');
  if (given) return given;
  if (caller.type === 'AssumedRole') throw validationError('Must specify userName when calling with non-User credentials');
  return caller.name;
}

/** IAM gives policy documents back URL-encoded; the AWS CLI decodes them, the SDKs do not. */
export function encodeDocument(document: string): string {
  return encodeURIComponent(document);
}
