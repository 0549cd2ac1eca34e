/**
 * Compiled matchers for the strings a policy compares: Action names, Resource ARNs, and
 * condition values (exact, case-insensitive, `*`/`?` wildcards, ARN components), with policy
 * variables (`${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, `${*}`, `${?}`, `${$}`)
 * resolved against the request.
 *
 * A pattern without variables is turned into the cheapest test that answers it (always true,
 * equality, prefix, or one precompiled RegExp). A pattern with variables is resolved per request;
 * its compiled form is cached by resolved text, since a principal resolves its variables the same
 * way every time.
 */

/** Resolves policy variables: the single value of a context key (lower-case name), if any. */
export interface VariableLookup {
  variable(lowerKey: string): string | undefined;
}

/**
 * true / false, or undefined when a policy variable could not be resolved: "not present means
 * that the value is not in the current request information, and any attempt to match it fails
 * and causes the statement to be invalid" (reference_policies_variables, principal key values).
 */
export type MatchResult = boolean | undefined;

/**
 * - `exact`: byte-for-byte (StringEquals, and StringNotEquals by negation).
 * - `ignoreCase`: StringEqualsIgnoreCase, Bool.
 * - `like`: `*` any run of characters, `?` any one character, anywhere (StringLike).
 * - `arn`: ArnLike/ArnEquals: "Each of the six colon-delimited components of the ARN is checked
 *   separately and each can include multi-character match wildcards (*) or single-character
 *   match wildcards (?)". The sixth component (the resource) runs to the end of the string.
 * - `resource`: the Resource element: wildcards stay within an ARN segment, except that "if the
 *   * wildcard is the last character of a resource ARN segment, it can expand to match beyond
 *   the colon boundaries" (reference_policies_elements_resource, "Using wildcards in resource
 *   ARNs"). Case-sensitive.
 * - `action`: Action/NotAction: `*` and `?` anywhere, case-insensitive.
 */
export type MatchMode = 'exact' | 'ignoreCase' | 'like' | 'arn' | 'resource' | 'action';

type Piece =
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly key: string; readonly fallback: string | undefined };

type ResolvedPiece = { readonly kind: 'raw' | 'literal'; readonly text: string };

const SPECIAL: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

// `${key}` or, per "Specifying default values", `${key, 'default'}`.
const DEFAULTED = /^\s*([^,]*?)\s*,\s*'(.*)'\s*$/s;

/**
 * Splits a policy string into raw text (where `*` and `?` are wildcards for the modes that have
 * them), literal text (from `${*}`, `${?}`, `${$}`) and variables. `variablesFrom` is the index
 * from which `${...}` is recognised at all, or false when the policy language version has no
 * variables ("If you don't include the Version element ... variables like ${aws:username} are
 * treated as literal strings").
 */
function parseTemplate(text: string, variablesFrom: number | false): Piece[] {
  const pieces: Piece[] = [];
  if (variablesFrom === false) return [{ kind: 'raw', text }];
  let raw = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start === -1 || start < variablesFrom) {
      const upTo = start === -1 ? text.length : start + 2;
      raw += text.slice(i, upTo);
      i = upTo;
      continue;
    }
    const end = text.indexOf('}', start + 2);
    if (end === -1) {
      raw += text.slice(i);
      break;
    }
    raw += text.slice(i, start);
    if (raw) pieces.push({ kind: 'raw', text: raw });
    raw = '';
    const inner = text.slice(start + 2, end);
    const special = SPECIAL[inner];
    if (special !== undefined) {
      pieces.push({ kind: 'literal', text: special });
    } else {
      const defaulted = DEFAULTED.exec(inner);
      pieces.push(
        defaulted
          ? { kind: 'variable', key: defaulted[1].toLowerCase(), fallback: defaulted[2] }
          : { kind: 'variable', key: inner.trim().toLowerCase(), fallback: undefined },
      );
    }
    i = end + 1;
  }
  if (raw) pieces.push({ kind: 'raw', text: raw });
  return pieces;
}

function resolve(pieces: readonly Piece[], lookup: VariableLookup): ResolvedPiece[] | undefined {
  const out: ResolvedPiece[] = [];
  for (const p of pieces) {
    if (p.kind !== 'variable') {
      out.push(p);
      continue;
    }
    // A variable's value is always literal: a `*` in a tag value is not a wildcard.
    const value = lookup.variable(p.key) ?? p.fallback;
    if (value === undefined) return undefined;
    out.push({ kind: 'literal', text: value });
  }
  return out;
}

const REGEX_SPECIAL = new Set('\\^$.*+?()[]{}|/');

function escapeRegexChar(c: string): string {
  return REGEX_SPECIAL.has(c) ? `\\${c}` : c;
}

/** Regex source anchored at both ends, or undefined when the pattern can match nothing. */
function regexSource(pieces: readonly ResolvedPiece[], mode: MatchMode): string | undefined {
  let out = '^';
  let colons = 0;
  for (let pi = 0; pi < pieces.length; pi++) {
    const piece = pieces[pi];
    const text = mode === 'action' ? piece.text.toLowerCase() : piece.text;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      const wildcard = piece.kind === 'raw' && (c === '*' || c === '?') && mode !== 'exact' && mode !== 'ignoreCase';
      if (!wildcard) {
        if (c === ':') colons++;
        out += escapeRegexChar(c);
        continue;
      }
      let anyChar = '[\\s\\S]';
      if (mode === 'arn') {
        anyChar = colons < 5 ? '[^:]' : '[\\s\\S]';
      } else if (mode === 'resource') {
        const next = i + 1 < text.length ? text[i + 1] : pi + 1 === pieces.length ? '' : undefined;
        anyChar = c === '*' && (next === ':' || next === '') ? '[\\s\\S]' : '[^:]';
      }
      if (c === '?') {
        out += anyChar;
      } else if (!out.endsWith(`${anyChar}*`)) {
        out += `${anyChar}*`;
      }
    }
  }
  if (mode === 'arn' && colons < 5) return undefined;
  return `${out}$`;
}

