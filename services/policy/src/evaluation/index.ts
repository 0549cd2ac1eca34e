/**
 * IAM policy evaluation: a pure module (no I/O). Parse and validate documents with
 * `parsePolicyDocument`, compile a principal's policies once with `compilePolicies`, and decide
 * with `CompiledPolicySet.evaluate`.
 */
export { PolicyDocumentError, type PolicyDocumentErrorCode } from './evaluation.errors';
export {
  parsePolicyDocument,
  POLICY_SIZE_LIMITS,
  type Effect,
  type ParsePolicyOptions,
  type PolicyDocument,
  type PolicyKind,
  type PolicyLanguageVersion,
  type PolicyStatement,
  type PrincipalSpec,
} from './policy-document';
export type { ConditionEntry } from './conditions';
export { CONDITION_OPERATOR_NAMES } from './operators';
export type { AuthorizationRequest, RequestPrincipal } from './request-context';
export {
  compilePolicies,
  evaluatePolicies,
  CompiledPolicySet,
  type Decision,
  type DecisionKind,
  type EvaluateOptions,
  type MatchedStatement,
  type PolicyInput,
  type PolicyLayer,
} from './engine';
export {
  AWS_CODECOMMIT_FULL_ACCESS,
  AWS_CODECOMMIT_POWER_USER,
  AWS_CODECOMMIT_READ_ONLY,
  CODECOMMIT_MANAGED_POLICIES,
  type ManagedPolicy,
} from './managed-policies';
