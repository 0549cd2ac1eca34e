import { AwsError } from '@cairn/aws-protocol';
import { callUnary, iam } from '@cairn/contracts';
import { Operation } from '../operation';
import { IamUpstream } from './iam-upstream';
import { optional, page, pageXml, required } from './query-input';

const validationError = (message: string) => new AwsError('ValidationError', message, { queryCode: 'ValidationError' });
const memberName = (name: string) => `${name[0]!.toLowerCase()}${name.slice(1)}`;

/**
 * An awsQuery list member (`Name.member.N`, nested into an array). An empty list arrives as
 * `Name=` (what the SDKs send for []), an absent one not at all.
 */
function list(input: Record<string, unknown>, name: string): unknown[] {
  const value = input[name];
  if (value === undefined || value === '') return [];
  if (!Array.isArray(value)) throw validationError(`1 validation error detected: Value at '${memberName(name)}' failed to satisfy constraint: Member must be a list`);
  return value;
}

function strings(input: Record<string, unknown>, name: string): string[] {
  return list(input, name).map((item) => {
    if (typeof item !== 'string') throw validationError(`1 validation error detected: Value at '${memberName(name)}' failed to satisfy constraint: Member must be a list of strings`);
    return item;
  });
}

function contextEntries(input: Record<string, unknown>): iam.SimulationContextEntry[] {
  return list(input, 'ContextEntries').map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw validationError("1 validation error detected: Value at 'contextEntries' failed to satisfy constraint: Member must be a list of ContextEntry");
    }
    const entry = item as Record<string, unknown>;
    return { keyName: required(entry, 'ContextKeyName'), values: strings(entry, 'ContextKeyValues'), type: optional(entry, 'ContextKeyType') };
  });
}

function positionXml(p: iam.PolicyPosition | undefined) {
  return p ? { Line: p.line, Column: p.column } : undefined;
}

function evaluationResultXml(r: iam.SimulationResult) {
  return {
    EvalActionName: r.evalActionName,
    EvalResourceName: r.evalResourceName,
    EvalDecision: r.evalDecision,
    MatchedStatements: r.matchedStatements.map((s) => ({
      SourcePolicyId: s.sourcePolicyId,
      SourcePolicyType: s.sourcePolicyType,
      StartPosition: positionXml(s.startPosition),
      EndPosition: positionXml(s.endPosition),
    })),
    MissingContextValues: r.missingContextValues,
    PermissionsBoundaryDecisionDetail: r.permissionsBoundaryDecision ? { AllowedByPermissionsBoundary: r.permissionsBoundaryDecision.allowed } : undefined,
  };
}

/**
 * IAM's policy simulator. The caller needs iam:SimulatePrincipalPolicy on the simulated user,
 * group or role: the answer discloses that entity's permissions.
 */
export function simulationOperations(upstream: IamUpstream): Record<string, Operation> {
  const c = upstream.client;
  return {
    SimulatePrincipalPolicy: {
      resources: async (input) => [required(input, 'PolicySourceArn')],
      run: async (input) => {
        // Leaving policies out would answer a different question than the one asked: refuse it.
        if (input['PolicyExclusionList'] !== undefined) throw validationError('This installation does not support PolicyExclusionList in SimulatePrincipalPolicy.');
        const actionNames = strings(input, 'ActionNames');
        if (actionNames.length === 0) throw validationError("1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null");
        const r = await callUnary(c, c.simulatePrincipalPolicy, {
          policySourceArn: required(input, 'PolicySourceArn'),
          actionNames,
          resourceArns: strings(input, 'ResourceArns'),
          policyInputList: strings(input, 'PolicyInputList'),
          permissionsBoundaryPolicyInputList: strings(input, 'PermissionsBoundaryPolicyInputList'),
          resourcePolicy: optional(input, 'ResourcePolicy'),
          resourceOwner: optional(input, 'ResourceOwner'),
          callerArn: optional(input, 'CallerArn'),
          contextEntries: contextEntries(input),
          resourceHandlingOption: optional(input, 'ResourceHandlingOption'),
          ...page(input),
        });
        return { EvaluationResults: r.evaluationResults.map(evaluationResultXml), ...pageXml(r) };
      },
    },
  };
}
