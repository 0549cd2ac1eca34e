import { simulate, type Simulation, type SimulationPolicy } from './simulate';

const ACCOUNT = '123456789012';
const REPO = `arn:aws:codecommit:us-east-1:${ACCOUNT}:my-repo`;
const OTHER_REPO = `arn:aws:codecommit:us-east-1:${ACCOUNT}:other-repo`;
const alice = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userName: 'alice', userId: 'AIDAALICE', accountId: ACCOUNT };

// The branch-protection pattern of the CodeCommit User Guide, laid out as a person writes it so
// that statement positions can be checked by eye.
const PUSH_NOT_MAIN = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Push",
      "Effect": "Allow",
      "Action": ["codecommit:GitPush", "codecommit:GitPull"],
      "Resource": "${REPO}"
    },
    {
      "Sid": "ProtectMain",
      "Effect": "Deny",
      "Action": ["codecommit:GitPush", "codecommit:DeleteBranch", "codecommit:PutFile", "codecommit:Merge*"],
      "Resource": "${REPO}",
      "Condition": {
        "StringEqualsIfExists": { "codecommit:References": ["refs/heads/main"] },
        "Null": { "codecommit:References": "false" }
      }
    }
  ]
}`;

const inline = (document: string, overrides: Partial<SimulationPolicy> = {}): SimulationPolicy => ({
  id: 'user/alice/inline/push',
  sourcePolicyId: 'push',
  sourcePolicyType: 'user',
  document,
  layer: 'identity',
  ...overrides,
});

const run = (overrides: Partial<Simulation>) =>
  simulate({ principal: alice, administrator: false, policies: [inline(PUSH_NOT_MAIN)], actions: ['codecommit:GitPush'], resources: [REPO], context: { context: {} }, ...overrides });

describe('simulate', () => {
  it('reports the Deny statement that protects main, with its position in the document', () => {
    const [result] = run({ context: { context: { 'codecommit:References': ['refs/heads/main'] } } });
    expect(result).toEqual({
      evalActionName: 'codecommit:GitPush',
      evalResourceName: REPO,
      evalDecision: 'explicitDeny',
      matchedStatements: [{ sourcePolicyId: 'push', sourcePolicyType: 'user', startPosition: { line: 10, column: 5 }, endPosition: { line: 19, column: 6 } }],
      missingContextValues: [],
      permissionsBoundaryDecision: undefined,
    });
  });

  it('allows a push to another branch by the Allow statement', () => {
    const [result] = run({ context: { context: { 'codecommit:References': ['refs/heads/feature'] } } });
    expect(result!.evalDecision).toBe('allowed');
    expect(result!.matchedStatements).toEqual([{ sourcePolicyId: 'push', sourcePolicyType: 'user', startPosition: { line: 4, column: 5 }, endPosition: { line: 9, column: 6 } }]);
  });

  it('names the condition key the applicable statements need when it is not supplied', () => {
    const [push, pull] = run({ actions: ['codecommit:GitPush', 'codecommit:GitPull'] });
    // Without a ref the Null block keeps the Deny from applying (the ref advertisement).
    expect(push).toMatchObject({ evalDecision: 'allowed', missingContextValues: ['codecommit:References'] });
    // The Deny does not cover GitPull, so nothing is missing for it.
    expect(pull).toMatchObject({ evalDecision: 'allowed', missingContextValues: [] });
  });

  it('denies implicitly with no statements where nothing allows, and decides every action on every resource', () => {
    const results = run({ actions: ['codecommit:GitPull', 'codecommit:CreateRepository'], resources: [REPO, OTHER_REPO] });
    expect(results.map((r) => [r.evalActionName, r.evalResourceName, r.evalDecision, r.matchedStatements.length])).toEqual([
      ['codecommit:GitPull', REPO, 'allowed', 1],
      ['codecommit:GitPull', OTHER_REPO, 'implicitDeny', 0],
      ['codecommit:CreateRepository', REPO, 'implicitDeny', 0],
      ['codecommit:CreateRepository', OTHER_REPO, 'implicitDeny', 0],
    ]);
  });

  it('decides on resource "*" when no resource is given', () => {
    const [result] = run({ resources: [], policies: [inline('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"codecommit:List*","Resource":"*"}}')], actions: ['codecommit:ListRepositories'] });
    expect(result).toMatchObject({ evalResourceName: '*', evalDecision: 'allowed' });
    // A lone statement object, on one line.
    expect(result!.matchedStatements[0]).toMatchObject({ startPosition: { line: 1, column: 37 }, endPosition: { line: 1, column: 98 } });
  });

  it('evaluates PolicyInputList documents as if attached, reported as source type none', () => {
    const extra = inline(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'codecommit:GitPush', Resource: '*' }] }), {
      id: 'PolicyInputList.1',
      sourcePolicyId: 'PolicyInputList.1',
      sourcePolicyType: 'none',
    });
    const [result] = run({ policies: [inline(PUSH_NOT_MAIN), extra], context: { context: { 'codecommit:References': ['refs/heads/feature'] } } });
    expect(result!.evalDecision).toBe('explicitDeny');
    expect(result!.matchedStatements).toEqual([expect.objectContaining({ sourcePolicyId: 'PolicyInputList.1', sourcePolicyType: 'none' })]);
  });

  it('reports every Allow statement that applies, across policies', () => {
    const managed = inline('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"codecommit:*","Resource":"*"}]}', {
      id: `arn:aws:iam::${ACCOUNT}:policy/Everything`,
      sourcePolicyId: 'Everything',
      sourcePolicyType: 'user-managed',
    });
    const [result] = run({ policies: [inline(PUSH_NOT_MAIN), managed], context: { context: { 'codecommit:References': ['refs/heads/feature'] } } });
    expect(result!.evalDecision).toBe('allowed');
    expect(result!.matchedStatements.map((s) => [s.sourcePolicyId, s.sourcePolicyType])).toEqual([
      ['push', 'user'],
      ['Everything', 'user-managed'],
    ]);
  });

  it('applies typed context values: numbers, dates, addresses and booleans', () => {
    const conditional = inline(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'codecommit:GitPull',
            Resource: '*',
            Condition: {
              NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
              DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
              IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
              Bool: { 'aws:SecureTransport': 'true' },
            },
          },
        ],
      }),
    );
    const decide = (context: Simulation['context']) => run({ policies: [conditional], actions: ['codecommit:GitPull'], context })[0]!;
    const ok = { context: { 'aws:MultiFactorAuthAge': ['60'] }, currentTime: new Date('2029-06-01T00:00:00Z'), sourceIp: '10.1.2.3', secureTransport: true };
    expect(decide(ok)).toMatchObject({ evalDecision: 'allowed', missingContextValues: [] });
    expect(decide({ ...ok, context: { 'aws:MultiFactorAuthAge': ['7200'] } }).evalDecision).toBe('implicitDeny');
    expect(decide({ ...ok, currentTime: new Date('2031-01-01T00:00:00Z') }).evalDecision).toBe('implicitDeny');
    expect(decide({ ...ok, sourceIp: '192.168.0.1' }).evalDecision).toBe('implicitDeny');
    expect(decide({ ...ok, secureTransport: false }).evalDecision).toBe('implicitDeny');
    // Without them: the current time is always known; the rest are reported missing.
    expect(decide({ context: {} }).missingContextValues).toEqual(['aws:MultiFactorAuthAge', 'aws:SourceIp', 'aws:SecureTransport']);
  });

  it('reports the bootstrap administrator allowed with no statements, whatever its policies', () => {
    const [result] = run({ administrator: true, context: { context: { 'codecommit:References': ['refs/heads/main'] } } });
    expect(result).toMatchObject({ evalDecision: 'allowed', matchedStatements: [], missingContextValues: [] });
  });

  it('limits the identity policies by a permissions boundary and says whether the boundary allowed', () => {
    const boundary = inline('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"codecommit:GitPull","Resource":"*"}]}', {
      id: 'PermissionsBoundaryPolicyInputList.1',
      sourcePolicyId: 'PermissionsBoundaryPolicyInputList.1',
      sourcePolicyType: 'none',
      layer: 'boundary',
    });
    const [push, pull] = run({ policies: [inline(PUSH_NOT_MAIN), boundary], actions: ['codecommit:GitPush', 'codecommit:GitPull'], context: { context: { 'codecommit:References': ['refs/heads/feature'] } } });
    expect(push).toMatchObject({ evalDecision: 'implicitDeny', permissionsBoundaryDecision: { allowed: false } });
    expect(pull).toMatchObject({ evalDecision: 'allowed', permissionsBoundaryDecision: { allowed: true } });
    expect(pull!.matchedStatements.map((s) => s.sourcePolicyId)).toEqual(['push', 'PermissionsBoundaryPolicyInputList.1']);
  });

  it('lets a resource policy naming the caller allow on its own, and deny over an identity allow', () => {
    const resourcePolicy = (effect: string, action: string) =>
      inline(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Principal: { AWS: alice.arn }, Action: action, Resource: REPO }] }), {
        id: 'ResourcePolicy',
        sourcePolicyId: 'ResourcePolicy',
        sourcePolicyType: 'resource',
        layer: 'resource',
      });
    const [merge] = run({ policies: [inline(PUSH_NOT_MAIN), resourcePolicy('Allow', 'codecommit:GetBranch')], actions: ['codecommit:GetBranch'] });
    expect(merge).toMatchObject({ evalDecision: 'allowed', matchedStatements: [{ sourcePolicyId: 'ResourcePolicy', sourcePolicyType: 'resource' }] });
    const [pull] = run({ policies: [inline(PUSH_NOT_MAIN), resourcePolicy('Deny', 'codecommit:GitPull')], actions: ['codecommit:GitPull'] });
    expect(pull).toMatchObject({ evalDecision: 'explicitDeny', matchedStatements: [{ sourcePolicyId: 'ResourcePolicy' }] });
  });

  it('resolves policy variables from the simulated principal', () => {
    const own = inline('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"codecommit:GitPush","Resource":"arn:aws:codecommit:*:*:${aws:username}-*"}]}');
    const results = run({ policies: [own], resources: [`arn:aws:codecommit:us-east-1:${ACCOUNT}:alice-sandbox`, `arn:aws:codecommit:us-east-1:${ACCOUNT}:bob-sandbox`] });
    expect(results.map((r) => r.evalDecision)).toEqual(['allowed', 'implicitDeny']);
  });
});
