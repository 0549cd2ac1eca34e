import { CODECOMMIT_MANAGED_POLICIES, AWS_CODECOMMIT_POWER_USER, AWS_CODECOMMIT_READ_ONLY, parsePolicyDocument } from './index';

describe('AWS managed policies for CodeCommit', () => {
  it.each(CODECOMMIT_MANAGED_POLICIES.map((p) => [p.name, p] as const))('%s is a valid identity policy under its AWS ARN', (name, p) => {
    expect(p.arn).toBe(`arn:aws:iam::aws:policy/${name}`);
    const doc = parsePolicyDocument(p.document, { maxSize: Number.POSITIVE_INFINITY });
    expect(doc.version).toBe('2012-10-17');
    expect(doc.statements[0]).toMatchObject({ effect: 'Allow', resource: ['*'] });
  });

  it('grant the CodeCommit actions AWS publishes', () => {
    const codecommitActions = (json: string): readonly string[] => parsePolicyDocument(json, { maxSize: Infinity }).statements[0].action ?? [];
    expect(codecommitActions(CODECOMMIT_MANAGED_POLICIES[0].document)).toEqual(['codecommit:*']);
    expect(codecommitActions(AWS_CODECOMMIT_READ_ONLY.document)).toEqual([
      'codecommit:BatchGet*',
      'codecommit:BatchDescribe*',
      'codecommit:Describe*',
      'codecommit:EvaluatePullRequestApprovalRules',
      'codecommit:Get*',
      'codecommit:List*',
      'codecommit:GitPull',
    ]);
    expect(codecommitActions(AWS_CODECOMMIT_POWER_USER.document)).toHaveLength(23);
    expect(codecommitActions(AWS_CODECOMMIT_POWER_USER.document)).not.toContain('codecommit:DeleteRepository');
  });
});
