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

/**
 * Resource tags remembered for `ttlMs` per process, so repeated questions about one repository
 * carry its tags in the first ask (one round trip instead of three). A tag change therefore
 * applies to authorization within `ttlMs`, as a policy change does (the policy service's cache).
 */
export class ResourceTagCache {
  private readonly entries = new Map<string, { tags: Record<string, string>; readAt: number }>();

  constructor(
    private readonly ttlMs = 1000,
    private readonly maxEntries = 10_000,
  ) {}

  get(resource: string, now = Date.now()): Record<string, string> | undefined {
    const entry = this.entries.get(resource);
    if (entry && now - entry.readAt < this.ttlMs) return entry.tags;
    if (entry) this.entries.delete(resource);
    return undefined;
  }

  forget(resource: string): void {
    this.entries.delete(resource);
  }

  set(resource: string, tags: Record<string, string>, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(resource)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(resource, { tags, readAt: now });
  }
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
  clients: { policy: policy.PolicyClient; metadata: metadata.RepoMetadataClient; resourceTags?: ResourceTagCache },
  principalArn: string,
  questions: readonly AccessQuestion[],
  origin: RequestOrigin,
): Promise<policy.AuthorizeResponse[]> {
  const cache = clients.resourceTags;
  const requests = questions.map((q) => toRequest(principalArn, q, origin, cache?.get(q.resource)));
  const answers = await askInChunks(clients.policy, requests);
  const retry = answers.flatMap((answer, i) => (answer.wantsResourceTags ? [i] : []));
  if (retry.length === 0) return answers;
  const tags = new Map<string, Promise<Record<string, string>>>();
  const tagsOf = (resource: string) => {
    if (!tags.has(resource)) {
      tags.set(
        resource,
        resourceTags(clients.metadata, resource).then((found) => {
          cache?.set(resource, found);
          return found;
        }),
      );
    }
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
