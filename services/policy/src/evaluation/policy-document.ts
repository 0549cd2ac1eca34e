/**
 * IAM policy documents: the normalized shape the engine compiles, and the validator that accepts
 * what IAM accepts (grammar: IAM User Guide, "Grammar of the IAM JSON policy language") and
 * refuses the rest with IAM's error code and, where IAM's wording is known, its message.
 */
import { checkConditionValue, parseConditionOperator } from './operators';
import type { ConditionEntry } from './conditions';
import { malformed, PolicyDocumentError } from './evaluation.errors';

export type PolicyLanguageVersion = '2012-10-17' | '2008-10-17';
export type Effect = 'Allow' | 'Deny';

/**
 * `identity`: attached to a user, group or role (or a session policy, or a permissions boundary):
 * no Principal, Resource required.
 * `resource`: a role trust policy (or another resource-based policy): Principal or NotPrincipal
 * required, Resource optional (the policy's own resource).
 */
export type PolicyKind = 'identity' | 'resource';

export interface PrincipalSpec {
  /** `"Principal": "*"` or `{"AWS": "*"}`: everyone. */
  readonly wildcard: boolean;
  /** 12-digit account ids and ARNs. */
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: Effect;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly principal?: PrincipalSpec;
  readonly notPrincipal?: PrincipalSpec;
  readonly conditions: readonly ConditionEntry[];
}

export interface PolicyDocument {
  /**
   * `2012-10-17` has policy variables; `2008-10-17` (also assumed when Version is omitted) reads
   * `${...}` as literal text.
   */
  readonly version: PolicyLanguageVersion;
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}

/** Size quotas, in non-whitespace characters ("IAM doesn't count white space"). */
export const POLICY_SIZE_LIMITS = {
  managed: 6144,
  userInline: 2048,
  groupInline: 5120,
  roleInline: 10240,
  trust: 2048,
} as const;

export interface ParsePolicyOptions {
  /** Default `identity`. */
  readonly kind?: PolicyKind;
  /** Size quota in non-whitespace characters. Default: the managed policy quota, 6,144. */
  readonly maxSize?: number;
}

const SYNTAX = 'Syntax errors in policy.';

// "Policy documents can contain only the following Unicode characters: horizontal tab (U+0009),
// linefeed (U+000A), carriage return (U+000D), and characters in the range U+0020 to U+00FF."
// (reference_iam-quotas, IAM name requirements).
const ALLOWED_CHARACTERS = /^[\t\n\r\u0020-\u00ff]*$/;
const SID = /^[0-9A-Za-z]*$/;
const ACCOUNT_ID = /^\d{12}$/;

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonWhitespaceLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) n++;
  }
  return n;
}

/** A string or a non-empty array of strings; undefined when the element is absent. */
function stringList(value: Json | undefined, emptyMessage: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw malformed(emptyMessage);
  return list.map((v) => {
    if (typeof v !== 'string') throw malformed(SYNTAX);
    return v;
  });
}

function checkAction(action: string): void {
  if (action === '*') return;
  const colons = action.split(':').length - 1;
  if (colons === 0 || action.startsWith(':')) throw malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  if (colons > 1) throw malformed('Actions/Condition can contain only one colon.');
}

function checkConditionKey(key: string): void {
  // Tag keys may themselves hold colons (aws:ResourceTag/aws:cloudformation:stack-name); the
  // vendor rule applies to the part before the first slash.
  const slash = key.indexOf('/');
  checkAction(slash === -1 ? key : key.slice(0, slash));
  if (key === '*') throw malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
}

function checkResource(resource: string): void {
  if (resource !== '*' && !resource.startsWith('arn:')) throw malformed(`Resource ${resource} must be in ARN format or "*".`);
}

function parsePrincipal(value: Json): PrincipalSpec {
  const spec = { wildcard: false, aws: [] as string[], service: [] as string[], federated: [] as string[], canonicalUser: [] as string[] };
  if (value === '*') return { ...spec, wildcard: true };
  if (!isObject(value)) throw malformed(SYNTAX);
  for (const [type, raw] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.has(type)) throw malformed(`Invalid principal in policy: "${type}"`);
    const ids = stringList(raw, `Invalid principal in policy: "${type}":[]`) as string[];
    for (const id of ids) {
      const invalid = (): Error => malformed(`Invalid principal in policy: "${type}":"${id}"`);
      // "You cannot use a wildcard to match part of a principal name or ARN."
      if (id !== '*' && /[*?]/.test(id)) throw invalid();
      if (type === 'AWS') {
        if (id === '*') spec.wildcard = true;
        else if (ACCOUNT_ID.test(id) || id.startsWith('arn:')) spec.aws.push(id);
        else throw invalid();
      } else if (id === '*') {
        throw invalid();
      } else if (type === 'Service') spec.service.push(id);
      else if (type === 'Federated') spec.federated.push(id);
      else spec.canonicalUser.push(id);
    }
  }
  return spec;
}

function conditionValues(value: Json): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw malformed(SYNTAX);
  });
}

