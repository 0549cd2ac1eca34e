import type { AuditRecord } from '@cairn/events';
import { LookupEventsOutput, LookupEventsService } from '../src/lookup/lookup-events.service';
import { ACCOUNT, appendAll, auditRecord, AuditStore, openAuditStore } from './support';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

let store: AuditStore;
let service: LookupEventsService;
const r: Record<string, AuditRecord> = {};

beforeAll(async () => {
  store = await openAuditStore('audit_lookup');
  service = new LookupEventsService(store.repository);
  r.get = auditRecord({ eventTime: at(0), repository: 'repo-a' });
  r.push = auditRecord({ eventTime: at(1), eventName: 'GitPush', readOnly: false, user: 'bob', repository: 'repo-b' });
  r.createUser = {
    ...auditRecord({
      eventTime: at(2),
      eventName: 'CreateUser',
      eventSource: 'iam.amazonaws.com',
      readOnly: false,
      user: { type: 'AssumedRole', principalId: 'AROA1:ci-run', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci-run`, accountId: ACCOUNT, accessKeyId: 'ASIACI' },
    }),
    resources: [{ ARN: `arn:aws:iam::${ACCOUNT}:user/dave`, accountId: ACCOUNT, type: 'AWS::IAM::User' }],
  };
  r.list = { ...auditRecord({ eventTime: at(3), eventName: 'ListRepositories', user: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT } }), resources: [] };
  // Stored out of event-time order: lookups are newest first by eventTime, not by arrival.
  await appendAll(store.repository, [r.push, r.get, r.list, r.createUser]);
  await appendAll(store.repository, Array.from({ length: 8 }, (_, i) => auditRecord({ eventTime: at(10 + i), eventName: 'GetBranch', repository: 'repo-a' })));
});

afterAll(async () => {
  await store.db.destroy();
});

const lookup = (input: Record<string, unknown>) => service.lookupEvents(input);
const by = (AttributeKey: string, AttributeValue: string, extra: Record<string, unknown> = {}) => lookup({ LookupAttributes: [{ AttributeKey, AttributeValue }], ...extra });
const ids = (out: LookupEventsOutput) => out.Events.map((e) => e.EventId);

describe('LookupEvents', () => {
  it('returns CloudTrail events, newest first, with the record as CloudTrailEvent', async () => {
    const out = await by('EventName', 'GitPush');
    expect(out).toEqual({
      Events: [
        {
          EventId: r.push.eventID,
          EventName: 'GitPush',
          ReadOnly: 'false',
          AccessKeyId: 'AKIABOB',
          EventTime: T0 / 1000 + 1,
          EventSource: 'codecommit.amazonaws.com',
          Username: 'bob',
          Resources: [{ ResourceType: 'AWS::CodeCommit::Repository', ResourceName: 'repo-b' }],
          CloudTrailEvent: expect.any(String),
        },
      ],
    });
    expect(JSON.parse(out.Events[0].CloudTrailEvent)).toEqual(r.push);
    const all = await lookup({});
    expect(ids(all).slice(-4)).toEqual([r.list.eventID, r.createUser.eventID, r.push.eventID, r.get.eventID]);
    expect(all.Events.map((e) => e.EventTime)).toEqual([...all.Events.map((e) => e.EventTime)].sort((a, b) => b - a));
  });

  it.each([
    ['EventId', () => r.push.eventID, () => [r.push]],
    ['EventName', () => 'CreateUser', () => [r.createUser]],
    ['ReadOnly', () => 'false', () => [r.createUser, r.push]],
    ['Username', () => 'bob', () => [r.push]],
    ['Username', () => 'ci-run', () => [r.createUser]],
    ['Username', () => 'root', () => [r.list]],
    ['ResourceType', () => 'AWS::IAM::User', () => [r.createUser]],
    ['ResourceName', () => 'repo-b', () => [r.push]],
    ['ResourceName', () => `arn:aws:codecommit:us-east-1:${ACCOUNT}:repo-b`, () => [r.push]],
    ['ResourceName', () => 'dave', () => [r.createUser]],
    ['EventSource', () => 'iam.amazonaws.com', () => [r.createUser]],
    ['AccessKeyId', () => 'AKIABOB', () => [r.push]],
    ['Username', () => 'nobody', () => []],
  ])('by %s', async (key, value, expected) => {
    expect(ids(await by(key, value()))).toEqual(expected().map((x) => x.eventID));
  });

  it('shows Username for assumed roles and root, and no AccessKeyId when there is none', async () => {
    const [list] = (await by('EventName', 'ListRepositories')).Events;
    expect(list).toMatchObject({ Username: 'root', Resources: [] });
    expect(list.AccessKeyId).toBeUndefined();
    expect((await by('EventName', 'CreateUser')).Events[0]).toMatchObject({ Username: 'ci-run', AccessKeyId: 'ASIACI', Resources: [{ ResourceType: 'AWS::IAM::User', ResourceName: 'dave' }] });
  });

  it('takes StartTime and EndTime in epoch seconds, both inclusive, with or without an attribute', async () => {
    expect(ids(await lookup({ StartTime: T0 / 1000 + 1, EndTime: T0 / 1000 + 2 }))).toEqual([r.createUser.eventID, r.push.eventID]);
    expect(ids(await by('ReadOnly', 'true', { EndTime: T0 / 1000 + 3 }))).toEqual([r.list.eventID, r.get.eventID]);
    expect(ids(await lookup({ StartTime: T0 / 1000 + 17 }))).toHaveLength(1);
    expect((await lookup({ StartTime: T0 / 1000 + 1000 })).Events).toEqual([]);
    expect(ids(await lookup({ StartTime: T0 / 1000 + 2, EndTime: T0 / 1000 + 2 }))).toEqual([r.createUser.eventID]);
  });

  it('pages with MaxResults and NextToken, without repeating or skipping', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await by('EventName', 'GetBranch', { MaxResults: 3, ...(token ? { NextToken: token } : {}) });
      seen.push(...ids(page));
      sizes.push(page.Events.length);
      token = page.NextToken;
    } while (token);
    expect(sizes).toEqual([3, 3, 2]);
    expect(seen).toEqual(ids(await by('EventName', 'GetBranch')));
    expect(new Set(seen).size).toBe(8);

    const all = await lookup({ MaxResults: 50 });
    expect(all.Events).toHaveLength(12);
    expect(all.NextToken).toBeUndefined();
  });

  it('defaults MaxResults to 50', async () => {
    const more = await openAuditStore('audit_lookup_many');
    try {
      await appendAll(more.repository, Array.from({ length: 55 }, (_, i) => auditRecord({ eventTime: at(i) })));
      const first = await new LookupEventsService(more.repository).lookupEvents({});
      expect(first.Events).toHaveLength(50);
      const second = await new LookupEventsService(more.repository).lookupEvents({ NextToken: first.NextToken });
      expect(second.Events).toHaveLength(5);
      expect(second.NextToken).toBeUndefined();
    } finally {
      await more.db.destroy();
    }
  });

  it('refuses a NextToken made for other parameters, or not made here', async () => {
    const { NextToken } = await by('EventName', 'GetBranch', { MaxResults: 2 });
    expect(NextToken).toEqual(expect.any(String));
    // The same parameters may change MaxResults.
    expect((await by('EventName', 'GetBranch', { MaxResults: 5, NextToken })).Events).toHaveLength(5);
    await expect(by('EventName', 'GitPush', { NextToken })).rejects.toMatchObject({ domainCode: 'InvalidNextTokenException' });
    await expect(by('EventName', 'GetBranch', { NextToken, StartTime: T0 / 1000 })).rejects.toMatchObject({ domainCode: 'InvalidNextTokenException' });
    await expect(lookup({ NextToken: 'garbage' })).rejects.toMatchObject({ domainCode: 'InvalidNextTokenException' });
    await expect(lookup({ NextToken: 42 })).rejects.toMatchObject({ domainCode: 'InvalidNextTokenException' });
  });

  it.each([
    [{ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'a' }, { AttributeKey: 'Username', AttributeValue: 'b' }] }, 'InvalidLookupAttributesException'],
    [{ LookupAttributes: [{ AttributeKey: 'UserName', AttributeValue: 'alice' }] }, 'InvalidLookupAttributesException'],
    [{ LookupAttributes: [{ AttributeKey: 'EventName' }] }, 'InvalidLookupAttributesException'],
    [{ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: '' }] }, 'InvalidLookupAttributesException'],
    [{ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'maybe' }] }, 'InvalidLookupAttributesException'],
    [{ LookupAttributes: { AttributeKey: 'EventName', AttributeValue: 'x' } }, 'InvalidLookupAttributesException'],
    [{ StartTime: T0 / 1000 + 10, EndTime: T0 / 1000 }, 'InvalidTimeRangeException'],
    [{ StartTime: '2026-03-01' }, 'SerializationException'],
    [{ MaxResults: 0 }, 'InvalidMaxResultsException'],
    [{ MaxResults: 51 }, 'InvalidMaxResultsException'],
    [{ MaxResults: 2.5 }, 'InvalidMaxResultsException'],
    [{ MaxResults: '5' }, 'InvalidMaxResultsException'],
    [{ EventCategory: 'management' }, 'InvalidEventCategoryException'],
  ])('%j → %s', async (input, code) => {
    await expect(lookup(input)).rejects.toMatchObject({ domainCode: code, code: 3 });
  });

  it('finds no Insights events, and treats an empty LookupAttributes as none', async () => {
    expect(await lookup({ EventCategory: 'insight' })).toEqual({ Events: [] });
    expect((await lookup({ LookupAttributes: [] })).Events).toHaveLength(12);
    expect(ids(await by('ReadOnly', 'FALSE'))).toEqual([r.createUser.eventID, r.push.eventID]);
  });
});
