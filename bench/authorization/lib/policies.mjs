// The benchmark principal's identity policies: 10 documents × 20 statements over 50 repositories.
//
// The documents are bench/lib/realistic-policies.mjs's, as bench/policy-evaluation evaluates them,
// with the stack's account and region in their ARNs.

import { POLICY_COUNT, STATEMENTS_PER_POLICY, realisticPolicies } from '../../lib/realistic-policies.mjs';

export { POLICY_COUNT, STATEMENTS_PER_POLICY };

export function benchPolicies(account, region) {
  return realisticPolicies(account, region).map((document, p) => ({ name: `bench-team-${p}`, document }));
}

/**
 * The repository the benchmark user works on. service-12 is readable (Read1x*: service-1*),
 * pushable (NotIam1x9/19: service-1?, and Write… with the team tag), carries branch-protection
 * denies on main/prod (Protect…: the denies are evaluated, and do not apply to refs/heads/bench/*),
 * and is not under the office-network deny (service-4, -14, -24, -34, -44), so requests from
 * 127.0.0.1 are allowed after all 200 statements are considered.
 */
export const USER_REPOSITORY = 'service-12';
/** Its tags: `team` satisfies the Write statements' aws:ResourceTag/team; no Status=Secret. */
export const REPOSITORY_TAGS = { team: 'platform', env: 'prod' };

export const nonWhitespaceLength = (s) => s.replace(/\s/g, '').length;
