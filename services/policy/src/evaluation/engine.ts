/**
 * The decision: AWS's documented evaluation logic for requests within one account
 * (IAM User Guide, "Policy evaluation logic", "How AWS enforcement code logic evaluates requests
 * to allow or deny access", "Policy evaluation for requests within a single account"):
 *
 * 1. "By default, all requests are implicitly denied."
 * 2. Deny evaluation: a Deny statement that applies, in any policy of any type, ends the
 *    evaluation with an explicit deny. "An explicit deny overrides an explicit allow."
 * 3. Identity-based policies (the user's, its groups', the role's) must allow. When a permissions
 *    boundary is set it must allow too, and when the role session carries session policies they
 *    must allow too: the effective permissions are the intersection.
 * 4. A role trust policy (layer `resource`) must allow the principal: a statement naming the
 *    principal (its ARN, or `*`) allows on its own; one naming only the principal's account
 *    delegates to the account, so the identity-based policies must allow as well.
 *
 * A statement applies when its Action (or NotAction), Resource (or NotResource), Principal (or
 * NotPrincipal, trust policies only) and every condition match the request.
 */
import { compileCondition, type Condition, testCondition } from './conditions';
import { checkConditionValue, parseConditionOperator } from './operators';
import { compilePattern, matchPattern, type MatchMode, type Pattern, resourceVariablesFrom } from './patterns';
import { parsePolicyDocument, type Effect, type PolicyDocument, type PolicyStatement, type PrincipalSpec } from './policy-document';
import { type AuthorizationRequest, RequestContext } from './request-context';

/**
 * Which part of the decision a policy takes: `identity` (user, group and role policies, inline
 * or managed; the default), `session` (policies passed when the role session was created),
 * `boundary` (the permissions boundary), `resource` (the role's trust policy).
 */
export type PolicyLayer = 'identity' | 'session' | 'boundary' | 'resource';

export interface PolicyInput {
  /** Reported back in `matched`: a policy ARN, or e.g. `user/alice/inline/deploy`. */
  readonly id: string;
  /**
   * A parsed document, or its JSON (parsed here with no size quota: quotas apply when a policy
   * is stored, not when it is evaluated).
   */
  readonly document: PolicyDocument | string;
  readonly layer?: PolicyLayer;
}

export interface MatchedStatement {
  readonly policyId: string;
  readonly layer: PolicyLayer;
  /** Position in the document's Statement list (0-based; a lone statement object is 0). */
  readonly statementIndex: number;
  readonly sid?: string;
  readonly effect: Effect;
}

export type DecisionKind = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface Decision {
  readonly decision: DecisionKind;
  /**
   * The statements that decided: the Deny statements for ExplicitDeny; for Allow, the Allow
   * statements of each layer that had to allow; nothing for ImplicitDeny.
   */
  readonly matched: readonly MatchedStatement[];
}

export interface EvaluateOptions {
  /**
   * Report every statement that applies rather than the first one of each kind that decides
   * (SimulatePrincipalPolicy's MatchedStatements). Slower: no short-circuit.
   */
  readonly allMatches?: boolean;
}

type PrincipalMatch = 'direct' | 'account' | false;

class PrincipalMatcher {
  constructor(
    readonly wildcard: boolean,
    readonly accounts: ReadonlySet<string>,
    readonly arns: ReadonlySet<string>,
    readonly negate: boolean,
  ) {}

  match(ctx: RequestContext): PrincipalMatch {
    const p = ctx.request.principal;
    let match: PrincipalMatch = false;
    if (this.wildcard || this.arns.has(p.arn) || this.arns.has(ctx.get('aws:principalarn')?.[0] ?? '')) match = 'direct';
    else if (this.accounts.has(p.accountId)) match = 'account';
    if (!this.negate) return match;
    return match === false ? 'direct' : false;
  }
}

const ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;

function compilePrincipal(spec: PrincipalSpec, negate: boolean): PrincipalMatcher {
  const accounts = new Set<string>();
  const arns = new Set<string>();
  for (const id of spec.aws) {
    const root = ROOT_ARN.exec(id);
    if (/^\d{12}$/.test(id)) accounts.add(id);
    else if (root) accounts.add(root[1]);
    else arns.add(id);
  }
  // Service and federated principals are matched by name against the caller's `arn`.
  for (const id of [...spec.service, ...spec.federated]) arns.add(id);
  return new PrincipalMatcher(spec.wildcard, accounts, arns, negate);
}

