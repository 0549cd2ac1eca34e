import { iamErrors } from '../iam/iam-errors';

/**
 * The minimal shape check IAM documents get here: JSON, an object, statements with an effect,
 * and the elements each kind of policy must or must not have. The evaluation module's parser is
 * the full validation; this keeps obviously broken documents out of the store meanwhile.
 */
export type DocumentKind = 'identity' | 'trust';

/** IAM's limit on any policy document parameter, in characters. */
export const MAX_DOCUMENT_LENGTH = 131072;

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

export type Statement = Record<string, unknown>;

export function parseStatements(text: string, kind: DocumentKind): Statement[] {
  if (text.trim() === '' || text.length > MAX_DOCUMENT_LENGTH) throw iamErrors.malformedPolicy('Syntax errors in policy.');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw iamErrors.malformedPolicy('Syntax errors in policy.');
  }
  if (!isObject(document)) throw iamErrors.malformedPolicy('Syntax errors in policy.');
  if (document.Version !== undefined && !VERSIONS.has(document.Version as string)) throw iamErrors.malformedPolicy('The policy failed legacy parsing');
  const raw = document.Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (statements.length === 0 || !statements.every(isObject)) throw iamErrors.malformedPolicy('Syntax errors in policy.');
  for (const statement of statements) {
    if (Object.keys(statement).some((key) => !STATEMENT_KEYS.has(key))) throw iamErrors.malformedPolicy('Syntax errors in policy.');
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw iamErrors.malformedPolicy('Syntax errors in policy.');
    if (statement.Action === undefined && statement.NotAction === undefined) throw iamErrors.malformedPolicy('Policy statement must contain actions.');
    if (kind === 'identity') {
      if (statement.Principal !== undefined || statement.NotPrincipal !== undefined) throw iamErrors.malformedPolicy('Policy document should not specify a principal.');
      if (statement.Resource === undefined && statement.NotResource === undefined) throw iamErrors.malformedPolicy('Policy statement must contain resources.');
    } else {
      if (statement.Resource !== undefined || statement.NotResource !== undefined) throw iamErrors.malformedPolicy('Has prohibited field Resource');
      if (statement.Principal === undefined && statement.NotPrincipal === undefined) throw iamErrors.malformedPolicy('Missing required field Principal');
    }
  }
  return statements;
}

/** IAM counts policy sizes without white space. */
export function policySize(text: string): number {
  return text.replace(/\s+/g, '').length;
}

/** IAM hands documents back URL-encoded (RFC 3986); the AWS CLI decodes them, the SDKs do not. */
export function urlEncodeDocument(text: string): string {
  return encodeURIComponent(text);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A policy element that is a string or a list of strings, as a list. */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}
