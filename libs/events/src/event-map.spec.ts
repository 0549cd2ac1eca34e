import { createEnvelope, EVENT_TYPES, isEventType, parseEnvelope, partitionKeyOf, ZERO_OBJECT_ID } from './event-map';

describe('event map', () => {
  const payload = {
    repositoryId: 'r-1',
    repositoryName: 'demo',
    accountId: '123456789012',
    actorArn: 'arn:aws:iam::123456789012:user/admin',
    updates: [{ ref: 'refs/heads/main', oldId: ZERO_OBJECT_ID, newId: 'a'.repeat(40) }],
  };

  it('lists every event type', () => {
    expect(EVENT_TYPES).toEqual(expect.arrayContaining(['references.updated', 'repository.created', 'repository.deleted']));
    expect(isEventType('repository.created')).toBe(true);
    expect(isEventType('no.such.event')).toBe(false);
    expect(isEventType('toString')).toBe(false);
  });

  it('makes envelopes with a fresh uuid and an ISO time', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const a = createEnvelope('git-protocol', 'references.updated', payload, at);
    const b = createEnvelope('git-protocol', 'references.updated', payload, at);
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.id).not.toBe(a.id);
    expect(a).toMatchObject({ type: 'references.updated', source: 'git-protocol', occurredAt: '2026-01-02T03:04:05.678Z', payload });
  });

  it('keys an event by its repository', () => {
    expect(partitionKeyOf(createEnvelope('s', 'references.updated', payload))).toBe('r-1');
    expect(partitionKeyOf({ ...createEnvelope('s', 'references.updated', payload), payload: {} as never })).toBeUndefined();
  });

  it('reads an envelope back from JSON and rejects what is not one', () => {
    const envelope = createEnvelope('s', 'references.updated', payload);
    expect(parseEnvelope(JSON.stringify(envelope))).toEqual(envelope);
    expect(parseEnvelope(Buffer.from(JSON.stringify(envelope)))).toEqual(envelope);
    expect(() => parseEnvelope(JSON.stringify({ ...envelope, type: 'no.such.event' }))).toThrow(/not a Cairn event envelope/);
    expect(() => parseEnvelope(JSON.stringify({ ...envelope, payload: null }))).toThrow(/not a Cairn event envelope/);
    expect(() => parseEnvelope('null')).toThrow(/not a Cairn event envelope/);
    expect(() => parseEnvelope('{')).toThrow();
  });
});