/** A statement's Resource or NotResource list; shared by statements that have the same one. */
class ResourceSet {
  slot = -1;

  constructor(
    readonly patterns: readonly Pattern[],
    readonly negate: boolean,
  ) {}

  matches(resource: string, ctx: RequestContext): boolean {
    let undecided = false;
    for (const p of this.patterns) {
      const r = matchPattern(p, resource, ctx);
      if (r === true) return !this.negate;
      if (r === undefined) undecided = true;
    }
    // An unresolvable variable in NotResource makes the statement not apply, as in a negated
    // condition: "any attempt to match it fails".
    return this.negate && !undecided;
  }
}

/**
 * Results of resource lists and conditions within one decision, by slot: statements that share
 * a condition (the same IP restriction or branch-protection block in many statements) evaluate
 * it once. `stamp` marks which entries belong to the current decision. Evaluation is
 * synchronous, so one memo per compiled set is enough.
 */
class Memo {
  private generation = 0;
  private readonly stamp: Uint32Array;
  private readonly result: Uint8Array;
  // The request's values per context key id, looked up once per decision.
  private readonly keyStamp: Uint32Array;
  private readonly keyValues: (readonly string[] | undefined)[];

  constructor(slots: number, keys: number) {
    this.stamp = new Uint32Array(slots);
    this.result = new Uint8Array(slots);
    this.keyStamp = new Uint32Array(keys);
    this.keyValues = new Array<readonly string[] | undefined>(keys).fill(undefined);
  }

  next(): void {
    if (++this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.keyStamp.fill(0);
      this.generation = 1;
    }
  }

  resources(set: ResourceSet, resource: string, ctx: RequestContext): boolean {
    const slot = set.slot;
    if (this.stamp[slot] === this.generation) return this.result[slot] === 1;
    const r = set.matches(resource, ctx);
    this.stamp[slot] = this.generation;
    this.result[slot] = r ? 1 : 0;
    return r;
  }

  condition(c: Condition, ctx: RequestContext): boolean {
    const slot = c.slot;
    if (this.stamp[slot] === this.generation) return this.result[slot] === 1;
    const keyId = c.keyId;
    let values: readonly string[] | undefined;
    if (this.keyStamp[keyId] === this.generation) {
      values = this.keyValues[keyId];
    } else {
      values = ctx.get(c.key);
      this.keyValues[keyId] = values;
      this.keyStamp[keyId] = this.generation;
    }
    const r = testCondition(c, values, ctx);
    this.stamp[slot] = this.generation;
    this.result[slot] = r ? 1 : 0;
    return r;
  }
}

/** One compiled statement. Plain fields, read by `applies`: no per-statement closures. */
class CompiledStatement {
  constructor(
    readonly ref: MatchedStatement,
    readonly actions: readonly Pattern[],
    readonly notAction: boolean,
    /** Null: applies to any resource (a trust policy without Resource). */
    readonly resources: ResourceSet | null,
    readonly principal: PrincipalMatcher | null,
    readonly conditions: readonly Condition[],
  ) {}

  matchesAction(lowerAction: string): boolean {
    let any = false;
    for (const p of this.actions) {
      if (matchPattern(p, lowerAction, NO_VARIABLES) === true) {
        any = true;
        break;
      }
    }
    return any !== this.notAction;
  }
}

const NO_VARIABLES = { variable: (): undefined => undefined };

/** Principal match ('direct' when the statement has no Principal), or false when it does not apply. */
function applies(s: CompiledStatement, resource: string, ctx: RequestContext, memo: Memo): PrincipalMatch {
  let principal: PrincipalMatch = 'direct';
  if (s.principal !== null) {
    principal = s.principal.match(ctx);
    if (principal === false) return false;
  }
  if (s.resources !== null && !memo.resources(s.resources, resource, ctx)) return false;
  for (const c of s.conditions) if (!memo.condition(c, ctx)) return false;
  return principal;
}

interface Candidates {
  readonly deny: readonly CompiledStatement[];
  readonly allow: Readonly<Record<PolicyLayer, readonly CompiledStatement[]>>;
  /** Some of these statements have a condition on aws:ResourceTag/…. */
  readonly readsResourceTags: boolean;
}

