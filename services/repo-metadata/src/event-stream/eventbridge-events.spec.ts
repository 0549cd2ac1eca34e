import { createEnvelope, ZERO_OBJECT_ID } from '@cairn/events';
import { eventBridgeEvents } from './eventbridge-events';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('EventBridge events', () => {
  const push = createEnvelope(
    'repo-metadata',
    'references.updated',
    {
      repositoryId: 'rid',
      repositoryName: 'web',
      accountId: '123456789012',
      actorArn: 'arn:aws:iam::123456789012:user/dev',
      updates: [
        { ref: 'refs/heads/main', oldId: A, newId: B },
        { ref: 'refs/tags/v1', oldId: ZERO_OBJECT_ID, newId: A },
        { ref: 'refs/heads/old', oldId: A, newId: ZERO_OBJECT_ID },
      ],
    },
    new Date('2026-11-26T01:02:03.456Z'),
  );

  it('makes one Repository State Change per reference, shaped as CodeCommit sends them', () => {
    const events = eventBridgeEvents(push, 'us-east-1');
    expect(events).toHaveLength(3);
    expect(events[0]).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      'detail-type': 'CodeCommit Repository State Change',
      source: 'aws.codecommit',
      account: '123456789012',
      time: '2026-11-26T01:02:03Z',
      region: 'us-east-1',
      resources: ['arn:aws:codecommit:us-east-1:123456789012:web'],
      detail: {
        callerUserArn: 'arn:aws:iam::123456789012:user/dev',
        event: 'referenceUpdated',
        repositoryId: 'rid',
        repositoryName: 'web',
        referenceType: 'branch',
        referenceName: 'main',
        referenceFullName: 'refs/heads/main',
        commitId: B,
        oldCommitId: A,
      },
    });
    expect(events[1]!.detail).toMatchObject({ event: 'referenceCreated', referenceType: 'tag', referenceName: 'v1', commitId: A });
    expect(events[1]!.detail).not.toHaveProperty('oldCommitId');
    expect(events[2]!.detail).toMatchObject({ event: 'referenceDeleted', oldCommitId: A });
    expect(events[2]!.detail).not.toHaveProperty('commitId');
  });

  it('gives a redelivered event the same ids, and distinct ids to its references', () => {
    const ids = eventBridgeEvents(push, 'us-east-1').map((e) => e.id);
    expect(eventBridgeEvents(push, 'us-east-1').map((e) => e.id)).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
  });
});
