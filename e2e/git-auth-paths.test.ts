import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { dirname, join } from 'node:path';
import { CodeCommitClient, CreateRepositoryCommand, GetRepositoryCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-codecommit';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { gitPasswordSignature } from '@cairn/aws-protocol';
import { commitAll, initSource } from './support/fixtures';
import { git, gitResult, Stack } from './support/stack';
import { makeTempDir } from '@cairn/testing';

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Every way `git` authenticates over HTTPS, against a stack serving TLS itself: HTTPS Git
 * credentials, SigV4 Git passwords from the AWS CLI credential helper and from
 * git-remote-codecommit (`codecommit://`), temporary credentials with a session token, refusal of
 * inactive and deleted keys, brute-force throttling per principal and address, and the request
 * context policies see (aws:SourceIp, aws:ResourceTag).
 */
describe('git authentication paths', () => {
  const work = makeTempDir('cairn-git-auth-');
  const cert = join(work, 'cert.pem');
  const key = join(work, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  const stack = new Stack(undefined, { CAIRN_TLS_CERT_FILE: cert, CAIRN_TLS_KEY_FILE: key });
  const ca = readFileSync(cert);
  const cli = process.env.CAIRN_TEST_AWS_CLI;
  let admin: IAMClient;
  let developer: Keys;
  let region: string;
  let accountId: string;

  /** SDK clients trust the stack's certificate; `localAddress` picks the client's source address on loopback. */
  const sdkOptions = (credentials: Keys, localAddress = '127.0.0.1') => ({
    endpoint: stack.endpoint,
    region,
    credentials,
    maxAttempts: 1,
    requestHandler: { httpsAgent: new Agent({ ca, localAddress }) },
  });

  /** git as a fresh client machine runs it, trusting the stack's certificate, with the AWS CLI and git-remote-codecommit on PATH. */
  const gitEnv = (keys: Keys): Record<string, string> => ({
    PATH: `${dirname(cli!)}:${process.env.PATH}`,
    GIT_SSL_CAINFO: cert,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    ...(keys.sessionToken ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
    AWS_DEFAULT_REGION: region,
    CODE_COMMIT_ENDPOINT: `127.0.0.1:${stack.httpPort}`,
  });
  const HELPER = ['-c', 'credential.helper=', '-c', 'credential.helper=!aws codecommit credential-helper --ignore-host-check $@', '-c', 'credential.UseHttpPath=true'];
  const plainUrl = (repo: string) => `${stack.endpoint}/v1/repos/${repo}`;

  /** One smart-HTTP request with Basic credentials from a chosen loopback address; the status it got. */
  function infoRefs(repo: string, username: string, password: string, localAddress: string, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${plainUrl(repo)}/info/refs?service=git-upload-pack`,
        { ca, localAddress, headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`, ...headers } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  async function accessKey(userName: string): Promise<Keys> {
    const key = (await admin.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  }

  beforeAll(async () => {
    if (!cli) throw new Error(`AWS CLI unavailable: ${process.env.CAIRN_TEST_AWS_CLI_UNAVAILABLE ?? 'not set up by the global setup'}`);
    await stack.start();
    const c = stack.credentials();
    ({ region, accountId } = c);
    expect(c.endpoint).toBe(stack.endpoint);
    const adminKeys = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
    admin = new IAMClient(sdkOptions(adminKeys));
    const codecommit = new CodeCommitClient(sdkOptions(adminKeys));
    await codecommit.send(new CreateRepositoryCommand({ repositoryName: 'shared', tags: { team: 'blue' } }));
    await codecommit.send(new CreateRepositoryCommand({ repositoryName: 'secret', tags: { team: 'red' } }));
    codecommit.destroy();
    const src = initSource(join(work, 'src'));
    commitAll(src, 'first', (d) => writeFileSync(join(d, 'README'), 'hello\n'));
    git(['push', '-q', stack.gitUrl('shared'), 'main'], { cwd: src, env: { GIT_SSL_CAINFO: cert } });

    await admin.send(new CreateUserCommand({ UserName: 'dev' }));
    await admin.send(
      new PutUserPolicyCommand({
        UserName: 'dev',
        PolicyName: 'blue-team',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['codecommit:GitPull', 'codecommit:GitPush', 'codecommit:GetRepository'], Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } } },
            { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
          ],
        }),
      }),
    );
    developer = await accessKey('dev');
  }, 240_000);

  afterAll(async () => {
    admin?.destroy();
    await stack.stop();
  });

  it('clones and pushes over HTTPS with the AWS CLI credential helper', () => {
    const clone = join(work, 'helper-clone');
    git([...HELPER, 'clone', '-q', plainUrl('shared'), clone], { env: gitEnv(developer) });
    expect(readFileSync(join(clone, 'README'), 'utf8')).toBe('hello\n');
    const id = commitAll(clone, 'from the helper', (d) => writeFileSync(join(d, 'helper.txt'), 'x\n'));
    git([...HELPER, 'push', '-q', 'origin', 'main'], { cwd: clone, env: gitEnv(developer) });
    expect(git([...HELPER, 'ls-remote', plainUrl('shared'), 'refs/heads/main'], { env: gitEnv(developer) })).toContain(id);
  });

  it('clones and pushes with git-remote-codecommit (codecommit://), with long-term and temporary credentials', async () => {
    const clone = join(work, 'grc-clone');
    git(['clone', '-q', 'codecommit://shared', clone], { env: gitEnv(developer) });
    expect(readFileSync(join(clone, 'README'), 'utf8')).toBe('hello\n');
    const id = commitAll(clone, 'from grc', (d) => writeFileSync(join(d, 'grc.txt'), 'y\n'));
    git(['push', '-q', 'origin', 'main'], { cwd: clone, env: gitEnv(developer) });

    // A role that may only pull: its session clones with the session token, and may not push.
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }] };
    await admin.send(new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await admin.send(
      new PutRolePolicyCommand({ RoleName: 'reader', PolicyName: 'pull', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'codecommit:GitPull', Resource: '*' }] }) }),
    );
    const sts = new STSClient(sdkOptions(developer));
    const session = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/reader`, RoleSessionName: 'ci' }))).Credentials!;
    sts.destroy();
    const sessionKeys = { accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken! };
    const sessionClone = join(work, 'session-clone');
    git(['clone', '-q', 'codecommit://shared', sessionClone], { env: gitEnv(sessionKeys) });
    expect(git(['rev-parse', 'HEAD'], { cwd: sessionClone }).trim()).toBe(id);
    commitAll(sessionClone, 'not allowed', (d) => writeFileSync(join(d, 'nope.txt'), 'z\n'));
    const push = gitResult(['push', 'origin', 'main'], { cwd: sessionClone, env: gitEnv(sessionKeys) });
    expect(push.status).not.toBe(0);
    expect(push.stderr).toMatch(/403|not authorized/);
    // The access key id of a session without its token is refused.
    const tokenless = gitResult(['ls-remote', 'codecommit://shared'], { env: gitEnv({ ...sessionKeys, sessionToken: undefined }) });
    expect(tokenless.status).not.toBe(0);
  });

  it('refuses a wrong secret, and an access key at once when it is made inactive or deleted', async () => {
    const wrong = gitResult(['ls-remote', 'codecommit://shared'], { env: gitEnv({ ...developer, secretAccessKey: `${developer.secretAccessKey.slice(0, -1)}x` }) });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/Authentication failed|401/);

    const extra = await accessKey('dev');
    expect(gitResult(['ls-remote', 'codecommit://shared'], { env: gitEnv(extra) }).status).toBe(0);
    await admin.send(new UpdateAccessKeyCommand({ UserName: 'dev', AccessKeyId: extra.accessKeyId, Status: 'Inactive' }));
    expect(gitResult(['ls-remote', 'codecommit://shared'], { env: gitEnv(extra) }).status).not.toBe(0);
    await admin.send(new UpdateAccessKeyCommand({ UserName: 'dev', AccessKeyId: extra.accessKeyId, Status: 'Active' }));
    expect(gitResult(['ls-remote', 'codecommit://shared'], { env: gitEnv(extra) }).status).toBe(0);
    await admin.send(new DeleteAccessKeyCommand({ UserName: 'dev', AccessKeyId: extra.accessKeyId }));
    const deleted = gitResult([...HELPER, 'ls-remote', plainUrl('shared')], { env: gitEnv(extra) });
    expect(deleted.status).not.toBe(0);
    expect(deleted.stderr).toMatch(/Authentication failed|401/);
  });

  it('decides on the repository tags (aws:ResourceTag) for git and for the API', async () => {
    const denied = gitResult(['ls-remote', 'codecommit://secret'], { env: gitEnv(developer) });
    expect(denied.status).not.toBe(0);
    expect(denied.stderr).toMatch(/403/);
    const codecommit = new CodeCommitClient(sdkOptions(developer));
    await expect(codecommit.send(new GetRepositoryCommand({ repositoryName: 'shared' }))).resolves.toMatchObject({ repositoryMetadata: { repositoryName: 'shared' } });
    await expect(codecommit.send(new GetRepositoryCommand({ repositoryName: 'secret' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    codecommit.destroy();
  });

  it('throttles repeated bad passwords per principal and address, without locking the owner out elsewhere', async () => {
    await admin.send(new CreateUserCommand({ UserName: 'target' }));
    await admin.send(
      new PutUserPolicyCommand({ UserName: 'target', PolicyName: 'pull', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'codecommit:GitPull', Resource: '*' }] }) }),
    );
    const target = await accessKey('target');
    // The attacker, at 127.0.0.2, guesses passwords: 401 ten times (the default limit), then 429.
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push(await infoRefs('shared', target.accessKeyId, `20240101T000000Z${'0'.repeat(63)}${i % 10}`, '127.0.0.2'));
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    // The owner, at 127.0.0.1, is not locked out.
    expect(gitResult(['ls-remote', 'codecommit://shared'], { env: gitEnv(target) }).status).toBe(0);

    // Bad signatures on the API from 127.0.0.2 are throttled the same way, with the AWS error the SDKs retry on.
    const forged = new CodeCommitClient(sdkOptions({ accessKeyId: target.accessKeyId, secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret00' }, '127.0.0.2'));
    const errors: string[] = [];
    for (let i = 0; i < 3; i++) errors.push(await forged.send(new GetRepositoryCommand({ repositoryName: 'shared' })).then(() => 'ok', (e: Error) => e.name));
    forged.destroy();
    expect(errors).toEqual(['ThrottlingException', 'ThrottlingException', 'ThrottlingException']);
    // A client at 127.0.0.2 cannot escape by claiming another address.
    expect(await infoRefs('shared', target.accessKeyId, `20240101T000000Z${'0'.repeat(64)}`, '127.0.0.2', { 'x-forwarded-for': '192.0.2.1' })).toBe(429);
  });

  it('sees the client address as aws:SourceIp, which the client cannot forge with X-Forwarded-For', async () => {
    await admin.send(new CreateUserCommand({ UserName: 'office' }));
    await admin.send(
      new PutUserPolicyCommand({
        UserName: 'office',
        PolicyName: 'from-the-office',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['codecommit:GitPull', 'codecommit:GetRepository'], Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.1/32' } } }] }),
      }),
    );
    const office = await accessKey('office');
    expect(gitResult(['ls-remote', 'codecommit://shared'], { env: gitEnv(office) }).status).toBe(0);
    const inOffice = new CodeCommitClient(sdkOptions(office, '127.0.0.1'));
    const elsewhere = new CodeCommitClient(sdkOptions(office, '127.0.0.3'));
    await expect(inOffice.send(new GetRepositoryCommand({ repositoryName: 'shared' }))).resolves.toBeDefined();
    await expect(elsewhere.send(new GetRepositoryCommand({ repositoryName: 'shared' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    inOffice.destroy();
    elsewhere.destroy();

    // A SigV4 Git password as git-remote-codecommit makes it, sent from 127.0.0.3 claiming to be 127.0.0.1.
    const timestamp = new Date().toISOString().replace(/[-:]|\.\d{3}Z$/g, '');
    const signature = gitPasswordSignature({ secretAccessKey: office.secretAccessKey, region, host: `127.0.0.1:${stack.httpPort}`, path: '/v1/repos/shared', timestamp });
    expect(await infoRefs('shared', office.accessKeyId, `${timestamp}Z${signature}`, '127.0.0.1')).toBe(200);
    expect(await infoRefs('shared', office.accessKeyId, `${timestamp}Z${signature}`, '127.0.0.3', { 'x-forwarded-for': '127.0.0.1' })).toBe(403);
  });

  it('sees the tags a request sets as aws:RequestTag and aws:TagKeys', async () => {
    await admin.send(new CreateUserCommand({ UserName: 'tagger' }));
    await admin.send(
      new PutUserPolicyCommand({
        UserName: 'tagger',
        PolicyName: 'only-team-blue',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['codecommit:TagResource', 'codecommit:UntagResource'],
              Resource: '*',
              Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] }, StringEqualsIfExists: { 'aws:RequestTag/team': 'blue' } },
            },
          ],
        }),
      }),
    );
    const tagger = new CodeCommitClient(sdkOptions(await accessKey('tagger')));
    const resourceArn = `arn:aws:codecommit:${region}:${accountId}:shared`;
    await expect(tagger.send(new TagResourceCommand({ resourceArn, tags: { team: 'blue' } }))).resolves.toBeDefined();
    await expect(tagger.send(new TagResourceCommand({ resourceArn, tags: { team: 'red' } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(tagger.send(new TagResourceCommand({ resourceArn, tags: { team: 'blue', owner: 'me' } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(tagger.send(new UntagResourceCommand({ resourceArn, tagKeys: ['owner'] }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(tagger.send(new UntagResourceCommand({ resourceArn, tagKeys: ['team'] }))).resolves.toBeDefined();
    tagger.destroy();
  });
});
