import { authorizeAll, ResourceTagCache } from './authorize';
import type * as metadata from './generated/metadata/v1/metadata';
import type * as policy from './generated/policy/v1/policy';

type Callback<T> = (error: Error | null, response: T) => void;
const REPO = 'arn:aws:codecommit:us-east-1:123456789012:shared';
const ORIGIN = { sourceIp: '192.0.2.1', secureTransport: true };

/** A policy service that allows when the context's aws:ResourceTag/team is blue, and says when it needs tags. */
function fakes(tags: Record<string, string>) {
  const calls = { authorize: 0, authorizeMany: 0, listTags: 0, questions: 0 };
  const decide = (r: policy.AuthorizeRequest): policy.AuthorizeResponse => {
    calls.questions++;
    if (!r.resourceTagsIncluded) return { allowed: false, reason: 'needs tags', wantsResourceTags: true };
    return { allowed: r.context['aws:ResourceTag/team']?.values[0] === 'blue', reason: '', wantsResourceTags: false };
  };
  const policyClient = {
    authorize: (r: policy.AuthorizeRequest, _m: unknown, _o: unknown, cb: Callback<policy.AuthorizeResponse>) => (calls.authorize++, cb(null, decide(r))),
    authorizeMany: (r: policy.AuthorizeManyRequest, _m: unknown, _o: unknown, cb: Callback<policy.AuthorizeManyResponse>) => (calls.authorizeMany++, cb(null, { responses: r.requests.map(decide) })),
  } as unknown as policy.PolicyClient;
  const metadataClient = {
    listTagsForResource: (_r: unknown, _m: unknown, _o: unknown, cb: Callback<metadata.ListTagsForResourceResponse>) => (calls.listTags++, cb(null, { tags, nextToken: '' })),
  } as unknown as metadata.RepoMetadataClient;
  return { calls, clients: { policy: policyClient, metadata: metadataClient } };
}

describe('authorizeAll', () => {
  it('looks the repository tags up when the policy service asks for them, once per call', async () => {
    const { calls, clients } = fakes({ team: 'blue' });
    const answers = await authorizeAll(clients, 'arn:aws:iam::123456789012:user/dev', [{ action: 'codecommit:GitPush', resource: REPO }, { action: 'codecommit:GitPull', resource: REPO }], ORIGIN);
    expect(answers.map((a) => a.allowed)).toEqual([true, true]);
    expect(calls).toMatchObject({ authorizeMany: 2, listTags: 1 });
  });

  it('with a tag cache, asks once with the tags it remembers', async () => {
    const { calls, clients } = fakes({ team: 'red' });
    const cached = { ...clients, resourceTags: new ResourceTagCache(60_000) };
    expect((await authorizeAll(cached, 'p', [{ action: 'codecommit:GetBranch', resource: REPO }], ORIGIN))[0]!.allowed).toBe(false);
    expect(calls).toMatchObject({ authorize: 2, listTags: 1 });
    await authorizeAll(cached, 'p', [{ action: 'codecommit:GetBranch', resource: REPO }], ORIGIN);
    expect(calls).toMatchObject({ authorize: 3, listTags: 1 });
    cached.resourceTags.forget(REPO);
    await authorizeAll(cached, 'p', [{ action: 'codecommit:GetBranch', resource: REPO }], ORIGIN);
    expect(calls).toMatchObject({ authorize: 5, listTags: 2 });
  });

  it('asks in chunks of 1,000 and answers in order', async () => {
    const { calls, clients } = fakes({ team: 'blue' });
    const questions = Array.from({ length: 2500 }, (_, i) => ({ action: 'codecommit:GitPush', resource: i % 2 ? REPO : 'arn:aws:iam::123456789012:role/x', context: { 'codecommit:References': [`refs/heads/b${i}`] } }));
    const answers = await authorizeAll(clients, 'p', questions, ORIGIN);
    // Only repositories have tags: the role gets none, so its questions are denied by the fake.
    expect(answers.map((a) => a.allowed)).toEqual(questions.map((_q, i) => i % 2 === 1));
    expect(calls.authorizeMany).toBe(6);
    expect(calls.listTags).toBe(1);
  });

  it('forgets remembered tags after their time to live', () => {
    const cache = new ResourceTagCache(1000);
    cache.set(REPO, { team: 'blue' }, 0);
    expect(cache.get(REPO, 999)).toEqual({ team: 'blue' });
    expect(cache.get(REPO, 1000)).toBeUndefined();
  });
});