interface Applied {
  readonly statement: CompiledStatement;
  readonly principal: PrincipalMatch;
}

/** Compiles statements, sharing identical resource lists and conditions (see Memo). */
class StatementCompiler {
  private readonly resourceSets = new Map<string, ResourceSet>();
  private readonly conditions = new Map<string, Condition>();
  private readonly patterns = new Map<string, Pattern>();
  readonly keys = new Map<string, number>();
  readonly statements: CompiledStatement[] = [];

  get slots(): number {
    return this.resourceSets.size + this.conditions.size;
  }

  add(statement: PolicyStatement, index: number, policyId: string, layer: PolicyLayer, variables: boolean): void {
    const ref: MatchedStatement = {
      policyId,
      layer,
      statementIndex: index,
      ...(statement.sid !== undefined ? { sid: statement.sid } : {}),
      effect: statement.effect,
    };
    const actions = (statement.action ?? statement.notAction ?? []).map((a) => this.pattern(a, 'action', false));
    const principal = statement.principal
      ? compilePrincipal(statement.principal, false)
      : statement.notPrincipal
        ? compilePrincipal(statement.notPrincipal, true)
        : null;
    const conditions = statement.conditions.map((c) => {
      // Documents built in code skip parsePolicyDocument; refuse what it would have refused.
      const operator = parseConditionOperator(c.operator);
      for (const v of c.values) checkConditionValue(operator, v);
      const key = JSON.stringify([variables, c.operator.toLowerCase(), c.key.toLowerCase(), c.values]);
      let compiled = this.conditions.get(key);
      if (!compiled) {
        compiled = compileCondition(c, variables);
        compiled.slot = this.slots;
        let keyId = this.keys.get(compiled.key);
        if (keyId === undefined) {
          keyId = this.keys.size;
          this.keys.set(compiled.key, keyId);
        }
        compiled.keyId = keyId;
        this.conditions.set(key, compiled);
      }
      return compiled;
    });
    this.statements.push(new CompiledStatement(ref, actions, statement.action === undefined, this.resourceSet(statement, variables), principal, conditions));
  }

  private resourceSet(statement: PolicyStatement, variables: boolean): ResourceSet | null {
    const list = statement.resource ?? statement.notResource;
    if (!list) return null;
    const negate = statement.resource === undefined;
    const key = JSON.stringify([variables, negate, list]);
    let set = this.resourceSets.get(key);
    if (!set) {
      set = new ResourceSet(
        list.map((r) => this.pattern(r, 'resource', variables ? resourceVariablesFrom(r) : false)),
        negate,
      );
      set.slot = this.slots;
      this.resourceSets.set(key, set);
    }
    return set;
  }

  private pattern(text: string, mode: MatchMode, variablesFrom: number | false): Pattern {
    const key = `${mode}:${variablesFrom}:${text}`;
    let p = this.patterns.get(key);
    if (!p) {
      p = compilePattern(text, mode, variablesFrom);
      this.patterns.set(key, p);
    }
    return p;
  }
}

const LAYERS: readonly PolicyLayer[] = ['identity', 'session', 'boundary', 'resource'];
const CANDIDATE_CACHE_LIMIT = 4096;

/**
 * A principal's policies, compiled once. Immutable but for an internal per-action cache; safe to
 * share and to cache per principal (rebuild when any of its policies, group memberships or
 * attachments change).
 */
export class CompiledPolicySet {
  private readonly statements: readonly CompiledStatement[];
  private readonly present: ReadonlySet<PolicyLayer>;
  private readonly byAction = new Map<string, Candidates>();
  private readonly memo: Memo;

  constructor(statements: readonly CompiledStatement[], slots: number, keys: number) {
    this.statements = statements;
    this.present = new Set(statements.map((s) => s.ref.layer));
    this.memo = new Memo(slots, keys);
  }

  /**
   * Whether a statement that names `action` has a condition on `aws:ResourceTag/…`: only then must
   * a caller look the resource's tags up before asking about that action.
   */
  readsResourceTags(action: string): boolean {
    const c = this.candidates(action.toLowerCase());
    return c.readsResourceTags;
  }

  /** Number of statements, across all policies. */
  get size(): number {
    return this.statements.length;
  }

