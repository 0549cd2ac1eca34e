import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { policy } from '@cairn/contracts';
import { Logger } from '@cairn/runtime';
import { IdentityRepository } from '../account/identity.repository';
import { PoliciesService } from '../policies/policies.service';
import { CompiledPolicySet, compilePolicies } from '../evaluation';

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

  constructor(
    private readonly identities: IdentityRepository,
    private readonly policies: PoliciesService,
  ) {}

  async authorize(request: policy.AuthorizeRequest): Promise<policy.AuthorizeResponse> {
    if (!request.principalArn) return { allowed: false, reason: 'unknown principal' };
    const user = await this.identities.findUserByArn(request.principalArn);
    if (user?.isAdministrator) return { allowed: true, reason: 'administrator' };
    const found = await this.policies.policiesOf(request.principalArn);
    if (!found) return { allowed: false, reason: 'unknown principal' };
    const { principal, policies } = found;
    const context: Record<string, string[]> = {};
    for (const [key, list] of Object.entries(request.context)) context[key] = list.values;
    const decision = this.compile(policies).evaluate({
      action: request.action,
      resource: request.resource,
      principal: { arn: principal.arn, userName: principal.type === 'AssumedRole' ? undefined : principal.name, userId: principal.userId, accountId: principal.accountId, principalArn: principal.roleArn || undefined },
      context,
      currentTime: new Date(),
    });
    const by = decision.matched.map((m) => `${m.policyId}#${m.sid ?? m.statementIndex}`).join(', ');
    if (decision.decision === 'Allow') return { allowed: true, reason: `allowed by ${by}` };
    return { allowed: false, reason: decision.decision === 'ExplicitDeny' ? `explicit deny in ${by}` : 'no allow' };
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