function parseCondition(value: Json): ConditionEntry[] {
  if (!isObject(value)) throw malformed(SYNTAX);
  const entries: ConditionEntry[] = [];
  for (const [operatorText, block] of Object.entries(value)) {
    const operator = parseConditionOperator(operatorText);
    if (!isObject(block)) throw malformed(SYNTAX);
    for (const [key, raw] of Object.entries(block)) {
      checkConditionKey(key);
      const values = conditionValues(raw);
      for (const v of values) checkConditionValue(operator, v);
      entries.push({ operator: operatorText, key, values });
    }
  }
  return entries;
}

function parseStatement(raw: Json, kind: PolicyKind): PolicyStatement {
  if (!isObject(raw)) throw malformed(SYNTAX);
  for (const field of Object.keys(raw)) if (!STATEMENT_FIELDS.has(field)) throw malformed(SYNTAX);

  const sid = raw.Sid;
  if (sid !== undefined) {
    if (typeof sid !== 'string') throw malformed(SYNTAX);
    if (!SID.test(sid)) throw malformed('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
  }

  const effect = raw.Effect;
  if (effect === undefined) throw malformed(SYNTAX);
  if (effect !== 'Allow' && effect !== 'Deny') throw malformed(`Invalid effect: ${typeof effect === 'string' ? effect : JSON.stringify(effect)}`);

  if (raw.Action !== undefined && raw.NotAction !== undefined) throw malformed(SYNTAX);
  const action = stringList(raw.Action, 'Policy statement must contain actions.');
  const notAction = stringList(raw.NotAction, 'Policy statement must contain actions.');
  if (!action && !notAction) throw malformed('Policy statement must contain actions.');
  for (const a of action ?? notAction ?? []) checkAction(a);

  if (raw.Resource !== undefined && raw.NotResource !== undefined) throw malformed(SYNTAX);
  const resource = stringList(raw.Resource, 'Policy statement must contain resources.');
  const notResource = stringList(raw.NotResource, 'Policy statement must contain resources.');
  if (!resource && !notResource && kind === 'identity') throw malformed('Policy statement must contain resources.');
  for (const r of resource ?? notResource ?? []) checkResource(r);

  const hasPrincipal = raw.Principal !== undefined || raw.NotPrincipal !== undefined;
  if (kind === 'identity' && hasPrincipal) throw malformed('Policy document should not specify a principal.');
  if (kind === 'resource' && !hasPrincipal) throw malformed('Missing required field Principal');
  if (raw.Principal !== undefined && raw.NotPrincipal !== undefined) throw malformed(SYNTAX);

  return {
    ...(sid !== undefined ? { sid } : {}),
    effect,
    ...(action ? { action } : {}),
    ...(notAction ? { notAction } : {}),
    ...(resource ? { resource } : {}),
    ...(notResource ? { notResource } : {}),
    ...(raw.Principal !== undefined ? { principal: parsePrincipal(raw.Principal) } : {}),
    ...(raw.NotPrincipal !== undefined ? { notPrincipal: parsePrincipal(raw.NotPrincipal) } : {}),
    conditions: raw.Condition === undefined ? [] : parseCondition(raw.Condition),
  };
}

/**
 * Parses and validates a policy document as IAM does on CreatePolicy, PutUserPolicy,
 * CreateRole (trust policy, `kind: 'resource'`) and friends.
 *
 * @throws PolicyDocumentError `MalformedPolicyDocument`, or `LimitExceeded` over `maxSize`.
 */
export function parsePolicyDocument(json: string, options: ParsePolicyOptions = {}): PolicyDocument {
  const kind = options.kind ?? 'identity';
  const maxSize = options.maxSize ?? POLICY_SIZE_LIMITS.managed;
  if (nonWhitespaceLength(json) > maxSize) {
    throw new PolicyDocumentError('LimitExceeded', `Cannot exceed quota for PolicySize: ${maxSize}`);
  }
  if (!ALLOWED_CHARACTERS.test(json)) throw malformed(SYNTAX);

  let root: Json;
  try {
    root = JSON.parse(json) as Json;
  } catch {
    throw malformed(SYNTAX);
  }
  if (!isObject(root)) throw malformed(SYNTAX);
  for (const field of Object.keys(root)) if (!TOP_LEVEL.has(field)) throw malformed(SYNTAX);

  const version = root.Version ?? '2008-10-17';
  if (version !== '2012-10-17' && version !== '2008-10-17') throw malformed('The policy failed legacy parsing');
  const id = root.Id;
  if (id !== undefined && typeof id !== 'string') throw malformed(SYNTAX);

  const rawStatements = root.Statement;
  if (rawStatements === undefined) throw malformed(SYNTAX);
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  if (list.length === 0) throw malformed(SYNTAX);
  const statements = list.map((s) => parseStatement(s, kind));

  const sids = new Set<string>();
  for (const s of statements) {
    if (s.sid === undefined || s.sid === '') continue;
    if (sids.has(s.sid)) throw malformed('Statement IDs (SID) in a single policy must be unique.');
    sids.add(s.sid);
  }

  return { version, ...(id !== undefined ? { id } : {}), statements };
}
