import { createEnvelope, type AuditRecord, type EventMap, type EventType } from '@cairn/events';

const newEnvelope = <K extends EventType>(type: K, source: string, payload: EventMap[K]) => createEnvelope(source, type, payload);
import { counterIncrements, pullRequestChange, repositorySize } from './derive';

const record = (fields: Partial<AuditRecord>): AuditRecord => ({
  eventVersion: '1.08',
  eventID: 'e',
  eventTime: '2026-01-01T00:00:00Z',
  eventSource: 'codecommit.amazonaws.com',
  eventName: 'GitPush',
  awsRegion: 'us-east-1',
  sourceIPAddress: '127.0.0.1',
  userAgent: 'git/2',
  userIdentity: { type: 'IAMUser' },
  requestParameters: null,
  responseElements: null,
  requestID: 'r',
  eventType: 'AwsApiCall',
  readOnly: false,
  resources: [],
  recipientAccountId: '123456789012',
  managementEvent: true,
  eventCategory: 'Management',
  ...fields,
});
const audited = (fields: Partial<AuditRecord>, repositoryId = 'repo-1') => newEnvelope('audit.recorded', 'test', { repositoryId, record: record(fields) });

describe('platform counters from events', () => {
  it('counts a push, its refs and bytes', () => {
    const event = audited({ additionalEventData: { referenceUpdates: [{}, {}], bytesTransferredIn: 1234 } });
    expect(counterIncrements(event)).toEqual([
      { counter: 'repository_pushes', repositoryId: 'repo-1', dimension: '', by: 1 },
      { counter: 'repository_pushed_refs', repositoryId: 'repo-1', dimension: '', by: 2 },
      { counter: 'repository_pushed_bytes', repositoryId: 'repo-1', dimension: '', by: 1234 },
    ]);
  });

  it('counts a pull only when a pack was asked for (not protocol v2 ls-refs)', () => {
    expect(counterIncrements(audited({ eventName: 'GitPull', additionalEventData: { packRequested: false, bytesTransferredOut: 99 } }))).toEqual([]);
    expect(counterIncrements(audited({ eventName: 'GitPull', additionalEventData: { packRequested: true, bytesTransferredOut: 99 } }))).toEqual([
      { counter: 'repository_pulls', repositoryId: 'repo-1', dimension: '', by: 1 },
      { counter: 'repository_pulled_bytes', repositoryId: 'repo-1', dimension: '', by: 99 },
    ]);
  });

  it('counts a denial by operation, and nothing else for the refused request', () => {
    expect(counterIncrements(audited({ errorCode: 'AccessDenied', additionalEventData: { referenceUpdates: [{}] } }))).toEqual([
      { counter: 'access_denied', repositoryId: '', dimension: 'codecommit.amazonaws.com GitPush', by: 1 },
    ]);
    expect(counterIncrements(audited({ eventName: 'GetRepository', errorCode: 'AccessDeniedException' }, ''))).toEqual([
      { counter: 'access_denied', repositoryId: '', dimension: 'codecommit.amazonaws.com GetRepository', by: 1 },
    ]);
    expect(counterIncrements(audited({ errorCode: 'InternalFailure' }))).toEqual([]);
  });

  it('ignores a push probe that updated nothing, and bytes that are not counts', () => {
    expect(counterIncrements(audited({ additionalEventData: { referenceUpdates: [] } }))).toEqual([]);
    expect(counterIncrements(audited({ additionalEventData: { referenceUpdates: [{}], bytesTransferredIn: -5 } }))).toContainEqual({ counter: 'repository_pushed_bytes', repositoryId: 'repo-1', dimension: '', by: 0 });
  });

  it('counts reference updates and new commits from every source, and keeps the size storage read', () => {
    const change = { repositoryId: 'repo-1', repositoryName: 'r', accountId: 'a', actorArn: 'x', updates: [{ ref: 'refs/heads/main', oldId: 'a', newId: 'b' }] };
    const withStats = newEnvelope('references.updated', 'test', { ...change, commits: 12, repositorySizeBytes: 4096 });
    expect(counterIncrements(withStats)).toEqual([
      { counter: 'repository_reference_updates', repositoryId: 'repo-1', dimension: '', by: 1 },
      { counter: 'repository_commits', repositoryId: 'repo-1', dimension: '', by: 12 },
    ]);
    expect(repositorySize(withStats)).toEqual({ repositoryId: 'repo-1', bytes: 4096 });
    // An event storage could not read stats for (or an older build's): counted, no commits, size unknown.
    const bare = newEnvelope('references.updated', 'test', change);
    expect(counterIncrements(bare)).toContainEqual({ counter: 'repository_commits', repositoryId: 'repo-1', dimension: '', by: 0 });
    expect(repositorySize(bare)).toBeUndefined();
  });

  it('reads pull request state changes', () => {
    const pr = (event: string, extra: Record<string, unknown> = {}) =>
      newEnvelope('pull-request.changed', 'test', {
        repositoryId: 'repo-1',
        accountId: 'a',
        detailType: 'CodeCommit Pull Request State Change',
        detail: { event, pullRequestId: '7', pullRequestStatus: 'Open', isMerged: 'False', ...extra } as never,
      });
    expect(pullRequestChange(pr('pullRequestCreated'))).toEqual({ pullRequestId: '7', repositoryId: 'repo-1', open: true, merged: false });
    expect(pullRequestChange(pr('pullRequestStatusChanged', { pullRequestStatus: 'Closed' }))).toEqual({ pullRequestId: '7', repositoryId: 'repo-1', open: false });
    expect(pullRequestChange(pr('pullRequestMergeStatusUpdated', { isMerged: 'True', pullRequestStatus: 'Closed' }))).toEqual({ pullRequestId: '7', repositoryId: 'repo-1', open: false, merged: true });
    expect(pullRequestChange(pr('commentOnPullRequestCreated'))).toBeUndefined();
  });
});
