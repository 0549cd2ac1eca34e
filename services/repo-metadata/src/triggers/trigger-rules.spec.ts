import { domainCodeOf } from '@cairn/contracts';
import { matchingReferences, validateTriggers } from './trigger-rules';

const ZERO = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const trigger = (over: Partial<{ branches: string[]; events: string[] }> = {}) => ({ name: 't', destinationArn: 'https://ci.example/hook', customData: '', branches: [], events: ['all'], ...over });

/** The domain code a validation fails with, or 'accepted'. */
const code = (fn: () => void) => {
  try {
    fn();
    return 'accepted';
  } catch (e) {
    return domainCodeOf(e);
  }
};

describe('trigger rules', () => {
  const push = [
    { ref: 'refs/heads/main', oldId: A, newId: B },
    { ref: 'refs/heads/new', oldId: ZERO, newId: A },
    { ref: 'refs/heads/gone', oldId: A, newId: ZERO },
    { ref: 'refs/tags/v1', oldId: ZERO, newId: A },
    { ref: 'refs/notes/commits', oldId: ZERO, newId: A },
  ];

  it('classifies each reference change and shapes it as CodeCommit does', () => {
    expect(matchingReferences(trigger(), push)).toEqual([
      { commit: B, ref: 'refs/heads/main' },
      { commit: A, ref: 'refs/heads/new', created: true },
      { commit: A, ref: 'refs/heads/gone', deleted: true },
      { commit: A, ref: 'refs/tags/v1', created: true },
    ]);
  });

  it('filters by event and by branch', () => {
    expect(matchingReferences(trigger({ events: ['deleteReference'] }), push).map((r) => r.ref)).toEqual(['refs/heads/gone']);
    expect(matchingReferences(trigger({ events: ['updateReference', 'createReference'], branches: ['main', 'new'] }), push).map((r) => r.ref)).toEqual(['refs/heads/main', 'refs/heads/new']);
  });

  it('refuses a list CodeCommit refuses', () => {
    expect(code(() => validateTriggers([trigger(), trigger()], 'us-east-1'))).toBe('InvalidRepositoryTriggerNameException');
    expect(code(() => validateTriggers([{ ...trigger(), destinationArn: 'https://user:pw@ci.example/' }], 'us-east-1'))).toBe('InvalidRepositoryTriggerDestinationArnException');
    expect(code(() => validateTriggers([{ ...trigger(), destinationArn: 'arn:aws:lambda:us-east-1:123456789012:function:f' }], 'us-east-1'))).toBe('accepted');
  });

  it('accepts kafka://<topic> destinations only when a stream Kafka is configured, and only valid topic names', () => {
    const kafka = (destinationArn: string, capabilities = { kafka: true }) => code(() => validateTriggers([{ ...trigger(), destinationArn }], 'us-east-1', capabilities));
    expect(kafka('kafka://cairn.trigger-deliveries.v1')).toBe('accepted');
    expect(kafka('kafka://ci_pushes-1')).toBe('accepted');
    expect(kafka('kafka://cairn.trigger-deliveries.v1', { kafka: false })).toBe('InvalidRepositoryTriggerDestinationArnException');
    expect(kafka('kafka://')).toBe('InvalidRepositoryTriggerDestinationArnException');
    expect(kafka('kafka://a/b')).toBe('InvalidRepositoryTriggerDestinationArnException');
    expect(kafka('kafka://..')).toBe('InvalidRepositoryTriggerDestinationArnException');
    expect(kafka(`kafka://${'t'.repeat(250)}`)).toBe('InvalidRepositoryTriggerDestinationArnException');
  });
});
