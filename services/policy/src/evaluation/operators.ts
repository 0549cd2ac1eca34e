/**
 * The condition operators IAM knows, how an operator name is read (set qualifier, base operator,
 * `IfExists` suffix) and how each family's values are parsed. Shared by the document validator
 * (which refuses what IAM refuses) and the compiler (which must never meet an unparsable value).
 *
 * Reference: IAM User Guide, "IAM JSON policy elements: Condition operators"
 * (reference_policies_elements_condition_operators).
 */
import { malformed } from './evaluation.errors';

export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

/** How a single request value is compared with a single policy value. */
export type Comparison =
  | 'Equals'
  | 'EqualsIgnoreCase'
  | 'Like'
  | 'LessThan'
  | 'LessThanEquals'
  | 'GreaterThan'
  | 'GreaterThanEquals'
  | 'InRange'
  | 'Present';

export interface BaseOperator {
  /** Canonical spelling, e.g. `StringNotEquals`. */
  readonly name: string;
  readonly family: OperatorFamily;
  readonly comparison: Comparison;
  /**
   * Negated operators (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`, ...) are true when the
   * request value matches none of the policy values (a logical NOR over the values), and true
   * when the key is absent.
   */
  readonly negated: boolean;
  /** Whether `${...}` policy variables are substituted in this operator's values. */
  readonly variables: boolean;
}

export type SetQualifier = 'ForAnyValue' | 'ForAllValues' | undefined;

export interface ConditionOperator {
  /** As written in the policy. */
  readonly written: string;
  readonly base: BaseOperator;
  readonly qualifier: SetQualifier;
  readonly ifExists: boolean;
}

function op(name: string, family: OperatorFamily, comparison: Comparison, negated: boolean, variables: boolean): BaseOperator {
  return { name, family, comparison, negated, variables };
}

// Policy variables: "You can use a policy variable for Condition values in any condition that
// involves the string operators or the ARN operators" (reference_policies_variables, "Condition
// element"); the operator reference also lists them as supported for Bool. Numeric, Date,
// Binary, IP address and Null take no variables, so `${` in them is literal text.
const BASE_OPERATORS: readonly BaseOperator[] = [
  op('StringEquals', 'String', 'Equals', false, true),
  op('StringNotEquals', 'String', 'Equals', true, true),
  op('StringEqualsIgnoreCase', 'String', 'EqualsIgnoreCase', false, true),
  op('StringNotEqualsIgnoreCase', 'String', 'EqualsIgnoreCase', true, true),
  op('StringLike', 'String', 'Like', false, true),
  op('StringNotLike', 'String', 'Like', true, true),
  op('NumericEquals', 'Numeric', 'Equals', false, false),
  op('NumericNotEquals', 'Numeric', 'Equals', true, false),
  op('NumericLessThan', 'Numeric', 'LessThan', false, false),
  op('NumericLessThanEquals', 'Numeric', 'LessThanEquals', false, false),
  op('NumericGreaterThan', 'Numeric', 'GreaterThan', false, false),
  op('NumericGreaterThanEquals', 'Numeric', 'GreaterThanEquals', false, false),
  op('DateEquals', 'Date', 'Equals', false, false),
  op('DateNotEquals', 'Date', 'Equals', true, false),
  op('DateLessThan', 'Date', 'LessThan', false, false),
  op('DateLessThanEquals', 'Date', 'LessThanEquals', false, false),
  op('DateGreaterThan', 'Date', 'GreaterThan', false, false),
  op('DateGreaterThanEquals', 'Date', 'GreaterThanEquals', false, false),
  op('Bool', 'Bool', 'EqualsIgnoreCase', false, true),
  op('BinaryEquals', 'Binary', 'Equals', false, false),
  op('IpAddress', 'IpAddress', 'InRange', false, false),
  op('NotIpAddress', 'IpAddress', 'InRange', true, false),
  // "The ArnEquals and ArnLike condition operators behave identically."
  op('ArnEquals', 'Arn', 'Like', false, true),
  op('ArnLike', 'Arn', 'Like', false, true),
  op('ArnNotEquals', 'Arn', 'Like', true, true),
  op('ArnNotLike', 'Arn', 'Like', true, true),
  op('Null', 'Null', 'Present', false, false),
];

const BY_LOWER_NAME = new Map(BASE_OPERATORS.map((o) => [o.name.toLowerCase(), o]));

export const CONDITION_OPERATOR_NAMES: readonly string[] = BASE_OPERATORS.map((o) => o.name);

function invalidType(written: string): Error {
  return malformed(`Invalid Condition type : ${written}`);
}

/**
 * Reads `[ForAnyValue:|ForAllValues:]<Operator>[IfExists]`. Operator names are matched without
 * regard to case. `IfExists` can be added to any operator "except the Null condition".
 */
