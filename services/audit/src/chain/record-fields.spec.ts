import { recordFields, resourceNameOf, usernameOf } from './record-fields';

describe('usernameOf (LookupEvents Username)', () => {
  it.each([
    [{ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice' }, 'alice'],
    [{ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/dev/bob' }, 'bob'],
    [{ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Deployer/ci-run-42', userName: 'Deployer' }, 'ci-run-42'],
    [{ type: 'FederatedUser', arn: 'arn:aws:sts::111122223333:federated-user/carol' }, 'carol'],
    [{ type: 'Root', arn: 'arn:aws:iam::111122223333:root' }, 'root'],
    [{ type: 'Root' }, 'root'],
    [{ type: 'Unknown' }, null],
  ])('%j → %s', (identity, name) => {
    expect(usernameOf(identity)).toBe(name);
  });
});

describe('resourceNameOf', () => {
  it('takes the last part of the resource', () => {
    expect(resourceNameOf('arn:aws:codecommit:us-east-1:111122223333:my-repo')).toBe('my-repo');
    expect(resourceNameOf('arn:aws:iam::111122223333:user/path/alice')).toBe('alice');
    expect(resourceNameOf('not-an-arn')).toBe('not-an-arn');
    expect(resourceNameOf(undefined)).toBeNull();
  });
});

describe('recordFields', () => {
  it('indexes resources by name and ARN and reads missing fields as absent', () => {
    const fields = recordFields({
      eventID: 'e1',
      eventTime: 'not a time',
      eventName: 'GitPush',
      eventSource: 'codecommit.amazonaws.com',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::1:user/alice', accessKeyId: 'AKIA1' },
      readOnly: false,
      resources: [{ ARN: 'arn:aws:codecommit:us-east-1:1:repo', accountId: '1', type: 'AWS::CodeCommit::Repository' }],
    });
    expect(fields).toEqual({
      eventId: 'e1',
      eventTime: undefined,
      eventName: 'GitPush',
      eventSource: 'codecommit.amazonaws.com',
      username: 'alice',
      principalArn: 'arn:aws:iam::1:user/alice',
      accessKeyId: 'AKIA1',
      readOnly: false,
      resourceTypes: ['AWS::CodeCommit::Repository'],
      resourceNames: ['repo', 'arn:aws:codecommit:us-east-1:1:repo'],
    });
  });
});
