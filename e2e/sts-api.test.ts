import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CodeCommitClient, ListRepositoriesCommand } from '@aws-sdk/client-codecommit';
import { CreateRoleCommand, CreateUserCommand, IAMClient, CreateAccessKeyCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Stack } from './support/stack';

const execFileAsync = promisify(execFile);

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** STS as @aws-sdk/client-sts and `aws sts` use it, and the session credentials it issues. */
describe('STS API', () => {
  const stack = new Stack();
  let admin: Keys;
  let sts: STSClient;
  let iam: IAMClient;

  beforeAll(async () => {
    await stack.start();
    const c = stack.credentials();
    admin = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
    sts = stsFor(admin);
    iam = new IAMClient({ endpoint: c.endpoint, region: c.region, credentials: admin });
    const trust = (principal: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }] });
    await iam.send(new CreateRoleCommand({ RoleName: 'deployer', AssumeRolePolicyDocument: trust(`arn:aws:iam::${c.accountId}:root`), MaxSessionDuration: 7200 }));
    await iam.send(new CreateRoleCommand({ RoleName: 'foreign', AssumeRolePolicyDocument: trust('arn:aws:iam::111122223333:root') }));
  }, 240_000);

  afterAll(async () => {
    sts?.destroy();
    iam?.destroy();
    await stack.stop();
  });

  function stsFor(credentials: Keys): STSClient {
    const c = stack.credentials();
    return new STSClient({ endpoint: c.endpoint, region: c.region, maxAttempts: 1, credentials });
  }

  async function awsCli(args: string[], keys: Keys = admin): Promise<{ code: number; stdout: string; stderr: string }> {
    const c = stack.credentials();
    const cli = process.env.CAIRN_TEST_AWS_CLI;
    if (!cli) throw new Error(`AWS CLI unavailable: ${process.env.CAIRN_TEST_AWS_CLI_UNAVAILABLE ?? 'not set up by the global setup'}`);
    try {
      const { stdout, stderr } = await execFileAsync(cli, [...args, '--endpoint-url', c.endpoint, '--output', 'json'], {
        env: {
          PATH: process.env.PATH,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_ACCESS_KEY_ID: keys.accessKeyId,
          AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
          ...(keys.sessionToken ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
          AWS_DEFAULT_REGION: c.region,
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('tells a user who they are', async () => {
    const c = stack.credentials();
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: c.accountId, Arn: c.userArn });
    expect(me.UserId).toMatch(/^AIDA/);
  });

  it('assumes a role whose trust policy names the account, and the session signs SigV4 requests', async () => {
    const c = stack.credentials();
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${c.accountId}:role/deployer`, RoleSessionName: 'release', DurationSeconds: 7200 }));
    const creds = assumed.Credentials!;
    expect(creds.AccessKeyId).toMatch(/^ASIA/);
    expect(creds.SecretAccessKey).toBeTruthy();
    expect(creds.SessionToken).toBeTruthy();
    expect(Math.abs(creds.Expiration!.getTime() - Date.now() - 7200_000)).toBeLessThan(60_000);
    expect(assumed.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${c.accountId}:assumed-role/deployer/release`);
    expect(assumed.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z2-7]+:release$/);

    const session: Keys = { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! };
    const asRole = stsFor(session);
    try {
      expect(await asRole.send(new GetCallerIdentityCommand({}))).toMatchObject({
        Account: c.accountId,
        Arn: assumed.AssumedRoleUser!.Arn,
        UserId: assumed.AssumedRoleUser!.AssumedRoleId,
      });
    } finally {
      asRole.destroy();
    }

    // CodeCommit accepts the session's signature and asks policy about the role session.
    const codecommit = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, maxAttempts: 1, credentials: session });
    const noToken = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, maxAttempts: 1, credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey } });
    try {
      await expect(codecommit.send(new ListRepositoriesCommand({}))).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining(assumed.AssumedRoleUser!.Arn!),
      });
      await expect(noToken.send(new ListRepositoriesCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    } finally {
      codecommit.destroy();
      noToken.destroy();
    }
  });

  it('refuses roles the caller is not trusted by, and durations the role does not allow', async () => {
    const c = stack.credentials();
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${c.accountId}:role/foreign`, RoleSessionName: 'nope' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${c.accountId}:role/missing`, RoleSessionName: 'nope' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${c.accountId}:role/deployer`, RoleSessionName: 'long', DurationSeconds: 7201 }))).rejects.toMatchObject({
      name: 'ValidationError',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${c.accountId}:role/deployer`, RoleSessionName: 'short', DurationSeconds: 60 }))).rejects.toMatchObject({
      name: 'ValidationError',
    });
    // Another user of the account is not the account: it needs its own permission to assume the role.
    await iam.send(new CreateUserCommand({ UserName: 'hopeful' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'hopeful' }))).AccessKey!;
    const hopeful = stsFor({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    try {
      expect((await hopeful.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${c.accountId}:user/hopeful`);
      await expect(hopeful.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${c.accountId}:role/deployer`, RoleSessionName: 'try' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    } finally {
      hopeful.destroy();
    }
  });

  it('works with aws sts and session credentials in the AWS CLI', async () => {
    const c = stack.credentials();
    const me = await awsCli(['sts', 'get-caller-identity']);
    expect(JSON.parse(me.stdout)).toMatchObject({ Account: c.accountId, Arn: c.userArn });
    const assumed = await awsCli(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${c.accountId}:role/deployer`, '--role-session-name', 'cli-session']);
    expect(assumed.code).toBe(0);
    const creds = JSON.parse(assumed.stdout).Credentials;
    const session: Keys = { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };
    const who = await awsCli(['sts', 'get-caller-identity'], session);
    expect(JSON.parse(who.stdout).Arn).toBe(`arn:aws:sts::${c.accountId}:assumed-role/deployer/cli-session`);
    const denied = await awsCli(['codecommit', 'list-repositories'], session);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('(AccessDeniedException)');
    const refused = await awsCli(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${c.accountId}:role/foreign`, '--role-session-name', 'outsider']);
    expect(refused.stderr).toContain('(AccessDenied)');
    // A role session is not a user: IAM asks for a user name.
    const asSession = new IAMClient({ endpoint: c.endpoint, region: c.region, maxAttempts: 1, credentials: session });
    try {
      await expect(asSession.send(new GetUserCommand({}))).rejects.toMatchObject({ name: 'ValidationError', message: 'Must specify userName when calling with non-User credentials' });
    } finally {
      asSession.destroy();
    }
  });
});
