/**
 * Compiles one `"<operator>": { "<key>": <values> }` pair of a Condition block into a test
 * against the request context.
 *
 * Semantics, from the IAM User Guide:
 * - Several values for one key are ORed; for a negated operator (`StringNotEquals`,
 *   `NotIpAddress`, `ArnNotLike`, ...) they are NORed: the condition holds when the request value
 *   matches none of them ("Conditions with multiple context keys or values").
 * - A key absent from the request: "the values do not match and the condition is false. If the
 *   policy condition requires that the key is not matched, such as StringNotLike or ArnNotLike,
 *   and the right key is not present, the condition is true. This logic applies to all condition
 *   operators except ...IfExists and Null check" (reference_policies_elements_condition_operators).
 * - `...IfExists`: "If the key is not present, evaluate the condition element as true."
 * - `Null`: `true` means the key must be absent, `false` that it must be present.
 * - `ForAllValues:` holds when every request value matches; "It also returns true if there are no
 *   context keys in the request" (an absent key or an empty set). `ForAnyValue:` holds when at
 *   least one request value matches, and is false for an absent key. With a negated operator the
 *   per-value test is the negated one (ForAllValues:StringNotEquals = no request value is listed).
 *   A single-valued key is a set of one.
 *
 * Decisions this module makes where the documentation is silent:
 * - A multivalued key tested without a set qualifier behaves as ForAnyValue for a positive
 *   operator and as "no value matches" for a negated one (the documentation says such keys
 *   require a qualifier).
 * - A request value the operator cannot read (not a number, not a date, not an IP address, bad
 *   base64) and a policy variable that cannot be resolved make that comparison fail for both the
 *   operator and its negation: the statement does not apply ("any attempt to match it fails").
 * - `Null` ignores a set qualifier.
 */
import {
  type IpRange,
  ipInRange,
  parseBase64,
  parseCidr,
  parseConditionOperator,
  parseDate,
  parseNullExpectation,
  parseNumber,
} from './operators';
import { compilePattern, matchPattern, type MatchResult, type MatchMode, type Pattern } from './patterns';
import type { RequestContext } from './request-context';

export interface ConditionEntry {
  /** As written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** As written, e.g. `aws:ResourceTag/Team`. */
  readonly key: string;
  /** Policy values as strings (JSON numbers and booleans are read as their text). */
  readonly values: readonly string[];
}

const PATTERN = 0;
const NUMBER = 1;
const DATE = 2;
const BINARY = 3;
const IP = 4;
const NULL = 5;

const EQ = 0;
const LT = 1;
const LTE = 2;
const GT = 3;
const GTE = 4;
const ORDER: Readonly<Record<string, number>> = { Equals: EQ, LessThan: LT, LessThanEquals: LTE, GreaterThan: GT, GreaterThanEquals: GTE };

/**
 * One compiled `"<operator>": {"<key>": [values]}` pair. A single class whose `kind` selects the
 * comparison keeps evaluation monomorphic.
 */
export class Condition {
  constructor(
    readonly kind: number,
    /** Lower-case context key. */
    readonly key: string,
    readonly negated: boolean,
    /** The result when the request does not carry the key. */
    readonly whenAbsent: boolean,
    /** Every request value must pass (ForAllValues, or a negated operator without qualifier). */
    readonly every: boolean,
    readonly patterns: readonly Pattern[],
    readonly numbers: readonly number[],
    readonly order: number,
    readonly bytes: readonly Buffer[],
    readonly ranges: readonly IpRange[],
    /** Null: per policy value, whether the key must be absent. */
    readonly expectAbsent: readonly boolean[],
  ) {}

  /**
   * Index of this condition's result in a decision's memo. Identical conditions in several
   * statements are compiled once (see compilePolicies) and so evaluated once per decision.
   */
  slot = -1;
  /** Index of `key` in the compiled set's table of context keys (see Memo). */
  keyId = -1;
}

function compare(order: number, a: number, b: number): boolean {
  switch (order) {
    case EQ:
      return a === b;
    case LT:
      return a < b;
    case LTE:
      return a <= b;
    case GT:
      return a > b;
    default:
      return a >= b;
  }
}