  evaluate(request: AuthorizationRequest, options: EvaluateOptions = {}): Decision {
    const all = options.allMatches === true;
    const candidates = this.candidates(request.action.toLowerCase());
    const { resource } = request;
    const memo = this.memo;
    memo.next();
    let ctx: RequestContext | undefined;
    const run = (list: readonly CompiledStatement[], everyMatch: boolean): Applied[] => {
      if (list.length === 0) return [];
      ctx ??= new RequestContext(request);
      return collect(list, resource, ctx, memo, everyMatch);
    };

    const denied = run(candidates.deny, all);
    if (denied.length > 0) return { decision: 'ExplicitDeny', matched: denied.map((d) => d.statement.ref) };

    const implicitDeny: Decision = { decision: 'ImplicitDeny', matched: [] };
    const identity = (): MatchedStatement[] | undefined => {
      const matched: MatchedStatement[] = [];
      for (const layer of ['identity', 'boundary', 'session'] as const) {
        if (layer !== 'identity' && !this.present.has(layer)) continue;
        const allowed = run(candidates.allow[layer], all);
        if (allowed.length === 0) return undefined;
        for (const a of allowed) matched.push(a.statement.ref);
      }
      return matched;
    };

    if (!this.present.has('resource')) {
      const matched = identity();
      return matched ? { decision: 'Allow', matched } : implicitDeny;
    }
    const trusted = run(candidates.allow.resource, true);
    const direct = trusted.filter((t) => t.principal === 'direct');
    if (direct.length > 0) return { decision: 'Allow', matched: (all ? direct : direct.slice(0, 1)).map((t) => t.statement.ref) };
    if (trusted.length === 0) return implicitDeny;
    const matched = identity();
    if (!matched) return implicitDeny;
    return { decision: 'Allow', matched: [...(all ? trusted : trusted.slice(0, 1)).map((t) => t.statement.ref), ...matched] };
  }

  /** Statements whose Action matches, by effect and layer; computed once per distinct action. */
  private candidates(action: string): Candidates {
    let c = this.byAction.get(action);
    if (c) return c;
    const deny: CompiledStatement[] = [];
    const allow = Object.fromEntries(LAYERS.map((l) => [l, [] as CompiledStatement[]])) as Record<PolicyLayer, CompiledStatement[]>;
    for (const s of this.statements) {
      if (!s.matchesAction(action)) continue;
      if (s.ref.effect === 'Deny') deny.push(s);
      else allow[s.ref.layer].push(s);
    }
    const readsResourceTags = [...deny, ...Object.values(allow).flat()].some((st) => st.conditions.some((cond) => cond.key.startsWith('aws:resourcetag/')));
    c = { deny, allow, readsResourceTags };
    if (this.byAction.size >= CANDIDATE_CACHE_LIMIT) this.byAction.clear();
    this.byAction.set(action, c);
    return c;
  }
}

function collect(list: readonly CompiledStatement[], resource: string, ctx: RequestContext, memo: Memo, all: boolean): Applied[] {
  const out: Applied[] = [];
  for (const s of list) {
    const principal = applies(s, resource, ctx, memo);
    if (principal === false) continue;
    out.push({ statement: s, principal });
    if (!all) break;
  }
  return out;
}

/**
 * Compiles the policies that apply to one principal. JSON documents are parsed here (identity
 * kind, or resource kind for the `resource` layer) and refused with PolicyDocumentError when
 * IAM would refuse them.
 */
export function compilePolicies(policies: readonly PolicyInput[]): CompiledPolicySet {
  const compiler = new StatementCompiler();
  for (const p of policies) {
    const layer = p.layer ?? 'identity';
    const document =
      typeof p.document === 'string'
        ? parsePolicyDocument(p.document, { kind: layer === 'resource' ? 'resource' : 'identity', maxSize: Number.POSITIVE_INFINITY })
        : p.document;
    const variables = document.version === '2012-10-17';
    document.statements.forEach((s, i) => compiler.add(s, i, p.id, layer, variables));
  }
  return new CompiledPolicySet(compiler.statements, compiler.slots, compiler.keys.size);
}

/** One-off evaluation; compile once with `compilePolicies` when deciding repeatedly. */
export function evaluatePolicies(policies: readonly PolicyInput[], request: AuthorizationRequest, options?: EvaluateOptions): Decision {
  return compilePolicies(policies).evaluate(request, options);
}
