// The "realistic" principal both policy benchmarks use: 10 identity-policy documents × 20
// statements over 50 repositories — managed-policy-like allows, branch-protection denies on
// codecommit:References, aws:ResourceTag, aws:SourceIp, aws:CurrentTime and ${aws:username}
// conditions, NotAction. Each document is ≈ 4,900 non-whitespace characters, under IAM's 6,144
// quota for a managed policy; 10 managed policies is IAM's default quota of attached policies per
// user. Used by bench/policy-evaluation (the engine alone) and bench/authorization (the stack).

export const POLICY_COUNT = 10;
export const STATEMENTS_PER_POLICY = 20;

const READ = ['codecommit:BatchGet*', 'codecommit:Describe*', 'codecommit:Get*', 'codecommit:List*', 'codecommit:GitPull'];
const WRITE = ['codecommit:Create*', 'codecommit:Put*', 'codecommit:Post*', 'codecommit:Update*', 'codecommit:Merge*', 'codecommit:DeleteBranch', 'codecommit:GitPush'];
const PROTECTED = ['codecommit:GitPush', 'codecommit:DeleteBranch', 'codecommit:PutFile', 'codecommit:MergeBranchesBy*', 'codecommit:MergePullRequestBy*'];

/** The documents, by index, for an account and region (so the ARNs match the stack's). */
export function realisticPolicies(account, region) {
  const repoArn = (name) => `arn:aws:codecommit:${region}:${account}:${name}`;
  function statementFor(p, s) {
    const repo = repoArn(`service-${(p * 20 + s) % 50}`);
    switch (s % 10) {
      case 0:
        return { Sid: `Read${p}x${s}`, Effect: 'Allow', Action: READ, Resource: `arn:aws:codecommit:${region}:${account}:service-${p}*` };
      case 1:
        return { Sid: `Write${p}x${s}`, Effect: 'Allow', Action: WRITE, Resource: [repo, repoArn(`service-${(p + s) % 50}`)], Condition: { StringEquals: { 'aws:ResourceTag/team': ['platform', 'web'] } } };
      case 2:
        return {
          Sid: `Protect${p}x${s}`,
          Effect: 'Deny',
          Action: PROTECTED,
          Resource: repo,
          Condition: { StringEqualsIfExists: { 'codecommit:References': ['refs/heads/main', 'refs/heads/prod'] }, Null: { 'codecommit:References': 'false' } },
        };
      case 3:
        return { Sid: `Own${p}x${s}`, Effect: 'Allow', Action: 'codecommit:*', Resource: `arn:aws:codecommit:*:${account}:\${aws:username}-*` };
      case 4:
        return { Sid: `Office${p}x${s}`, Effect: 'Deny', Action: 'codecommit:*', Resource: repo, Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } } };
      case 5:
        return { Sid: `Window${p}x${s}`, Effect: 'Allow', Action: ['codecommit:GitPush', 'codecommit:GitPull'], Resource: repo, Condition: { DateGreaterThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } };
      case 6:
        return { Sid: `Tags${p}x${s}`, Effect: 'Allow', Action: ['codecommit:TagResource', 'codecommit:UntagResource'], Resource: repo, Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['team', 'env', 'cost-*'] } } };
      case 7:
        return { Sid: `Secret${p}x${s}`, Effect: 'Deny', Action: 'codecommit:*', Resource: '*', Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/Status': 'Secret' } } };
      case 8:
        return { Sid: `Branches${p}x${s}`, Effect: 'Allow', Action: ['codecommit:GitPush', 'codecommit:CreateBranch'], Resource: repo, Condition: { StringLike: { 'codecommit:References': ['refs/heads/${aws:username}/*', 'refs/heads/feature/*'] } } };
      default:
        return { Sid: `NotIam${p}x${s}`, Effect: 'Allow', NotAction: ['iam:*', 'sts:*', 'codecommit:Delete*'], Resource: `arn:aws:codecommit:${region}:${account}:service-${p}?` };
    }
  }
  return Array.from({ length: POLICY_COUNT }, (_, p) =>
    JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: STATEMENTS_PER_POLICY }, (_, s) => statementFor(p, s)) }),
  );
}

