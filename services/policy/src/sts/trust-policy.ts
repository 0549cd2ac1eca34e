import type { policy } from '@cairn/contracts';
import { isObject, parseStatements, stringList } from '../policies/policy-document';

/**
 * How a role's trust policy admits a caller to sts:AssumeRole:
 * - 'principal': a statement names the caller itself (its user ARN, its role for a role session,
 *   or "*"); as in IAM within one account, that grant is enough without an identity policy;
 * - 'account': a statement names the caller's account (the id or arn:aws:iam::<id>:root); the
 *   caller's own policies must then allow sts:AssumeRole on the role too;
 * - 'denied': a Deny statement matches; 'none': nothing matches.
 *
 * Deliberately simple matching until the evaluation module evaluates trust policies: an Allow
 * statement with a Condition or NotPrincipal/NotAction never matches, and a Deny statement with a
 * Condition always does (both fail closed).
 */
export type TrustGrant = 'principal' | 'account' | 'denied' | 'none';

export function evaluateTrust(document: string, caller: policy.Principal): TrustGrant {
  let best: TrustGrant = 'none';
  for (const statement of parseStatements(document, 'trust')) {
    const deny = statement.Effect === 'Deny';
    if (statement.NotAction !== undefined || statement.NotPrincipal !== undefined) continue;
    if (!stringList(statement.Action).some((action) => actionMatches(action, 'sts:AssumeRole'))) continue;
    const grant = principalGrant(statement.Principal, caller);
    if (grant === undefined) continue;
    if (deny) return 'denied';
    if (statement.Condition !== undefined) continue;
    if (grant === 'principal' || best === 'none') best = grant;
  }
  return best;
}

function principalGrant(principal: unknown, caller: policy.Principal): 'principal' | 'account' | undefined {
  if (principal === '*') return 'principal';
  if (!isObject(principal)) return undefined;
  const values = stringList(principal.AWS);
  const own = [caller.arn, caller.roleArn].filter(Boolean);
  if (values.some((v) => v === '*' || own.includes(v))) return 'principal';
  if (values.some((v) => v === caller.accountId || v === `arn:aws:iam::${caller.accountId}:root`)) return 'account';
  return undefined;
}

/** IAM action matching: case-insensitive, `*` and `?` wildcards. */
function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(action);
}
