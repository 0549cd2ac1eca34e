import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { policy } from '@cairn/contracts';
import { Logger } from '@cairn/runtime';
import { IdentityRepository } from '../account/identity.repository';
import { PoliciesService } from '../policies/policies.service';
import { CompiledPolicySet, compilePolicies } from '../evaluation';
import { POLICY_CONFIG, PolicyConfig } from '../config';
import { PrincipalCache, PrincipalEntry } from './principal-cache';
import { decisions } from '../policy-metrics';

/** Compiled policy sets kept per distinct set of documents; a policy change makes a new key. */
const COMPILED_CACHE_SIZE = 1000;

/**
 * The single decision point. The bootstrap administrator may do everything (an empty install must
 * be manageable); every other principal gets exactly what its identity policies — its own, its
 * groups', or its role's for a session — allow under IAM's evaluation logic, and nothing else.
 */
@Injectable()
export class AuthorizationService {
  private readonly logger = new Logger('policy');
  private readonly compiled = new Map<string, CompiledPolicySet>();
  private readonly principals: PrincipalCache;

  constructor(
    private readonly identities: IdentityRepository,
    private readonly policies: PoliciesService,
    @Inject(POLICY_CONFIG) config: PolicyConfig,
  ) {
    this.principals = new PrincipalCache(config.authorizationCacheMs);
  }

  async authorize(request: policy.AuthorizeRequest): Promise<policy.AuthorizeResponse> {
    return (await this.authorizeMany([request]))[0]!;
  }

  /** Answers in order; each distinct principal is read from the store (or the cache) once. */
  async authorizeMany(requests: readonly policy.AuthorizeRequest[]): Promise<policy.AuthorizeResponse[]> {
    const principals = new Map<string, Promise<PrincipalEntry | undefined>>();
    for (const { principalArn } of requests) {
      if (principalArn && !principals.has(principalArn)) principals.set(principalArn, this.principal(principalArn));
    }
    const now = new Date();
    return Promise.all(requests.map(async (request) => counted(this.decide(request, await principals.get(request.principalArn), now))));
  }

  private decide(request: policy.AuthorizeRequest, entry: PrincipalEntry | undefined, currentTime: Date): policy.AuthorizeResponse {
    if (entry?.administrator) return answer(true, 'administrator');
    if (!entry?.found) return answer(false, 'unknown principal');
    const { principal } = entry.found;
    const set = entry.compiled!;
    if (!request.resourceTagsIncluded && set.readsResourceTags(request.action)) return { ...answer(false, 'needs the resource tags'), wantsResourceTags: true };
    const context: Record<string, string[]> = {};
    for (const [key, list] of Object.entries(request.context)) context[key] = list.values;
    const decision = set.evaluate({
      action: request.action,
      resource: request.resource,
      principal: { arn: principal.arn, userName: principal.type === 'AssumedRole' ? undefined : principal.name, userId: principal.userId, accountId: principal.accountId, principalArn: principal.roleArn || undefined },
      context,
      currentTime,
      sourceIp: request.sourceIp || undefined,
      secureTransport: request.secureTransport,
    });
    const by = decision.matched.map((m) => `${m.policyId}#${m.sid ?? m.statementIndex}`).join(', ');
    if (decision.decision === 'Allow') return answer(true, `allowed by ${by}`);
    return answer(false, decision.decision === 'ExplicitDeny' ? `explicit deny in ${by}` : 'no allow');
  }

  private async principal(principalArn: string): Promise<PrincipalEntry> {
    const generation = this.identities.generation;
    const cached = this.principals.get(principalArn, generation);
    if (cached) return cached;
    const user = await this.identities.findUserByArn(principalArn);
    let entry: PrincipalEntry;
    if (user?.isAdministrator) entry = { administrator: true, found: undefined };
    else {
      const found = await this.policies.policiesOf(principalArn);
      entry = { administrator: false, found, compiled: found && this.compile(found.policies) };
    }
    this.principals.set(principalArn, entry, generation);
    return entry;
  }

  private compile(policies: { id: string; document: string }[]): CompiledPolicySet {
    const key = createHash('sha256').update(JSON.stringify(policies)).digest('base64');
    let set = this.compiled.get(key);
    if (!set) {
      try {
        set = compilePolicies(policies);
      } catch (error) {
        // Stored documents were validated when written; one that no longer parses denies.
        this.logger.error('stored policy does not compile; denying', { error });
        set = compilePolicies([]);
      }
      if (this.compiled.size >= COMPILED_CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(key, set);
    }
    return set;
  }
}

function answer(allowed: boolean, reason: string): policy.AuthorizeResponse {
  return { allowed, reason, wantsResourceTags: false };
}

function counted(response: policy.AuthorizeResponse): policy.AuthorizeResponse {
  decisions.inc({ outcome: response.wantsResourceTags ? 'wants-tags' : response.allowed ? 'allowed' : 'denied' });
  return response;
}
