/**
 * The simulation itself: decides every action on every resource with the same engine
 * Authorize uses, reporting every statement that decided (not just the first, as Authorize
 * does) and the condition keys the applicable statements need but the request lacks. Pure: the
 * caller loads the policies (policy-sources.ts) and reads the request (simulation.service.ts).
 */
import type { iam } from '@cairn/contracts';
import {
  compilePolicies,
  parsePolicyDocument,
  type AuthorizationRequest,
  type CompiledPolicySet,
  type Decision,
  type MatchedStatement,
  type PolicyDocument,
  type RequestPrincipal,
} from '../evaluation';
import { RequestContext } from '../evaluation/request-context';
import type { SimulationContext } from './context-entries';
import { documentSpan, type Span, statementSpans } from './statement-positions';

/** IAM's PolicySourceType. */
export type PolicySourceType = 'user' | 'group' | 'role' | 'aws-managed' | 'user-managed' | 'resource' | 'none';

export interface SimulationPolicy {
  /** Unique within one simulation; the engine reports matches by it. */
  readonly id: string;
  /** What IAM reports as SourcePolicyId: the policy's name, or e.g. `PolicyInputList.1`. */
  readonly sourcePolicyId: string;
  readonly sourcePolicyType: PolicySourceType;
  /** The JSON text as stored or given: statement positions are counted in it. */
  readonly document: string;
  /** `identity`: the source's policies and PolicyInputList; `boundary`; `resource`: ResourcePolicy. */
  readonly layer: 'identity' | 'boundary' | 'resource';
}

export interface Simulation {
  /** Who the simulated requests come from (aws:username, aws:userid, Principal elements). */
  readonly principal: RequestPrincipal;
  /** The bootstrap administrator is allowed everything, whatever its policies say (as in Authorize). */
  readonly administrator: boolean;
  readonly policies: readonly SimulationPolicy[];
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly context: SimulationContext;
}

type EvalDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

const DECISIONS: Record<Decision['decision'], EvalDecision> = { Allow: 'allowed', ExplicitDeny: 'explicitDeny', ImplicitDeny: 'implicitDeny' };

interface Parsed {
  readonly policy: SimulationPolicy;
  readonly document: PolicyDocument;
  spans?: Span[];
}

/** One result per action and resource, actions in the order given, then resources. */
export function simulate(sim: Simulation): iam.SimulationResult[] {
  if (sim.administrator) {
    return pairs(sim).map(([action, resource]) => ({
      evalActionName: action,
      evalResourceName: resource,
      evalDecision: 'allowed',
      matchedStatements: [],
      missingContextValues: [],
      permissionsBoundaryDecision: undefined,
    }));
  }
  const parsed = new Map<string, Parsed>();
  for (const policy of sim.policies) {
    const document = parsePolicyDocument(policy.document, { kind: policy.layer === 'resource' ? 'resource' : 'identity', maxSize: Number.POSITIVE_INFINITY });
    parsed.set(policy.id, { policy, document });
  }
  const of = (layers: SimulationPolicy['layer'][]) => [...parsed.values()].filter((p) => layers.includes(p.policy.layer));
  const compile = (list: Parsed[], layer?: 'identity' | 'resource') => compilePolicies(list.map((p) => ({ id: p.policy.id, document: p.document, layer: layer ?? p.policy.layer })));

  // The source's own decision: identity policies, limited by the boundary when one is given.
  const identity = compile(of(['identity', 'boundary']));
  // A resource policy can allow on its own (naming the principal), so it is decided apart: the
  // engine's `resource` layer is a trust policy's, which must allow in any case.
  const resourcePolicies = of(['resource']);
  const resource = resourcePolicies.length > 0 ? compile(resourcePolicies) : undefined;
  // The boundary alone, as an identity layer, for PermissionsBoundaryDecisionDetail.
  const boundaryPolicies = of(['boundary']);
  const boundary = boundaryPolicies.length > 0 ? compile(boundaryPolicies, 'identity') : undefined;
  // Every statement as an unconditional Allow: which statements apply to an action and resource,
  // whatever their conditions, to find the keys those conditions need (MissingContextValues).
  const applicable = compilePolicies(
    [...parsed.values()].map((p) => ({
      id: p.policy.id,
      document: { ...p.document, statements: p.document.statements.map((s) => ({ ...s, effect: 'Allow' as const, conditions: [] })) },
    })),
  );

  return pairs(sim).map(([action, resourceArn]) => {
    const request: AuthorizationRequest = {
      action,
      resource: resourceArn,
      principal: sim.principal,
      context: sim.context.context,
      currentTime: sim.context.currentTime ?? new Date(),
      ...(sim.context.sourceIp !== undefined ? { sourceIp: sim.context.sourceIp } : {}),
      ...(sim.context.secureTransport !== undefined ? { secureTransport: sim.context.secureTransport } : {}),
    };
    const decision = combine(identity.evaluate(request, { allMatches: true }), resource?.evaluate(request, { allMatches: true }));
    return {
      evalActionName: action,
      evalResourceName: resourceArn,
      evalDecision: DECISIONS[decision.decision],
      matchedStatements: decision.matched.map((m) => statementOf(parsed.get(m.policyId)!, m)),
      missingContextValues: missingKeys(applicable, parsed, request),
      permissionsBoundaryDecision: boundary ? { allowed: boundary.evaluate(request).decision === 'Allow' } : undefined,
    };
  });
}

function pairs(sim: Simulation): [string, string][] {
  const resources = sim.resources.length > 0 ? sim.resources : ['*'];
  return sim.actions.flatMap((action) => resources.map((resource): [string, string] => [action, resource]));
}

/** Within one account: a Deny anywhere wins; otherwise an Allow from either kind of policy suffices. */
function combine(identity: Decision, resource: Decision | undefined): Decision {
  if (!resource) return identity;
  const denied = [identity, resource].filter((d) => d.decision === 'ExplicitDeny');
  if (denied.length > 0) return { decision: 'ExplicitDeny', matched: denied.flatMap((d) => d.matched) };
  const allowed = [identity, resource].filter((d) => d.decision === 'Allow');
  if (allowed.length > 0) return { decision: 'Allow', matched: allowed.flatMap((d) => d.matched) };
  return { decision: 'ImplicitDeny', matched: [] };
}

function statementOf(p: Parsed, m: MatchedStatement): iam.SimulatedStatement {
  p.spans ??= statementSpans(p.policy.document) ?? [];
  // A statement the scanner could not place is reported as the whole document.
  const span = p.spans.length === p.document.statements.length ? p.spans[m.statementIndex]! : documentSpan(p.policy.document);
  return { sourcePolicyId: p.policy.sourcePolicyId, sourcePolicyType: p.policy.sourcePolicyType, startPosition: span.start, endPosition: span.end };
}

/**
 * Condition keys of the statements that apply to the request's action and resource which the
 * request does not carry, spelled as the first policy that uses them spells them. Keys the
 * simulation derives itself (aws:username, aws:CurrentTime, ...) are carried.
 */
function missingKeys(applicable: CompiledPolicySet, parsed: ReadonlyMap<string, Parsed>, request: AuthorizationRequest): string[] {
  const ctx = new RequestContext(request);
  const missing = new Map<string, string>();
  for (const m of applicable.evaluate(request, { allMatches: true }).matched) {
    for (const c of parsed.get(m.policyId)!.document.statements[m.statementIndex]!.conditions) {
      const lower = c.key.toLowerCase();
      if (!missing.has(lower) && ctx.get(lower) === undefined) missing.set(lower, c.key);
    }
  }
  return [...missing.values()];
}
