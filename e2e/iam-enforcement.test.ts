import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeCommitClient, CreateRepositoryCommand, GetRepositoryCommand, DeleteBranchCommand } from '@aws-sdk/client-codecommit';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
  UpdateServiceSpecificCredentialCommand,
} from '@aws-sdk/client-iam';
import { git, gitResult, Stack, type AdminCredentials } from './support/stack';
import { makeTempDir } from '@cairn/testing';

/** The policy engine behind every API call and every pushed ref, with real IAM, SDK and git clients. */
describe('IAM policies enforced', () => {
  const stack = new Stack();
  const work = makeTempDir('cairn-iam-enforce-');
  let admin: AdminCredentials;
  let iam: IAMClient;

  beforeAll(async () => {
    await stack.start();
    admin = stack.credentials();
    iam = new IAMClient({ endpoint: admin.endpoint, region: admin.region, credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey } });
    const sdk = new CodeCommitClient({ endpoint: admin.endpoint, region: admin.region, credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey } });
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'guarded' }));
    sdk.destroy();
    const src = join(work, 'src');
    git(['init', '-q', '-b', 'main', src]);
    writeFileSync(join(src, 'f'), '1');
    git(['add', 'f'], { cwd: src });
    git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'one'], { cwd: src });
    git(['branch', 'feature'], { cwd: src });
    git(['push', '-q', stack.gitUrl('guarded'), 'main', 'feature'], { cwd: src });
  }, 240_000);

  afterAll(async () => {
    iam?.destroy();
    await stack.stop();
  });

  /** A user with the given managed policies and inline documents, and both kinds of credentials. */
  async function userWith(name: string, managed: string[], inline: Record<string, object> = {}) {
    await iam.send(new CreateUserCommand({ UserName: name }));
    for (const policy of managed) await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: `arn:aws:iam::aws:policy/${policy}` }));
    for (const [policyName, document] of Object.entries(inline)) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: policyName, PolicyDocument: JSON.stringify(document) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const cred = (await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: name, ServiceName: 'codecommit.amazonaws.com' }))).ServiceSpecificCredential!;
    const creds = { ...admin, gitUsername: cred.ServiceUserName!, gitPassword: cred.ServicePassword!, credentialId: cred.ServiceSpecificCredentialId! };
    const sdk = new CodeCommitClient({ endpoint: admin.endpoint, region: admin.region, maxAttempts: 1, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
    return { url: (repo: string) => stack.gitUrl(repo, creds), sdk, credentialId: creds.credentialId };
  }

  it('lets a read-only user clone and read, but not push or create', async () => {
    const reader = await userWith('reader', ['AWSCodeCommitReadOnly']);
    const clone = join(work, 'reader-clone');
    git(['clone', '-q', reader.url('guarded'), clone]);
    expect((await reader.sdk.send(new GetRepositoryCommand({ repositoryName: 'guarded' }))).repositoryMetadata?.repositoryName).toBe('guarded');
    await expect(reader.sdk.send(new CreateRepositoryCommand({ repositoryName: 'nope' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('is not authorized to perform: codecommit:CreateRepository'),
    });
    writeFileSync(join(clone, 'g'), '2');
    git(['add', 'g'], { cwd: clone });
    git(['-c', 'user.name=R', '-c', 'user.email=r@e', 'commit', '-q', '-m', 'two'], { cwd: clone });
    const push = gitResult(['push', reader.url('guarded'), 'main'], { cwd: clone });
    expect(push.status).not.toBe(0);
    expect(push.stderr).toContain('403');
    reader.sdk.destroy();
  });

  it('refuses a Git credential the moment it is deactivated', async () => {
    const user = await userWith('short-lived', ['AWSCodeCommitReadOnly']);
    expect(gitResult(['ls-remote', user.url('guarded')]).status).toBe(0);
    await iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'short-lived', ServiceSpecificCredentialId: user.credentialId, Status: 'Inactive' }));
    const refused = gitResult(['ls-remote', user.url('guarded')]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/Authentication failed|401/);
    user.sdk.destroy();
  });

  it('applies the documented branch-protection policy to pushes, branch deletion and deletes by push', async () => {
    const protectMain = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: ['codecommit:GitPush', 'codecommit:DeleteBranch', 'codecommit:PutFile', 'codecommit:MergeBranchesByFastForward'],
          Resource: `arn:aws:codecommit:${admin.region}:${admin.accountId}:guarded`,
          Condition: { StringEqualsIfExists: { 'codecommit:References': ['refs/heads/main'] }, Null: { 'codecommit:References': 'false' } },
        },
      ],
    };
    const dev = await userWith('developer', ['AWSCodeCommitPowerUser'], { 'protect-main': protectMain });
    const clone = join(work, 'dev-clone');
    git(['clone', '-q', dev.url('guarded'), clone]);
    writeFileSync(join(clone, 'h'), '3');
    git(['add', 'h'], { cwd: clone });
    git(['-c', 'user.name=D', '-c', 'user.email=d@e', 'commit', '-q', '-m', 'three'], { cwd: clone });

    const toMain = gitResult(['push', dev.url('guarded'), 'HEAD:main'], { cwd: clone });
    expect(toMain.status).not.toBe(0);
    expect(toMain.stderr).toMatch(/\[remote rejected\] HEAD -> main \(permission denied by policy\)/);

    const toFeature = gitResult(['push', dev.url('guarded'), 'HEAD:feature'], { cwd: clone });
    expect(toFeature.status).toBe(0);

    const deleteMainByPush = gitResult(['push', dev.url('guarded'), ':main'], { cwd: clone });
    expect(deleteMainByPush.status).not.toBe(0);
    await expect(dev.sdk.send(new DeleteBranchCommand({ repositoryName: 'guarded', branchName: 'main' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });

    // A push naming main and another branch is refused as a whole; neither ref moves.
    const before = git(['ls-remote', stack.gitUrl('guarded')]);
    const mixed = gitResult(['push', dev.url('guarded'), 'HEAD:main', 'HEAD:other'], { cwd: clone });
    expect(mixed.status).not.toBe(0);
    expect(git(['ls-remote', stack.gitUrl('guarded')])).toBe(before);
    dev.sdk.destroy();
  });
});
