import { compilePolicies, evaluatePolicies, PolicyDocumentError, type AuthorizationRequest, type PolicyInput } from './index';

const ACCOUNT = '111122223333';
const REPO = `arn:aws:codecommit:us-east-1:${ACCOUNT}:MyDemoRepo`;
const base: AuthorizationRequest = {
  action: 'codecommit:GitPush',
  resource: REPO,
  principal: { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userName: 'alice', userId: 'AIDAALICE', accountId: ACCOUNT, tags: { team: 'platform' } },
  context: {},
  currentTime: new Date('2024-06-01T12:00:00Z'),
  sourceIp: '203.0.113.10',
};
const doc = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('CompiledPolicySet.evaluate: matched statements', () => {
  const policies: PolicyInput[] = [
    { id: 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser', document: doc({ Effect: 'Allow', Action: 'codecommit:*', Resource: '*' }) },
    {
      id: `arn:aws:iam::${ACCOUNT}:policy/DenyChangesToMain`,
      document: doc(
        { Sid: 'ReadAll', Effect: 'Allow', Action: 'codecommit:Get*', Resource: '*' },
        {
          Sid: 'ProtectMain',
          Effect: 'Deny',
          Action: 'codecommit:GitPush',
          Resource: REPO,
          Condition: { StringEqualsIfExists: { 'codecommit:References': 'refs/heads/main' }, Null: { 'codecommit:References': 'false' } },
        },
        { Sid: 'ProtectMainEverywhere', Effect: 'Deny', Action: 'codecommit:GitPush', Resource: '*', Condition: { StringEquals: { 'codecommit:References': 'refs/heads/main' } } },
      ),
    },
  ];
  const set = compilePolicies(policies);

  it('reports the deciding Deny with policy id, Sid and index', () => {
    const d = set.evaluate({ ...base, context: { 'codecommit:References': ['refs/heads/main'] } });
    expect(d).toEqual({
      decision: 'ExplicitDeny',
      matched: [{ policyId: `arn:aws:iam::${ACCOUNT}:policy/DenyChangesToMain`, layer: 'identity', statementIndex: 1, sid: 'ProtectMain', effect: 'Deny' }],
    });
  });

  it('reports every applicable statement with allMatches', () => {
    const d = set.evaluate({ ...base, context: { 'codecommit:References': ['refs/heads/main'] } }, { allMatches: true });
    expect(d.matched.map((m) => m.sid)).toEqual(['ProtectMain', 'ProtectMainEverywhere']);
    const allowed = set.evaluate({ ...base, action: 'codecommit:GetBranch' }, { allMatches: true });
    expect(allowed.decision).toBe('Allow');
    expect(allowed.matched.map((m) => [m.policyId.split('/').pop(), m.statementIndex])).toEqual([
      ['AWSCodeCommitPowerUser', 0],
      ['DenyChangesToMain', 0],
    ]);
  });

  it('reports the Allow that decided, without a Sid when the statement has none', () => {
    expect(set.evaluate({ ...base, context: { 'codecommit:References': ['refs/heads/dev'] } })).toEqual({
      decision: 'Allow',
      matched: [{ policyId: 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser', layer: 'identity', statementIndex: 0, effect: 'Allow' }],
    });
  });

  it('reports nothing for an implicit deny', () => {
    expect(set.evaluate({ ...base, action: 'iam:CreateUser' })).toEqual({ decision: 'ImplicitDeny', matched: [] });
  });

  it('reports the trust statement and the identity statement for a delegated AssumeRole', () => {
    const d = evaluatePolicies(
      [
        { id: 'trust', layer: 'resource', document: doc({ Sid: 'Account', Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }) },
        { id: 'identity', document: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) },
      ],
      { ...base, action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/Deployer` },
    );
    expect(d.decision).toBe('Allow');
    expect(d.matched.map((m) => `${m.policyId}:${m.layer}`)).toEqual(['trust:resource', 'identity:identity']);
  });
});

describe('compilePolicies', () => {
  it('refuses a malformed JSON document with PolicyDocumentError', () => {
    expect(() => compilePolicies([{ id: 'p', document: '{"Statement":' }])).toThrow(PolicyDocumentError);
  });

  it('does not apply a size quota when compiling stored policies', () => {
    const big = doc(...Array.from({ length: 200 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: `codecommit:Action${i}`, Resource: '*' })));
    expect(big.length).toBeGreaterThan(6144);
    expect(compilePolicies([{ id: 'big', document: big }]).size).toBe(200);
  });

  it('refuses an invalid condition in a document built in code', () => {
    expect(() =>
      compilePolicies([
        {
          id: 'p',
          document: { version: '2012-10-17', statements: [{ effect: 'Allow', action: ['*'], resource: ['*'], conditions: [{ operator: 'NumericEquals', key: 'a:b', values: ['x'] }] }] },
        },
      ]),
    ).toThrow('The policy failed legacy parsing');
  });

  it('gives the same answers for repeated and interleaved actions (per-action cache)', () => {
    const set = compilePolicies([{ id: 'p', document: doc({ Effect: 'Allow', Action: 'codecommit:Get*', Resource: '*' }) }]);
    for (let i = 0; i < 3; i++) {
      expect(set.evaluate({ ...base, action: 'codecommit:GetBranch' }).decision).toBe('Allow');
      expect(set.evaluate({ ...base, action: 'codecommit:GitPush' }).decision).toBe('ImplicitDeny');
      expect(set.evaluate({ ...base, action: 'CODECOMMIT:GETBRANCH' }).decision).toBe('Allow');
    }
  });

  it('resolves variables per request when one compiled set serves several principals', () => {
    const set = compilePolicies([{ id: 'p', document: doc({ Effect: 'Allow', Action: 'codecommit:*', Resource: `arn:aws:codecommit:*:*:\${aws:username}-*` }) }]);
    const as = (userName: string, repo: string): string =>
      set.evaluate({ ...base, principal: { ...base.principal, userName }, resource: `arn:aws:codecommit:us-east-1:${ACCOUNT}:${repo}` }).decision;
    expect([as('alice', 'alice-x'), as('bob', 'bob-x'), as('bob', 'alice-x'), as('alice', 'bob-x')]).toEqual(['Allow', 'Allow', 'ImplicitDeny', 'ImplicitDeny']);
  });
});

describe('request context', () => {
  const allowIf = (condition: object): string => doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition });

  it('prefers keys derived from the authenticated principal over the same keys in context', () => {
    const d = evaluatePolicies([{ id: 'p', document: allowIf({ StringEquals: { 'aws:username': 'admin' } }) }], { ...base, context: { 'aws:username': ['admin'] } });
    expect(d.decision).toBe('ImplicitDeny');
  });

  it('takes aws:SourceIp from context when the request has no sourceIp', () => {
    const request: AuthorizationRequest = { ...base, context: { 'aws:SourceIp': ['192.0.2.5'] } };
    delete (request as { sourceIp?: string }).sourceIp;
    expect(evaluatePolicies([{ id: 'p', document: allowIf({ IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }) }], request).decision).toBe('Allow');
  });

  it('uses principalArn for aws:PrincipalArn when given (a role with a path)', () => {
    const principal = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/s1`, userId: 'AROA:s1', accountId: ACCOUNT, principalArn: `arn:aws:iam::${ACCOUNT}:role/ci/Deployer` };
    const d = evaluatePolicies([{ id: 'p', document: allowIf({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/ci/*` } }) }], { ...base, principal });
    expect(d.decision).toBe('Allow');
  });
});

// Behaviour the AWS documentation leaves open; these tests pin Cairn's choices (see conditions.ts).
describe('documented Cairn decisions', () => {
  const decide = (condition: object, context: Record<string, string[]>): string =>
    evaluatePolicies([{ id: 'p', document: doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition }) }], { ...base, context }).decision;

  it('a multivalued key without a set qualifier: positive operators need one matching value', () => {
    expect(decide({ StringEquals: { 'aws:TagKeys': 'team' } }, { 'aws:TagKeys': ['env', 'team'] })).toBe('Allow');
  });

  it('a multivalued key without a set qualifier: negated operators need no value to match', () => {
    expect(decide({ StringNotEquals: { 'aws:TagKeys': 'team' } }, { 'aws:TagKeys': ['env', 'team'] })).toBe('ImplicitDeny');
    expect(decide({ StringNotEquals: { 'aws:TagKeys': 'team' } }, { 'aws:TagKeys': ['env', 'owner'] })).toBe('Allow');
  });

  it('a request value the operator cannot read fails both the operator and its negation', () => {
    expect(decide({ NumericNotEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': ['ten'] })).toBe('ImplicitDeny');
    const garbledIp = evaluatePolicies(
      [{ id: 'p', document: doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }) }],
      { ...base, sourceIp: 'not-an-address' },
    );
    expect(garbledIp.decision).toBe('ImplicitDeny');
    expect(decide({ DateNotEquals: { 'cairn:when': '2024-01-01' } }, { 'cairn:when': ['soon'] })).toBe('ImplicitDeny');
  });

  it('an unresolvable variable fails a negated operator too', () => {
    expect(decide({ StringNotEquals: { 'aws:ResourceTag/owner': '${aws:PrincipalTag/missing}' } }, { 'aws:ResourceTag/owner': ['x'] })).toBe('ImplicitDeny');
  });

  it('Null ignores a set qualifier', () => {
    expect(decide({ 'ForAnyValue:Null': { 'aws:TagKeys': 'true' } }, {})).toBe('Allow');
  });
});

describe('CompiledPolicySet.readsResourceTags', () => {
  const set = compilePolicies([
    {
      id: 'p',
      document: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'codecommit:GitPull', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/Team': 'blue' } } },
          { Effect: 'Allow', Action: 'codecommit:Get*', Resource: '*' },
        ],
      }),
    },
  ]);

  it('is true only for actions whose statements have a resource tag condition', () => {
    expect(set.readsResourceTags('codecommit:GitPull')).toBe(true);
    expect(set.readsResourceTags('CodeCommit:gitpull')).toBe(true);
    expect(set.readsResourceTags('codecommit:GetBranch')).toBe(false);
    expect(set.readsResourceTags('codecommit:GitPush')).toBe(false);
  });
});
