import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteSSHPublicKeyCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetSSHPublicKeyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  ListSSHPublicKeysCommand,
  ListServiceSpecificCredentialsCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  ResetServiceSpecificCredentialCommand,
  UpdateAccessKeyCommand,
  UpdateSSHPublicKeyCommand,
  UpdateServiceSpecificCredentialCommand,
  UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { Stack } from './support/stack';
import { makeTempDir } from '@cairn/testing';

const execFileAsync = promisify(execFile);
const ALLOW_READ = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['codecommit:Get*', 'codecommit:GitPull'], Resource: '*' }] });
const READ_ONLY = 'arn:aws:iam::aws:policy/AWSCodeCommitReadOnly';
const POWER_USER = 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser';

/** The IAM API as @aws-sdk/client-iam and `aws iam` use it against an all-in-one stack. */
describe('IAM API', () => {
  const stack = new Stack();
  const keys = makeTempDir('cairn-iam-keys-');
  let iam: IAMClient;

  beforeAll(async () => {
    await stack.start();
    const c = stack.credentials();
    iam = new IAMClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
  }, 240_000);

  afterAll(async () => {
    iam?.destroy();
    await stack.stop();
  });

  /** `aws iam …` with the administrator's keys (or others), never a developer's profile. */
  async function awsCli(args: string[], credentials?: { accessKeyId: string; secretAccessKey: string }): Promise<{ code: number; stdout: string; stderr: string }> {
    const c = stack.credentials();
    const cli = process.env.CAIRN_TEST_AWS_CLI;
    if (!cli) throw new Error(`AWS CLI unavailable: ${process.env.CAIRN_TEST_AWS_CLI_UNAVAILABLE ?? 'not set up by the global setup'}`);
    try {
      const { stdout, stderr } = await execFileAsync(cli, ['iam', ...args, '--endpoint-url', c.endpoint, '--output', 'json'], {
        env: {
          PATH: process.env.PATH,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_ACCESS_KEY_ID: credentials?.accessKeyId ?? c.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials?.secretAccessKey ?? c.secretAccessKey,
          AWS_DEFAULT_REGION: c.region,
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const clientFor = (accessKeyId: string, secretAccessKey: string) =>
    new IAMClient({ endpoint: stack.endpoint, region: stack.credentials().region, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey } });

  function sshKeygen(name: string): { line: string; md5: string } {
    const path = join(keys, name);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
    const md5 = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', `${path}.pub`], { encoding: 'utf8' }).split(' ')[1]!.replace(/^MD5:/, '');
    return { line: readFileSync(`${path}.pub`, 'utf8').trim(), md5 };
  }

  it('manages users and groups, pages lists, and refuses to delete what is still in use', async () => {
    const c = stack.credentials();
    expect((await iam.send(new GetUserCommand({}))).User).toMatchObject({ UserName: 'admin', Arn: c.userArn });
    for (const name of ['alice', 'bob', 'carol']) await iam.send(new CreateUserCommand({ UserName: name, Path: '/staff/' }));
    const alice = (await iam.send(new GetUserCommand({ UserName: 'alice' }))).User!;
    expect(alice).toMatchObject({ UserName: 'alice', Path: '/staff/', Arn: `arn:aws:iam::${c.accountId}:user/staff/alice` });
    expect(alice.UserId).toMatch(/^AIDA/);
    expect(alice.CreateDate).toBeInstanceOf(Date);

    const first = await iam.send(new ListUsersCommand({ PathPrefix: '/staff/', MaxItems: 2 }));
    expect(first.Users!.map((u) => u.UserName)).toEqual(['alice', 'bob']);
    expect(first.IsTruncated).toBe(true);
    const rest = await iam.send(new ListUsersCommand({ PathPrefix: '/staff/', MaxItems: 2, Marker: first.Marker }));
    expect(rest.Users!.map((u) => u.UserName)).toEqual(['carol']);
    expect(rest.IsTruncated).toBe(false);
    expect(rest.Marker).toBeUndefined();

    await iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'alice' }));
    const group = await iam.send(new GetGroupCommand({ GroupName: 'readers' }));
    expect(group.Group).toMatchObject({ GroupName: 'readers', Arn: `arn:aws:iam::${c.accountId}:group/readers` });
    expect(group.Users!.map((u) => u.UserName)).toEqual(['alice']);
    expect((await iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }))).Groups!.map((g) => g.GroupName)).toEqual(['readers']);

    await expect(iam.send(new DeleteUserCommand({ UserName: 'alice' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must remove users from group first.',
      $metadata: { httpStatusCode: 409 },
    });
    await expect(iam.send(new DeleteGroupCommand({ GroupName: 'readers' }))).rejects.toMatchObject({ name: 'DeleteConflictException' });
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'readers', UserName: 'alice' }));
    await iam.send(new DeleteGroupCommand({ GroupName: 'readers' }));
    await iam.send(new DeleteUserCommand({ UserName: 'alice' }));
    await expect(iam.send(new GetUserCommand({ UserName: 'alice' }))).rejects.toMatchObject({ name: 'NoSuchEntityException', $metadata: { httpStatusCode: 404 } });
    await expect(iam.send(new CreateUserCommand({ UserName: 'BOB' }))).rejects.toMatchObject({ name: 'EntityAlreadyExistsException', $metadata: { httpStatusCode: 409 } });
    await expect(iam.send(new CreateUserCommand({ UserName: 'no spaces' }))).rejects.toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
    await expect(iam.send(new ListUsersCommand({ Marker: 'not-a-marker' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });

  it('versions customer managed policies and attaches managed and inline policies', async () => {
    const c = stack.credentials();
    await iam.send(new CreateUserCommand({ UserName: 'dana' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'builders' }));
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${c.accountId}:root` }, Action: 'sts:AssumeRole' }] });
    const role = (await iam.send(new CreateRoleCommand({ RoleName: 'ci', AssumeRolePolicyDocument: trust, Description: 'runs builds' }))).Role!;
    expect(role).toMatchObject({ RoleName: 'ci', Arn: `arn:aws:iam::${c.accountId}:role/ci`, MaxSessionDuration: 3600, Description: 'runs builds' });
    // IAM returns documents URL-encoded; the SDK leaves them so.
    expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!))).toEqual(JSON.parse(trust));
    expect(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: 'ci' }))).Role!.AssumeRolePolicyDocument!)).toBe(trust);
    expect((await iam.send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName)).toContain('ci');

    const policy = (await iam.send(new CreatePolicyCommand({ PolicyName: 'read-repos', PolicyDocument: ALLOW_READ, Description: 'reads' }))).Policy!;
    expect(policy).toMatchObject({ PolicyName: 'read-repos', Arn: `arn:aws:iam::${c.accountId}:policy/read-repos`, DefaultVersionId: 'v1', AttachmentCount: 0, IsAttachable: true });
    const version = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: ALLOW_READ.replace('Get*', 'List*'), SetAsDefault: true }));
    expect(version.PolicyVersion).toMatchObject({ VersionId: 'v2', IsDefaultVersion: true });
    const fetched = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: 'v2' }))).PolicyVersion!;
    expect(fetched.Document).toBe(encodeURIComponent(ALLOW_READ.replace('Get*', 'List*')));
    for (let i = 0; i < 3; i++) await iam.send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: ALLOW_READ }));
    await expect(iam.send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: ALLOW_READ }))).rejects.toMatchObject({
      name: 'LimitExceededException',
      $metadata: { httpStatusCode: 409 },
    });
    await expect(iam.send(new CreatePolicyCommand({ PolicyName: 'broken', PolicyDocument: '{"Statement": [' }))).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
      $metadata: { httpStatusCode: 400 },
    });

    await iam.send(new AttachUserPolicyCommand({ UserName: 'dana', PolicyArn: policy.Arn }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'dana', PolicyArn: READ_ONLY }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'builders', PolicyArn: POWER_USER }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'ci', PolicyArn: 'arn:aws:iam::aws:policy/AWSCodeCommitFullAccess' }));
    expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'dana' }))).AttachedPolicies).toEqual([
      { PolicyName: 'AWSCodeCommitReadOnly', PolicyArn: READ_ONLY },
      { PolicyName: 'read-repos', PolicyArn: policy.Arn },
    ]);
    expect((await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'builders' }))).AttachedPolicies).toEqual([{ PolicyName: 'AWSCodeCommitPowerUser', PolicyArn: POWER_USER }]);
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'ci' }))).AttachedPolicies!.map((p) => p.PolicyName)).toEqual(['AWSCodeCommitFullAccess']);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!.AttachmentCount).toBe(1);
    const local = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(local.Policies!.map((p) => p.PolicyName)).toEqual(['read-repos']);
    const awsAttached = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true }));
    expect(awsAttached.Policies!.map((p) => p.PolicyName).sort()).toEqual(['AWSCodeCommitFullAccess', 'AWSCodeCommitPowerUser', 'AWSCodeCommitReadOnly']);
    await expect(iam.send(new DeletePolicyCommand({ PolicyArn: policy.Arn }))).rejects.toMatchObject({ name: 'DeleteConflictException' });
    await expect(iam.send(new DeleteRoleCommand({ RoleName: 'ci' }))).rejects.toMatchObject({ name: 'DeleteConflictException', message: 'Cannot delete entity, must detach all policies first.' });

    await iam.send(new PutUserPolicyCommand({ UserName: 'dana', PolicyName: 'inline-read', PolicyDocument: ALLOW_READ }));
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'dana' }))).PolicyNames).toEqual(['inline-read']);
    const inline = await iam.send(new GetUserPolicyCommand({ UserName: 'dana', PolicyName: 'inline-read' }));
    expect(inline).toMatchObject({ UserName: 'dana', PolicyName: 'inline-read', PolicyDocument: encodeURIComponent(ALLOW_READ) });
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'dana', PolicyName: 'inline-read' }));
    await expect(iam.send(new GetUserPolicyCommand({ UserName: 'dana', PolicyName: 'inline-read' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });

    await iam.send(new DetachUserPolicyCommand({ UserName: 'dana', PolicyArn: policy.Arn }));
    await iam.send(new DetachGroupPolicyCommand({ GroupName: 'builders', PolicyArn: POWER_USER }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'ci', PolicyArn: 'arn:aws:iam::aws:policy/AWSCodeCommitFullAccess' }));
    await expect(iam.send(new DetachUserPolicyCommand({ UserName: 'dana', PolicyArn: policy.Arn }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    await iam.send(new DeleteRoleCommand({ RoleName: 'ci' }));
  });

  it('issues access keys that sign requests until they are deactivated or deleted', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'erin' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'erin' }))).AccessKey!;
    expect(key).toMatchObject({ UserName: 'erin', Status: 'Active' });
    expect(key.AccessKeyId).toMatch(/^AKIA/);
    await iam.send(new CreateAccessKeyCommand({ UserName: 'erin' }));
    await expect(iam.send(new CreateAccessKeyCommand({ UserName: 'erin' }))).rejects.toMatchObject({ name: 'LimitExceededException', message: 'Cannot exceed quota for AccessKeysPerUser: 2' });
    const listed = (await iam.send(new ListAccessKeysCommand({ UserName: 'erin' }))).AccessKeyMetadata!;
    expect(listed).toHaveLength(2);
    expect(listed[0]).not.toHaveProperty('SecretAccessKey');

    // Erin's key authenticates (her request is refused by policy, not by signature).
    const erin = clientFor(key.AccessKeyId!, key.SecretAccessKey!);
    try {
      await expect(erin.send(new GetUserCommand({}))).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      await iam.send(new UpdateAccessKeyCommand({ UserName: 'erin', AccessKeyId: key.AccessKeyId, Status: 'Inactive' }));
      await expect(erin.send(new GetUserCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } });
      await iam.send(new UpdateAccessKeyCommand({ UserName: 'erin', AccessKeyId: key.AccessKeyId, Status: 'Active' }));
      await expect(erin.send(new GetUserCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
      await iam.send(new DeleteAccessKeyCommand({ UserName: 'erin', AccessKeyId: key.AccessKeyId }));
      await expect(erin.send(new GetUserCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    } finally {
      erin.destroy();
    }
    await expect(iam.send(new DeleteUserCommand({ UserName: 'erin' }))).rejects.toMatchObject({ name: 'DeleteConflictException', message: 'Cannot delete entity, must delete access keys first.' });
  });

  it('manages HTTPS Git credentials, and git sees a deactivated one at once', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'frank' }));
    const created = (await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'frank', ServiceName: 'codecommit.amazonaws.com' }))).ServiceSpecificCredential!;
    const id = created.ServiceSpecificCredentialId!;
    await iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'frank', ServiceSpecificCredentialId: id, Status: 'Inactive' }));
    const listed = (await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'frank' }))).ServiceSpecificCredentials!;
    expect(listed).toEqual([expect.objectContaining({ ServiceSpecificCredentialId: id, ServiceUserName: created.ServiceUserName, Status: 'Inactive', ServiceName: 'codecommit.amazonaws.com' })]);

    const status = async (password: string) =>
      (
        await fetch(`${stack.endpoint}/v1/repos/anything/info/refs?service=git-upload-pack`, {
          headers: { authorization: `Basic ${Buffer.from(`${created.ServiceUserName}:${password}`).toString('base64')}` },
        })
      ).status;
    // Inactive: not authenticated (401). Active: authenticated, then refused by policy (403).
    expect(await status(created.ServicePassword!)).toBe(401);
    const reset = (await iam.send(new ResetServiceSpecificCredentialCommand({ UserName: 'frank', ServiceSpecificCredentialId: id }))).ServiceSpecificCredential!;
    expect(reset.ServicePassword).not.toBe(created.ServicePassword);
    await iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'frank', ServiceSpecificCredentialId: id, Status: 'Active' }));
    expect(await status(created.ServicePassword!)).toBe(401);
    expect(await status(reset.ServicePassword!)).toBe(403);
    await iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'frank', ServiceSpecificCredentialId: id }));
    expect((await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'frank' }))).ServiceSpecificCredentials).toEqual([]);
  });

  it('stores SSH public keys with IAM ids and fingerprints', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'gina' }));
    const key = sshKeygen('gina');
    const uploaded = (await iam.send(new UploadSSHPublicKeyCommand({ UserName: 'gina', SSHPublicKeyBody: key.line }))).SSHPublicKey!;
    expect(uploaded).toMatchObject({ UserName: 'gina', Fingerprint: key.md5, Status: 'Active', SSHPublicKeyBody: key.line.split(' ').slice(0, 2).join(' ') });
    expect(uploaded.SSHPublicKeyId).toMatch(/^APKA[A-Z2-7]{16}$/);
    expect(uploaded.UploadDate).toBeInstanceOf(Date);
    await expect(iam.send(new UploadSSHPublicKeyCommand({ UserName: 'gina', SSHPublicKeyBody: key.line }))).rejects.toMatchObject({
      name: 'DuplicateSSHPublicKeyException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(iam.send(new UploadSSHPublicKeyCommand({ UserName: 'gina', SSHPublicKeyBody: 'ssh-rsa AAAA' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    await expect(iam.send(new UploadSSHPublicKeyCommand({ UserName: 'gina', SSHPublicKeyBody: 'hello' }))).rejects.toMatchObject({ name: 'UnrecognizedPublicKeyEncodingException' });

    await iam.send(new UpdateSSHPublicKeyCommand({ UserName: 'gina', SSHPublicKeyId: uploaded.SSHPublicKeyId, Status: 'Inactive' }));
    const listed = (await iam.send(new ListSSHPublicKeysCommand({ UserName: 'gina' }))).SSHPublicKeys!;
    expect(listed).toEqual([{ UserName: 'gina', SSHPublicKeyId: uploaded.SSHPublicKeyId, Status: 'Inactive', UploadDate: uploaded.UploadDate }]);
    const got = (await iam.send(new GetSSHPublicKeyCommand({ UserName: 'gina', SSHPublicKeyId: uploaded.SSHPublicKeyId, Encoding: 'SSH' }))).SSHPublicKey!;
    expect(got).toMatchObject({ Fingerprint: key.md5, Status: 'Inactive' });
    await expect(iam.send(new DeleteUserCommand({ UserName: 'gina' }))).rejects.toMatchObject({ name: 'DeleteConflictException' });
    await iam.send(new DeleteSSHPublicKeyCommand({ UserName: 'gina', SSHPublicKeyId: uploaded.SSHPublicKeyId }));
    await expect(iam.send(new GetSSHPublicKeyCommand({ UserName: 'gina', SSHPublicKeyId: uploaded.SSHPublicKeyId, Encoding: 'SSH' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    await iam.send(new DeleteUserCommand({ UserName: 'gina' }));
  });

  it('works with the AWS CLI, which decodes policy documents and names IAM errors', async () => {
    const c = stack.credentials();
    expect((await awsCli(['create-user', '--user-name', 'cli-user'])).code).toBe(0);
    const created = await awsCli(['create-policy', '--policy-name', 'cli-policy', '--policy-document', ALLOW_READ]);
    expect(created.code).toBe(0);
    const arn = `arn:aws:iam::${c.accountId}:policy/cli-policy`;
    expect(JSON.parse(created.stdout).Policy.Arn).toBe(arn);
    const version = await awsCli(['get-policy-version', '--policy-arn', arn, '--version-id', 'v1']);
    expect(JSON.parse(version.stdout).PolicyVersion.Document).toEqual(JSON.parse(ALLOW_READ));
    expect((await awsCli(['attach-user-policy', '--user-name', 'cli-user', '--policy-arn', arn])).code).toBe(0);

    const listed = await awsCli(['list-users']);
    expect(JSON.parse(listed.stdout).Users.map((u: { UserName: string }) => u.UserName)).toEqual(expect.arrayContaining(['admin', 'cli-user']));
    const key = JSON.parse((await awsCli(['create-access-key', '--user-name', 'cli-user'])).stdout).AccessKey;
    expect(key.AccessKeyId).toMatch(/^AKIA/);
    // The new user's own key authenticates; policy then refuses (until it allows IAM actions).
    const asUser = await awsCli(['get-user'], { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey });
    expect(asUser.code).not.toBe(0);
    expect(asUser.stderr).toContain('(AccessDenied)');

    const conflict = await awsCli(['delete-user', '--user-name', 'cli-user']);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('(DeleteConflict)');
    const missing = await awsCli(['get-user', '--user-name', 'nobody-here']);
    expect(missing.stderr).toContain('(NoSuchEntity)');
    const upload = await awsCli(['upload-ssh-public-key', '--user-name', 'cli-user', '--ssh-public-key-body', sshKeygen('cli').line]);
    expect(JSON.parse(upload.stdout).SSHPublicKey.SSHPublicKeyId).toMatch(/^APKA/);
  });
});
