import { parsePolicyDocument, POLICY_SIZE_LIMITS, PolicyDocumentError } from './index';

const statement = { Effect: 'Allow', Action: 'codecommit:GitPull', Resource: '*' };
const json = (doc: unknown): string => JSON.stringify(doc);
const withStatement = (s: Record<string, unknown>): string => json({ Version: '2012-10-17', Statement: [s] });

function refusal(text: string, options?: Parameters<typeof parsePolicyDocument>[1]): PolicyDocumentError {
  try {
    parsePolicyDocument(text, options);
  } catch (e) {
    if (e instanceof PolicyDocumentError) return e;
    throw e;
  }
  throw new Error('document was accepted');
}

describe('parsePolicyDocument', () => {
  it('normalizes a document: Statement object or array, strings or lists', () => {
    const single = parsePolicyDocument(json({ Version: '2012-10-17', Id: 'p1', Statement: statement }));
    expect(single).toEqual({
      version: '2012-10-17',
      id: 'p1',
      statements: [{ effect: 'Allow', action: ['codecommit:GitPull'], resource: ['*'], conditions: [] }],
    });
    const list = parsePolicyDocument(json({ Version: '2012-10-17', Statement: [{ ...statement, Sid: 'Read1', Action: ['codecommit:Get*', 'codecommit:List*'] }] }));
    expect(list.statements[0]).toMatchObject({ sid: 'Read1', action: ['codecommit:Get*', 'codecommit:List*'] });
  });

  it('reads Condition blocks into operator/key/values entries, values as text', () => {
    const doc = parsePolicyDocument(
      withStatement({
        ...statement,
        Condition: {
          StringEqualsIfExists: { 'codecommit:References': ['refs/heads/main', 'refs/heads/prod'] },
          Null: { 'codecommit:References': false },
          NumericLessThan: { 's3:max-keys': 10 },
        },
      }),
    );
    expect(doc.statements[0].conditions).toEqual([
      { operator: 'StringEqualsIfExists', key: 'codecommit:References', values: ['refs/heads/main', 'refs/heads/prod'] },
      { operator: 'Null', key: 'codecommit:References', values: ['false'] },
      { operator: 'NumericLessThan', key: 's3:max-keys', values: ['10'] },
    ]);
  });

  it('defaults a missing Version to 2008-10-17 (policy variables off)', () => {
    expect(parsePolicyDocument(json({ Statement: statement })).version).toBe('2008-10-17');
  });

  it('accepts NotAction, NotResource and every documented operator with its qualifiers', () => {
    const operators = [
      'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
      'ForAnyValue:StringLike', 'ForAllValues:StringNotLikeIfExists', 'ArnLike', 'ArnNotEqualsIfExists', 'Bool', 'BoolIfExists',
    ];
    const condition = Object.fromEntries(operators.map((o) => [o, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/*' }]));
    expect(() => parsePolicyDocument(withStatement({ Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:codecommit:*', Condition: condition }))).not.toThrow();
  });

  it('accepts a trust policy with Principal and without Resource', () => {
    const doc = parsePolicyDocument(
      withStatement({ Effect: 'Allow', Principal: { AWS: ['111122223333', 'arn:aws:iam::111122223333:user/alice'], Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      { kind: 'resource', maxSize: POLICY_SIZE_LIMITS.trust },
    );
    expect(doc.statements[0].principal).toEqual({
      wildcard: false,
      aws: ['111122223333', 'arn:aws:iam::111122223333:user/alice'],
      service: ['codebuild.amazonaws.com'],
      federated: [],
      canonicalUser: [],
    });
    expect(parsePolicyDocument(withStatement({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }), { kind: 'resource' }).statements[0].principal?.wildcard).toBe(true);
  });

  describe('refuses what IAM refuses (MalformedPolicyDocument)', () => {
    const malformed: [string, string, string | RegExp][] = [
      ['invalid JSON', '{"Version": "2012-10-17", "Statement": [', 'Syntax errors in policy.'],
      ['a JSON array at the top', '[]', 'Syntax errors in policy.'],
      ['an unknown top-level element', json({ Version: '2012-10-17', Statement: statement, Extra: 1 }), 'Syntax errors in policy.'],
      ['no Statement', json({ Version: '2012-10-17' }), 'Syntax errors in policy.'],
      ['an empty Statement list', json({ Version: '2012-10-17', Statement: [] }), 'Syntax errors in policy.'],
      ['an unknown Version', json({ Version: '2020-01-01', Statement: statement }), 'The policy failed legacy parsing'],
      ['an unknown statement element', withStatement({ ...statement, Effects: 'Allow' }), 'Syntax errors in policy.'],
      ['a statement that is not an object', json({ Version: '2012-10-17', Statement: ['x'] }), 'Syntax errors in policy.'],
      ['a missing Effect', withStatement({ Action: 'codecommit:GitPull', Resource: '*' }), 'Syntax errors in policy.'],
      ['an unknown Effect', withStatement({ ...statement, Effect: 'Permit' }), 'Invalid effect: Permit'],
      ['Effect in the wrong case', withStatement({ ...statement, Effect: 'allow' }), 'Invalid effect: allow'],
      ['both Action and NotAction', withStatement({ ...statement, NotAction: 'iam:*' }), 'Syntax errors in policy.'],
      ['neither Action nor NotAction', withStatement({ Effect: 'Allow', Resource: '*' }), 'Policy statement must contain actions.'],
      ['an empty Action list', withStatement({ ...statement, Action: [] }), 'Policy statement must contain actions.'],
      ['an Action that is not a string', withStatement({ ...statement, Action: [1] }), 'Syntax errors in policy.'],
      ['an Action without a vendor', withStatement({ ...statement, Action: 'GitPull' }), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
      ['an Action with two colons', withStatement({ ...statement, Action: 'ec2:ec2:RunInstances' }), 'Actions/Condition can contain only one colon.'],
      ['both Resource and NotResource', withStatement({ ...statement, NotResource: '*' }), 'Syntax errors in policy.'],
      ['neither Resource nor NotResource in an identity policy', withStatement({ Effect: 'Allow', Action: 'codecommit:GitPull' }), 'Policy statement must contain resources.'],
      ['a Resource that is not an ARN', withStatement({ ...statement, Resource: 'MyDemoRepo' }), 'Resource MyDemoRepo must be in ARN format or "*".'],
      ['a Principal in an identity policy', withStatement({ ...statement, Principal: '*' }), 'Policy document should not specify a principal.'],
      ['a NotPrincipal in an identity policy', withStatement({ ...statement, NotPrincipal: { AWS: '111122223333' } }), 'Policy document should not specify a principal.'],
      ['a non-alphanumeric Sid', withStatement({ ...statement, Sid: 'read-only' }), /^Statement IDs \(SID\) must be alpha-numeric/],
      ['duplicate Sids', json({ Version: '2012-10-17', Statement: [{ ...statement, Sid: 'A' }, { ...statement, Sid: 'A' }] }), 'Statement IDs (SID) in a single policy must be unique.'],
      ['an unknown condition operator', withStatement({ ...statement, Condition: { StringEqualz: { 'aws:username': 'a' } } }), 'Invalid Condition type : StringEqualz'],
      ['an unknown set qualifier', withStatement({ ...statement, Condition: { 'ForSomeValues:StringEquals': { 'aws:TagKeys': 'a' } } }), 'Invalid Condition type : ForSomeValues:StringEquals'],
      ['NullIfExists (IfExists is not allowed on Null)', withStatement({ ...statement, Condition: { NullIfExists: { 'aws:TagKeys': 'true' } } }), 'Invalid Condition type : NullIfExists'],
      ['a condition key without a vendor', withStatement({ ...statement, Condition: { StringEquals: { username: 'a' } } }), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
      ['a condition block that is not an object', withStatement({ ...statement, Condition: { StringEquals: 'a' } }), 'Syntax errors in policy.'],
      ['a condition value that is an object', withStatement({ ...statement, Condition: { StringEquals: { 'aws:username': { a: 1 } } } }), 'Syntax errors in policy.'],
      ['a Numeric value that is not a number', withStatement({ ...statement, Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } }), 'The policy failed legacy parsing'],
      ['a Date value that is not a date', withStatement({ ...statement, Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } } }), 'The policy failed legacy parsing'],
      ['an IpAddress value that is not CIDR', withStatement({ ...statement, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/33' } } }), 'The policy failed legacy parsing'],
      ['a BinaryEquals value that is not base-64', withStatement({ ...statement, Condition: { BinaryEquals: { 'cairn:sig': 'not base64!' } } }), 'The policy failed legacy parsing'],
      ['a Null value that is not true or false', withStatement({ ...statement, Condition: { Null: { 'aws:TagKeys': 'maybe' } } }), 'The policy failed legacy parsing'],
      ['an ArnEquals value that is not an ARN', withStatement({ ...statement, Condition: { ArnEquals: { 'aws:SourceArn': 'my-cluster' } } }), 'The policy failed legacy parsing'],
      ['characters outside U+0009, U+000A, U+000D, U+0020-U+00FF', withStatement({ ...statement, Sid: undefined, Condition: { StringEquals: { 'aws:username': 'ā' } } }), 'Syntax errors in policy.'],
    ];
    it.each(malformed)('%s', (_title, text, message) => {
      const error = refusal(text);
      expect(error.code).toBe('MalformedPolicyDocument');
      if (typeof message === 'string') expect(error.message).toBe(message);
      else expect(error.message).toMatch(message);
    });

    it('a trust policy without Principal', () => {
      const error = refusal(withStatement({ Effect: 'Allow', Action: 'sts:AssumeRole' }), { kind: 'resource' });
      expect([error.code, error.message]).toEqual(['MalformedPolicyDocument', 'Missing required field Principal']);
    });

    it('a partial wildcard in a principal', () => {
      const error = refusal(withStatement({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:user/*' }, Action: 'sts:AssumeRole' }), { kind: 'resource' });
      expect(error.message).toBe('Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/*"');
    });
  });

  describe('size quota', () => {
    const sized = (nonWhitespace: number): string => {
      const base = withStatement({ ...statement, Sid: '' });
      const padding = nonWhitespace - base.replace(/\s/g, '').length;
      return withStatement({ ...statement, Sid: 'S'.repeat(padding) });
    };

    it('allows exactly the managed policy quota of 6,144 non-whitespace characters', () => {
      expect(sized(6144).length).toBe(6144);
      expect(() => parsePolicyDocument(sized(6144))).not.toThrow();
    });

    it('refuses one character more with LimitExceeded, as IAM does', () => {
      const error = refusal(sized(6145));
      expect([error.code, error.message]).toEqual(['LimitExceeded', 'Cannot exceed quota for PolicySize: 6144']);
    });

    it('does not count white space', () => {
      const spaced = sized(6144).replace(/,/g, ',\n    ');
      expect(spaced.length).toBeGreaterThan(6144);
      expect(() => parsePolicyDocument(spaced)).not.toThrow();
    });

    it('takes the quota as a parameter (e.g. 2,048 for a user inline policy)', () => {
      expect(refusal(sized(2049), { maxSize: POLICY_SIZE_LIMITS.userInline }).message).toBe('Cannot exceed quota for PolicySize: 2048');
      expect(() => parsePolicyDocument(sized(10240), { maxSize: POLICY_SIZE_LIMITS.roleInline })).not.toThrow();
    });
  });
});
