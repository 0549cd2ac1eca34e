import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  SimulatePrincipalPolicyCommand,
  type SimulatePrincipalPolicyCommandInput,
} from '@aws-sdk/client-iam';
import { Stack } from './support/stack';

const execFileAsync = promisify(execFile);

/**
 * "May this user push to main?" asked the way an administrator asks it: SimulatePrincipalPolicy
 * through @aws-sdk/client-iam and `aws iam simulate-principal-policy`, against an all-in-one stack.
 */
describe('IAM SimulatePrincipalPolicy', () => {
  const stack = new Stack();
  let iam: IAMClient;
  let accountId: string;
  let repoArn: string;
  let devArn: string;
  let protectMain: string;

  beforeAll(async () => {
    await stack.start();
    const c = stack.credentials();
    accountId = c.accountId;
    iam = new IAMClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
    repoArn = `arn:aws:codecommit:${c.region}:${accountId}:guarded`;

    // The CodeCommit User Guide's branch protection: push anywhere but main.
    protectMain = JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Push', Effect: 'Allow', Action: ['codecommit:GitPush', 'codecommit:GitPull'], Resource: repoArn },
          {
            Sid: 'ProtectMain',
            Effect: 'Deny',
            Action: ['codecommit:GitPush', 'codecommit:DeleteBranch', 'codecommit:PutFile', 'codecommit:Merge*'],
            Resource: repoArn,
            Condition: { StringEqualsIfExists: { 'codecommit:References': ['refs/heads/main'] }, Null: { 'codecommit:References': 'false' } },
          },
        ],
      },
      null,
      2,
    );
    devArn = (await iam.send(new CreateUserCommand({ UserName: 'dev' }))).User!.Arn!;
    const policy = await iam.send(new CreatePolicyCommand({ PolicyName: 'ProtectMain', PolicyDocument: protectMain }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'dev', PolicyArn: policy.Policy!.Arn! }));
  }, 240_000);

  afterAll(async () => {
    iam?.destroy();
    await stack.stop();
  });

  const simulate = (input: Partial<SimulatePrincipalPolicyCommandInput>, client = iam) =>
    client.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: devArn, ActionNames: ['codecommit:GitPush'], ResourceArns: [repoArn], ...input }));
  const ref = (name: string) => [{ ContextKeyName: 'codecommit:References', ContextKeyValues: [name], ContextKeyType: 'string' as const }];

  it('answers explicitDeny for a push to main, naming the Deny statement and where it is', async () => {
    const r = await simulate({ ContextEntries: ref('refs/heads/main') });
    const lines = protectMain.split('\n');
    expect(r.EvaluationResults).toEqual([
      {
        EvalActionName: 'codecommit:GitPush',
        EvalResourceName: repoArn,
        EvalDecision: 'explicitDeny',
        MatchedStatements: [
          {
            SourcePolicyId: 'ProtectMain',
            SourcePolicyType: 'user-managed',
            // The second statement: from its "{" (the line after the first one's "},") to just past its "}".
            StartPosition: { Line: lines.indexOf('    },') + 2, Column: 5 },
            EndPosition: { Line: lines.length - 2, Column: 6 },
          },
        ],
        MissingContextValues: [],
      },
    ]);
    expect(r.IsTruncated).toBe(false);
  });

  it('answers allowed for a push to another branch, by the Allow statement', async () => {
    const r = await simulate({ ContextEntries: ref('refs/heads/feature') });
    expect(r.EvaluationResults![0]).toMatchObject({
      EvalDecision: 'allowed',
      MatchedStatements: [{ SourcePolicyId: 'ProtectMain', SourcePolicyType: 'user-managed', StartPosition: { Line: 4, Column: 5 } }],
      MissingContextValues: [],
    });
  });

  it('names the ref as a missing context value when none is given, and decides on "*" without resources', async () => {
    const r = await simulate({ ActionNames: ['codecommit:GitPush', 'codecommit:CreateRepository'] });
    expect(r.EvaluationResults!.map((e) => [e.EvalActionName, e.EvalDecision, e.MissingContextValues])).toEqual([
      ['codecommit:GitPush', 'allowed', ['codecommit:References']],
      ['codecommit:CreateRepository', 'implicitDeny', []],
    ]);
    const anywhere = await simulate({ ResourceArns: undefined, ActionNames: ['codecommit:ListRepositories'] });
    expect(anywhere.EvaluationResults![0]).toMatchObject({ EvalResourceName: '*', EvalDecision: 'implicitDeny', MatchedStatements: [] });
  });

  it("counts a group's policies for its members, and simulates the group itself", async () => {
    const group = await iam.send(new CreateGroupCommand({ GroupName: 'auditors' }));
    const read = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'codecommit:GetRepository', Resource: repoArn }] });
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'auditors', PolicyName: 'read-guarded', PolicyDocument: read }));
    expect((await simulate({ ActionNames: ['codecommit:GetRepository'] })).EvaluationResults![0]!.EvalDecision).toBe('implicitDeny');
    await iam.send(new AddUserToGroupCommand({ GroupName: 'auditors', UserName: 'dev' }));
    const asMember = await simulate({ ActionNames: ['codecommit:GetRepository'] });
    expect(asMember.EvaluationResults![0]).toMatchObject({ EvalDecision: 'allowed', MatchedStatements: [{ SourcePolicyId: 'read-guarded', SourcePolicyType: 'group' }] });
    const asGroup = await simulate({ PolicySourceArn: group.Group!.Arn!, ActionNames: ['codecommit:GetRepository', 'codecommit:GitPush'] });
    expect(asGroup.EvaluationResults!.map((e) => e.EvalDecision)).toEqual(['allowed', 'implicitDeny']);
  });

  it('evaluates PolicyInputList documents as if attached', async () => {
    const deny = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Deny', Action: 'codecommit:*', Resource: '*' } });
    const r = await simulate({ ContextEntries: ref('refs/heads/feature'), PolicyInputList: [deny] });
    expect(r.EvaluationResults![0]).toMatchObject({ EvalDecision: 'explicitDeny', MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'none' }] });
  });

  it("gives the administrator the simulated user's answer, and its own answer when it simulates itself", async () => {
    // The administrator asks about dev: dev's policies decide, not the administrator's powers.
    expect((await simulate({ ContextEntries: ref('refs/heads/main') })).EvaluationResults![0]!.EvalDecision).toBe('explicitDeny');
    const self = await simulate({ PolicySourceArn: stack.credentials().userArn, ContextEntries: ref('refs/heads/main') });
    expect(self.EvaluationResults![0]).toMatchObject({ EvalDecision: 'allowed', MatchedStatements: [] });
  });

  it('refuses an unknown entity with NoSuchEntity and bad input with InvalidInput', async () => {
    await expect(simulate({ PolicySourceArn: `arn:aws:iam::${accountId}:user/nobody` })).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user with name nobody cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(simulate({ ActionNames: ['GitPush'] })).rejects.toMatchObject({ name: 'InvalidInputException', $metadata: { httpStatusCode: 400 } });
    await expect(simulate({ ContextEntries: [{ ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['not an address'], ContextKeyType: 'ip' }] })).rejects.toMatchObject({
      name: 'InvalidInputException',
    });
  });

  it('needs iam:SimulatePrincipalPolicy on the simulated entity', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'curious' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'curious' }))).AccessKey!;
    const c = stack.credentials();
    const curious = new IAMClient({ endpoint: c.endpoint, region: c.region, maxAttempts: 1, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
    try {
      await expect(simulate({}, curious)).rejects.toMatchObject({
        name: 'AccessDenied',
        message: expect.stringContaining(`is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${devArn}`),
        $metadata: { httpStatusCode: 403 },
      });
      const mayAsk = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:SimulatePrincipalPolicy', Resource: devArn }] });
      await iam.send(new PutUserPolicyCommand({ UserName: 'curious', PolicyName: 'simulate-dev', PolicyDocument: mayAsk }));
      expect((await simulate({ ContextEntries: ref('refs/heads/main') }, curious)).EvaluationResults![0]!.EvalDecision).toBe('explicitDeny');
    } finally {
      curious.destroy();
    }
  });

  it('answers `aws iam simulate-principal-policy`', async () => {
    const c = stack.credentials();
    const cli = process.env.CAIRN_TEST_AWS_CLI;
    if (!cli) throw new Error(`AWS CLI unavailable: ${process.env.CAIRN_TEST_AWS_CLI_UNAVAILABLE ?? 'not set up by the global setup'}`);
    const args = [
      'iam',
      'simulate-principal-policy',
      '--policy-source-arn',
      devArn,
      '--action-names',
      'codecommit:GitPush',
      'codecommit:GitPull',
      '--resource-arns',
      repoArn,
      '--context-entries',
      'ContextKeyName=codecommit:References,ContextKeyValues=refs/heads/main,ContextKeyType=string',
      '--endpoint-url',
      c.endpoint,
      '--output',
      'json',
    ];
    const { stdout } = await execFileAsync(cli, args, {
      env: {
        PATH: process.env.PATH,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_ACCESS_KEY_ID: c.accessKeyId,
        AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
        AWS_DEFAULT_REGION: c.region,
      },
    });
    const out = JSON.parse(stdout) as { EvaluationResults: { EvalActionName: string; EvalDecision: string; MatchedStatements: { SourcePolicyId: string }[] }[] };
    expect(out.EvaluationResults.map((e) => [e.EvalActionName, e.EvalDecision, e.MatchedStatements.map((s) => s.SourcePolicyId)])).toEqual([
      ['codecommit:GitPush', 'explicitDeny', ['ProtectMain']],
      ['codecommit:GitPull', 'allowed', ['ProtectMain']],
    ]);
  });
});