/** Does one request value match at least one policy value? undefined: cannot be decided. */
function matchValue(c: Condition, value: string, ctx: RequestContext): MatchResult {
  switch (c.kind) {
    case PATTERN: {
      let undecided = false;
      for (const p of c.patterns) {
        const r = matchPattern(p, value, ctx);
        if (r === true) return true;
        if (r === undefined) undecided = true;
      }
      return undecided ? undefined : false;
    }
    case NUMBER:
    case DATE: {
      const n = c.kind === NUMBER ? ctx.number(value) : ctx.date(value);
      if (n === undefined) return undefined;
      for (const p of c.numbers) if (compare(c.order, n, p)) return true;
      return false;
    }
    case BINARY: {
      const bytes = parseBase64(value);
      if (!bytes) return undefined;
      for (const b of c.bytes) if (b.equals(bytes)) return true;
      return false;
    }
    default: {
      const address = ctx.address(value);
      if (!address) return undefined;
      for (const r of c.ranges) if (ipInRange(address, r)) return true;
      return false;
    }
  }
}

/** @param values the request's values for `c.key`, undefined when it does not carry the key. */
export function testCondition(c: Condition, values: readonly string[] | undefined, ctx: RequestContext): boolean {
  if (c.kind === NULL) {
    const absent = values === undefined;
    for (const e of c.expectAbsent) if (e === absent) return true;
    return false;
  }
  if (values === undefined) return c.whenAbsent;
  // One request value passes when it matched (positive operator) or decidedly matched nothing
  // (negated operator).
  const pass = !c.negated;
  if (c.every) {
    for (const v of values) if (matchValue(c, v, ctx) !== pass) return false;
    return true;
  }
  for (const v of values) if (matchValue(c, v, ctx) === pass) return true;
  return false;
}

/**
 * @param variables whether the policy language version has policy variables (2012-10-17).
 * Values must already have passed `checkConditionValue`.
 */
export function compileCondition(entry: ConditionEntry, variables: boolean): Condition {
  const operator = parseConditionOperator(entry.operator);
  const { base, qualifier, ifExists } = operator;
  const key = entry.key.toLowerCase();
  const values = entry.values;
  const negated = base.negated;
  const whenAbsent = ifExists || qualifier === 'ForAllValues' ? true : qualifier === 'ForAnyValue' ? false : negated;
  const every = qualifier === 'ForAllValues' || (qualifier === undefined && negated);
  const vars = variables && base.variables ? 0 : false;

  let kind = PATTERN;
  let patterns: Pattern[] = [];
  let numbers: number[] = [];
  let bytes: Buffer[] = [];
  let ranges: IpRange[] = [];
  let expectAbsent: boolean[] = [];
  switch (base.family) {
    case 'String': {
      const mode: MatchMode = base.comparison === 'Like' ? 'like' : base.comparison === 'EqualsIgnoreCase' ? 'ignoreCase' : 'exact';
      patterns = values.map((v) => compilePattern(v, mode, vars));
      break;
    }
    case 'Bool':
      patterns = values.map((v) => compilePattern(v, 'ignoreCase', vars));
      break;
    case 'Arn':
      patterns = values.map((v) => compilePattern(v, 'arn', vars));
      break;
    case 'Numeric':
      kind = NUMBER;
      numbers = values.map((v) => parseNumber(v) as number);
      break;
    case 'Date':
      kind = DATE;
      numbers = values.map((v) => parseDate(v) as number);
      break;
    case 'Binary':
      kind = BINARY;
      bytes = values.map((v) => parseBase64(v) as Buffer);
      break;
    case 'IpAddress':
      kind = IP;
      ranges = values.map((v) => parseCidr(v) as IpRange);
      break;
    case 'Null':
      kind = NULL;
      expectAbsent = values.map((v) => parseNullExpectation(v) as boolean);
      break;
  }
  return new Condition(kind, key, negated, whenAbsent, every, patterns, numbers, ORDER[base.comparison] ?? EQ, bytes, ranges, expectAbsent);
}
