import { Injectable } from '@nestjs/common';
import type { iam } from '@cairn/contracts';
import { IdentityRepository } from '../account/identity.repository';
import { parsePolicyDocument, PolicyDocumentError, type PolicyKind } from '../evaluation';
import { iamErrors } from '../iam/iam-errors';
import { memoryPage } from '../iam/paging';
import { readContextEntries } from './context-entries';
import { PolicySources, type SimulationSources } from './policy-sources';
import { simulate, type SimulationPolicy } from './simulate';

/**
 * Decisions per request are cheap (microseconds), but one call asks for actions × resources of
 * them and each costs an evaluation: a bound keeps a single request from occupying the service.
 */
const MAX_RESULTS = 10_000;
/** The model's policyDocumentType maximum: documents passed in the request are never stored, so no quota applies. */
const MAX_INPUT_DOCUMENT = 131_072;
const ACTION_NAME = /^[A-Za-z0-9-]+:[A-Za-z0-9_-]+$/;

/** IAM's SimulatePrincipalPolicy: "may this user push to main?" answered from its policies, without making the request. */
@Injectable()
export class SimulationService {
  // Not a provider of its own: only the simulation reads the store this way.
  private readonly sources: SimulationSources;

  constructor(identities: IdentityRepository) {
    this.sources = new PolicySources(identities);
  }

  simulatePrincipalPolicy(request: iam.SimulatePrincipalPolicyRequest): Promise<iam.SimulatePrincipalPolicyResponse> {
    return simulatePrincipalPolicy(request, this.sources);
  }
}

/** The request handling, apart from the store so that it can be tested without one. */
export async function simulatePrincipalPolicy(request: iam.SimulatePrincipalPolicyRequest, sources: SimulationSources): Promise<iam.SimulatePrincipalPolicyResponse> {
  if (request.policySourceArn === '') throw iamErrors.invalidInput('PolicySourceArn is required.');
  const actions = checkActions(request.actionNames);
  const resources = checkResources(request.resourceArns);
  if (actions.length * Math.max(resources.length, 1) > MAX_RESULTS) {
    throw iamErrors.invalidInput(`A simulation decides at most ${MAX_RESULTS} action and resource pairs; ask for fewer actions or resources.`);
  }
  // Documents given in the request are checked before any lookup: a malformed one is the
  // caller's mistake whatever the source.
  const given: SimulationPolicy[] = [
    ...request.policyInputList.map((document, i) => inputPolicy(`PolicyInputList.${i + 1}`, 'none', document, 'identity')),
    ...request.permissionsBoundaryPolicyInputList.map((document, i) => inputPolicy(`PermissionsBoundaryPolicyInputList.${i + 1}`, 'none', document, 'boundary')),
    ...(request.resourcePolicy ? [inputPolicy('ResourcePolicy', 'resource', request.resourcePolicy, 'resource')] : []),
  ];
  const context = readContextEntries(request.contextEntries);

  const source = await sources.load(request.policySourceArn);
  if (request.resourcePolicy && source.kind !== 'user' && request.callerArn === '') {
    throw iamErrors.invalidInput('CallerArn is required when ResourcePolicy is given and PolicySourceArn is not a user.');
  }
  const principal = request.callerArn ? await sources.caller(request.callerArn) : source.principal;

  const results = simulate({ principal, administrator: source.administrator, policies: [...source.policies, ...given], actions, resources, context });
  // Results are computed again for each page: they are cheap, and the marker stays a plain position.
  const page = memoryPage(
    results.map((result, i) => ({ result, key: String(i).padStart(10, '0') })),
    (entry) => entry.key,
    request,
  );
  return { evaluationResults: page.items.map((entry) => entry.result), isTruncated: page.isTruncated, marker: page.marker };
}

function checkActions(names: readonly string[]): string[] {
  if (names.length === 0) throw iamErrors.invalidInput('ActionNames must name at least one action.');
  for (const name of names) {
    // No wildcards: a simulation decides requests, and a request names one action.
    if (name.length > 128 || !ACTION_NAME.test(name)) throw iamErrors.invalidInput(`Action name ${JSON.stringify(name)} is not valid; use <service>:<action>, e.g. codecommit:GitPush.`);
  }
  return [...names];
}

function checkResources(arns: readonly string[]): string[] {
  for (const arn of arns) {
    if (arn.length > 2048 || (arn !== '*' && !/^arn:[^:]*:[^:]*:[^:]*:[^:]*:./.test(arn))) {
      throw iamErrors.invalidInput(`Resource ${JSON.stringify(arn)} is not valid; give an ARN or "*".`);
    }
  }
  return [...arns];
}

function inputPolicy(sourcePolicyId: string, sourcePolicyType: 'none' | 'resource', document: string, layer: SimulationPolicy['layer']): SimulationPolicy {
  const kind: PolicyKind = layer === 'resource' ? 'resource' : 'identity';
  try {
    parsePolicyDocument(document, { kind, maxSize: MAX_INPUT_DOCUMENT });
  } catch (error) {
    if (error instanceof PolicyDocumentError) throw iamErrors.invalidInput(`${sourcePolicyId}: ${error.message}`);
    throw error;
  }
  return { id: sourcePolicyId, sourcePolicyId, sourcePolicyType, document, layer };
}
