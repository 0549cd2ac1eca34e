import { destinationMatches, parseApprovalRuleContent, poolMemberMatches, ruleContentSha256, ruleSatisfied } from './approval-rule-content';

const content = (statement: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ Version: '2018-11-08', ...extra, Statements: [{ Type: 'Approvers', ...statement }] });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'parsed';
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('approval rule content', () => {
  it('parses the 2018-11-08 format and refuses what is not', () => {
    expect(parseApprovalRuleContent(content({ NumberOfApprovalsNeeded: 2, ApprovalPoolMembers: ['CodeCommitApprovers:123456789012:Ada'] }), false)).toEqual({
      destinationReferences: [],
      statements: [{ numberOfApprovalsNeeded: 2, approvalPoolMembers: ['CodeCommitApprovers:123456789012:Ada'] }],
    });
    for (const bad of ['{', '[]', JSON.stringify({ Version: '2012-10-17', Statements: [] }), content({ NumberOfApprovalsNeeded: 0 }), content({ NumberOfApprovalsNeeded: 1, ApprovalPoolMembers: ['nobody'] }), content({ Type: 'Deny', NumberOfApprovalsNeeded: 1 }), 'x'.repeat(3001)]) {
      expect(codeOf(() => parseApprovalRuleContent(bad, false))).toBe('InvalidApprovalRuleContentException');
    }
    const withRefs = content({ NumberOfApprovalsNeeded: 1 }, { DestinationReferences: ['refs/heads/main'] });
    expect(codeOf(() => parseApprovalRuleContent(withRefs, false))).toBe('InvalidApprovalRuleContentException');
    expect(parseApprovalRuleContent(withRefs, true).destinationReferences).toEqual(['refs/heads/main']);
  });

  it('hashes the content string', () => {
    expect(ruleContentSha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches pool members as CodeCommit does', () => {
    const user = 'arn:aws:iam::123456789012:user/Ada';
    const session = 'arn:aws:sts::123456789012:assumed-role/CodeCommitReview/Mary_Major';
    expect(poolMemberMatches('CodeCommitApprovers:123456789012:Ada', user)).toBe(true);
    expect(poolMemberMatches('CodeCommitApprovers:123456789012:Ada', 'arn:aws:iam::210987654321:user/Ada')).toBe(false);
    expect(poolMemberMatches('CodeCommitApprovers:123456789012:Ada', 'arn:aws:sts::123456789012:federated-user/Ada')).toBe(true);
    expect(poolMemberMatches('CodeCommitApprovers:123456789012:Mary_Major', session)).toBe(false);
    expect(poolMemberMatches('CodeCommitApprovers:123456789012:*Mary_Major', session)).toBe(true);
    expect(poolMemberMatches('CodeCommitApprovers:123456789012:CodeCommitReview/Mary_Major', session)).toBe(true);
    expect(poolMemberMatches('CodeCommitApprovers:123456789012:user/*', user)).toBe(true);
    expect(poolMemberMatches('arn:aws:sts::123456789012:assumed-role/CodeCommitReview/*', session)).toBe(true);
    expect(poolMemberMatches('arn:aws:sts::123456789012:assumed-role/Other/*', session)).toBe(false);
  });

  it('counts distinct approvers from the pool against each statement', () => {
    const rule = parseApprovalRuleContent(content({ NumberOfApprovalsNeeded: 2, ApprovalPoolMembers: ['CodeCommitApprovers:123456789012:*'] }), false);
    expect(ruleSatisfied(rule, ['arn:aws:iam::123456789012:user/a'])).toBe(false);
    expect(ruleSatisfied(rule, ['arn:aws:iam::123456789012:user/a', 'arn:aws:iam::123456789012:user/b'])).toBe(true);
    expect(ruleSatisfied(rule, ['arn:aws:iam::123456789012:user/a', 'arn:aws:iam::999999999999:user/b'])).toBe(false);
    const anyone = parseApprovalRuleContent(content({ NumberOfApprovalsNeeded: 1 }), false);
    expect(ruleSatisfied(anyone, ['arn:aws:iam::999999999999:user/x'])).toBe(true);
  });

  it('filters template destinations with wildcards', () => {
    expect(destinationMatches([], 'refs/heads/any')).toBe(true);
    expect(destinationMatches(['refs/heads/release/*'], 'refs/heads/release/1.0')).toBe(true);
    expect(destinationMatches(['refs/heads/main'], 'refs/heads/dev')).toBe(false);
  });
});
