import { status } from '@grpc/grpc-js';
import * as metadata from './generated/metadata/v1/metadata';
import * as policy from './generated/policy/v1/policy';
import { callUnary, isGrpcError } from './grpc-client';

/** Where a request came from, for aws:SourceIp and aws:SecureTransport. */
export interface RequestOrigin {
  sourceIp: string;
  secureTransport: boolean;
}

/** One authorization question: an action on a resource, with its request's condition keys. */
export interface AccessQuestion {
  action: string;
  resource: string;
  context?: Record<string, readonly string[]>;
}

/** Questions per AuthorizeMany call: a 10,000-ref push stays far below gRPC's message limit. */
const QUESTIONS_PER_CALL = 1000;
const REPOSITORY_ARN = /^arn:[^:]+:codecommit:[^:]*:\d{12}:[^:/]+$/;

/**
 * Asks the policy service, the single decision point, every question at once and answers in
 * order. When the principal's policies read `aws:ResourceTag/…`, the policy service says so and
 * the repository's tags are looked up (once per resource) and the question asked again: callers
 * whose policies never mention resource tags pay nothing for them.
 */
export async function authorizeAll(
  clients: { policy: policy.PolicyClient; metadata: metadata.RepoMetadataClient },
  principalArn: string,
  questions: readonly AccessQuestion[],
  origin: RequestOrigin,
): Promise<policy.AuthorizeResponse[]> {
  const requests = questions.map((q) => toRequest(principalArn, q, origin, undefined));
  const answers = await askInChunks(clients.policy, requests);
  const retry = answers.flatMap((answer, i) => (answer.wantsResourceTags ? [i] : []));
  if (retry.length === 0) return answers;
  const tags = new Map<string, Promise<Record<string, string>>>();
  const tagsOf = (resource: string) => {
    if (!tags.has(resource)) tags.set(resource, resourceTags(clients.metadata, resource));
    return tags.get(resource)!;
  };
  const again = await Promise.all(retry.map(async (i) => toRequest(principalArn, questions[i]!, origin, await tagsOf(questions[i]!.resource))));
  const second = await askInChunks(clients.policy, again);
  retry.forEach((index, j) => (answers[index] = second[j]!));
  return answers;
}

function toRequest(principalArn: string, question: AccessQuestion, origin: RequestOrigin, resourceTags: Record<string, string> | undefined): policy.AuthorizeRequest {
  const context: Record<string, policy.StringList> = {};
  for (const [key, values] of Object.entries(question.context ?? {})) context[key] = { values: [...values] };
  for (const [key, value] of Object.entries(resourceTags ?? {})) context[`aws:ResourceTag/${key}`] = { values: [value] };
  return {
    principalArn,
    action: question.action,
    resource: question.resource,
    context,
    sourceIp: origin.sourceIp,
    secureTransport: origin.secureTransport,
    resourceTagsIncluded: resourceTags !== undefined,
  };
}

async function askInChunks(client: policy.PolicyClient, requests: policy.AuthorizeRequest[]): Promise<policy.AuthorizeResponse[]> {
  if (requests.length === 1) return [await callUnary(client, client.authorize, requests[0]!)];
  const chunks: policy.AuthorizeRequest[][] = [];
  for (let i = 0; i < requests.length; i += QUESTIONS_PER_CALL) chunks.push(requests.slice(i, i + QUESTIONS_PER_CALL));
  const answers = await Promise.all(chunks.map(async (chunk) => (await callUnary(client, client.authorizeMany, { requests: chunk })).responses));
  return answers.flat();
}

/** A repository's tags; none for other resources and for repositories that do not exist. */
async function resourceTags(client: metadata.RepoMetadataClient, resource: string): Promise<Record<string, string>> {
  if (!REPOSITORY_ARN.test(resource)) return {};
  try {
    return (await callUnary(client, client.listTagsForResource, { resourceArn: resource, nextToken: '' })).tags;
  } catch (error) {
    if (isGrpcError(error, status.NOT_FOUND)) return {};
    throw error;
  }
}