function hasWildcard(pieces: readonly Piece[]): boolean {
  return pieces.some((p) => p.kind === 'raw' && /[*?]/.test(p.text));
}

function joinText(pieces: readonly ResolvedPiece[]): string {
  let s = '';
  for (const p of pieces) s += p.text;
  return s;
}

const ALWAYS = 0;
const NEVER = 1;
const EQUAL = 2;
const EQUAL_LOWER = 3;
const PREFIX = 4;
const REGEX = 5;
const VARIABLE = 6;

/**
 * A compiled policy string. One class with a numeric kind, tested by one `switch`, keeps the hot
 * path monomorphic for V8 (a chain of per-pattern closures is not).
 */
export class Pattern {
  constructor(
    readonly kind: number,
    readonly text: string,
    readonly regex: RegExp | null,
    readonly template: Template | null,
  ) {}
}

class Template {
  readonly cache = new Map<string, Pattern>();

  constructor(
    readonly pieces: readonly Piece[],
    readonly mode: MatchMode,
  ) {}
}

/** The cheapest test for a pattern that has no variables. */
function staticPattern(pieces: readonly ResolvedPiece[], mode: MatchMode): Pattern {
  const text = joinText(pieces);
  if (mode === 'exact') return new Pattern(EQUAL, text, null, null);
  if (mode === 'ignoreCase') return new Pattern(EQUAL_LOWER, text.toLowerCase(), null, null);
  // "*" alone matches anything; as an ARN pattern it has no components to compare, and is read
  // as "any ARN".
  if (pieces.length === 1 && pieces[0].kind === 'raw' && text === '*') return new Pattern(ALWAYS, '', null, null);
  if (!hasWildcard(pieces)) {
    // An ARN pattern needs its six components even without wildcards.
    if (mode === 'arn' && text.split(':').length < 6) return new Pattern(NEVER, '', null, null);
    return new Pattern(EQUAL, mode === 'action' ? text.toLowerCase() : text, null, null);
  }
  const source = regexSource(pieces, mode);
  if (source === undefined) return new Pattern(NEVER, '', null, null);
  // One trailing `*` and no other wildcard: a prefix test (a trailing `*` may cross colons in
  // every mode but `arn`).
  const last = pieces[pieces.length - 1];
  const prefixOnly =
    mode !== 'arn' &&
    last.kind === 'raw' &&
    last.text.endsWith('*') &&
    !/[*?]/.test(last.text.slice(0, -1)) &&
    pieces.slice(0, -1).every((p) => p.kind === 'literal' || !/[*?]/.test(p.text));
  if (prefixOnly) return new Pattern(PREFIX, mode === 'action' ? text.slice(0, -1).toLowerCase() : text.slice(0, -1), null, null);
  return new Pattern(REGEX, source, new RegExp(source), null);
}

const CACHE_LIMIT = 64;

/**
 * Compiles one policy string. `variablesFrom`: see parseTemplate. Request values given to an
 * `action` pattern must already be lower-case.
 */
export function compilePattern(text: string, mode: MatchMode, variablesFrom: number | false): Pattern {
  const pieces = parseTemplate(text, mode === 'action' ? false : variablesFrom);
  if (!pieces.some((p) => p.kind === 'variable')) return staticPattern(pieces as ResolvedPiece[], mode);
  return new Pattern(VARIABLE, text, null, new Template(pieces, mode));
}

function matchTemplate(template: Template, value: string, lookup: VariableLookup): MatchResult {
  const resolved = resolve(template.pieces, lookup);
  if (!resolved) return undefined;
  const { mode, cache } = template;
  if (mode === 'exact') return value === joinText(resolved);
  if (mode === 'ignoreCase') return value.toLowerCase() === joinText(resolved).toLowerCase();
  // A principal resolves its variables the same way on every request: cache the compiled form.
  let key = '';
  for (const p of resolved) key += p.kind === 'raw' ? `r${p.text.length}:${p.text}` : `l${p.text.length}:${p.text}`;
  let pattern = cache.get(key);
  if (!pattern) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    pattern = staticPattern(resolved, mode);
    cache.set(key, pattern);
  }
  return matchPattern(pattern, value, lookup);
}

export function matchPattern(p: Pattern, value: string, lookup: VariableLookup): MatchResult {
  switch (p.kind) {
    case ALWAYS:
      return true;
    case NEVER:
      return false;
    case EQUAL:
      return value === p.text;
    case EQUAL_LOWER:
      return value.toLowerCase() === p.text;
    case PREFIX:
      return value.startsWith(p.text);
    case REGEX:
      return (p.regex as RegExp).test(value);
    default:
      return matchTemplate(p.template as Template, value, lookup);
  }
}

/**
 * Index after the fifth colon of a Resource pattern: "You can use a policy variable in the
 * Resource element, but only in the resource portion of the ARN. This portion of the ARN
 * appears after the fifth colon (:)." Before it, `${...}` is plain text.
 */
export function resourceVariablesFrom(text: string): number {
  let index = -1;
  for (let n = 0; n < 5; n++) {
    index = text.indexOf(':', index + 1);
    if (index === -1) return text.length;
  }
  return index + 1;
}