export function parseConditionOperator(written: string): ConditionOperator {
  const parts = written.split(':');
  if (parts.length > 2) throw invalidType(written);
  let qualifier: SetQualifier;
  let name = parts[parts.length - 1];
  if (parts.length === 2) {
    const q = parts[0].toLowerCase();
    if (q === 'foranyvalue') qualifier = 'ForAnyValue';
    else if (q === 'forallvalues') qualifier = 'ForAllValues';
    else throw invalidType(written);
  }
  let ifExists = false;
  if (name.length > 'IfExists'.length && name.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    name = name.slice(0, -'IfExists'.length);
  }
  const base = BY_LOWER_NAME.get(name.toLowerCase());
  if (!base || (ifExists && base.family === 'Null')) throw invalidType(written);
  return { written, base, qualifier, ifExists };
}

// ---------------------------------------------------------------------------------------------
// Value parsers. Each returns undefined for a value it cannot read.

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseNumber(text: string): number | undefined {
  return NUMBER.test(text) ? Number(text) : undefined;
}

// W3C profile of ISO 8601 (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mmTZD, ...:ss, ...:ss.s) or
// epoch seconds, as the Date operators document. A time without a zone designator is read as
// UTC so that a decision never depends on the server's local zone. A string of digits is epoch
// seconds (aws:EpochTime), except four digits, which is the W3C year-only form.
const W3C_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/i;
const EPOCH = /^\d+(?:\.\d+)?$/;

/** Milliseconds since the epoch. */
export function parseDate(text: string): number | undefined {
  if (EPOCH.test(text) && text.length !== 4) return Number(text) * 1000;
  const m = W3C_DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, hour, minute, second, Math.floor(Number(`0.${frac || '0'}`) * 1000));
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isNaN(ms) ? undefined : ms;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function parseBase64(text: string): Buffer | undefined {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** An IPv4 (4 bytes) or IPv6 (16 bytes) network. IPv4-mapped IPv6 addresses are read as IPv4. */
export interface IpRange {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  let head = text;
  let v4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const read = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = read(halves[0]);
  const right = halves.length === 2 ? read(halves[1]) : [];
  if (!left || !right) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}

function isV4Mapped(bytes: Uint8Array): boolean {
  if (bytes.length !== 16 || bytes[10] !== 0xff || bytes[11] !== 0xff) return false;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** An address, e.g. the request's aws:SourceIp (Node reports IPv4 peers as `::ffff:a.b.c.d`). */
export function parseIpAddress(text: string): Uint8Array | undefined {
  const bytes = text.includes(':') ? parseIpv6(text) : parseIpv4(text);
  if (bytes && isV4Mapped(bytes)) return bytes.slice(12);
  return bytes;
}

/**
 * A policy value in CIDR form. "If you specify an IP address without the associated routing
 * prefix, IAM uses the default prefix value of /32" (and /128 for IPv6, the whole address).
 */
export function parseCidr(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  let bytes = addressText.includes(':') ? parseIpv6(addressText) : parseIpv4(addressText);
  if (!bytes) return undefined;
  let prefix = bytes.length * 8;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > bytes.length * 8) return undefined;
    prefix = Number(p);
  }
  if (isV4Mapped(bytes) && prefix >= 96) {
    bytes = bytes.slice(12);
    prefix -= 96;
  }
  return { bytes, prefix };
}

export function ipInRange(address: Uint8Array, range: IpRange): boolean {
  if (address.length !== range.bytes.length) return false;
  const full = range.prefix >> 3;
  for (let i = 0; i < full; i++) if (address[i] !== range.bytes[i]) return false;
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (address[full] & mask) === (range.bytes[full] & mask);
}

/** The Null operator's value: `true` = the key must be absent, `false` = it must be present. */
export function parseNullExpectation(text: string): boolean | undefined {
  const t = text.toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

/**
 * Refuses a condition value its operator can never read. IAM answers a value of the wrong form
 * (e.g. an ArnEquals value that is not an ARN) with "The policy failed legacy parsing".
 */
export function checkConditionValue(operator: ConditionOperator, value: string): void {
  const fail = (): never => {
    throw malformed('The policy failed legacy parsing');
  };
  switch (operator.base.family) {
    case 'Numeric':
      if (parseNumber(value) === undefined) fail();
      return;
    case 'Date':
      if (parseDate(value) === undefined) fail();
      return;
    case 'IpAddress':
      if (!parseCidr(value)) fail();
      return;
    case 'Binary':
      if (!parseBase64(value)) fail();
      return;
    case 'Null':
      if (parseNullExpectation(value) === undefined) fail();
      return;
    case 'Arn':
      if (value !== '*' && !value.startsWith('arn:') && !value.startsWith('${')) fail();
      return;
    case 'String':
    case 'Bool':
      return;
  }
}
