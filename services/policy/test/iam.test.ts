import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Client } from 'pg';
import { callUnary, createClient, iam, policy } from '@cairn/contracts';
import { startGrpcServer, RunningGrpcServer } from '@cairn/runtime';
import { createTestDatabase, makeTempDir } from '@cairn/testing';
import { PolicyModule } from '../src/app.module';
import { PolicyGrpcController } from '../src/policy.grpc.controller';
import { IamGrpcController } from '../src/iam/iam.grpc.controller';
import { PoliciesService } from '../src/policies/policies.service';

const { ENTITY_KIND_USER: USER, ENTITY_KIND_GROUP: GROUP, ENTITY_KIND_ROLE: ROLE } = iam.EntityKind;
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'codecommit:*', Resource: '*' }] });
const READ_ONLY = 'arn:aws:iam::aws:policy/AWSCodeCommitReadOnly';

/** The IAM/STS management RPCs and the credential checks they feed, on real PostgreSQL over real gRPC. */
describe('policy service: IAM and STS', () => {
  let databaseUrl: string;
  let dir: string;
  let app: INestApplicationContext;
  let server: RunningGrpcServer;
  let client: policy.PolicyClient;
  let iamClient: iam.IamClient;
  let db: Client;
  let admin: Record<string, string>;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('policy_iam');
    dir = makeTempDir('policy-iam-test');
    writeFileSync(join(dir, 'master.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
    process.env.CAIRN_DATABASE_URL = databaseUrl;
    process.env.CAIRN_MASTER_KEY_FILE = join(dir, 'master.key');
    process.env.CAIRN_BOOTSTRAP_OUTPUT = join(dir, 'bootstrap.json');
    app = await NestFactory.createApplicationContext(PolicyModule, { logger: false });
    await app.init();
    server = await startGrpcServer('127.0.0.1', 0, [
      { definition: policy.PolicyService, implementation: app.get(PolicyGrpcController).implementation },
      { definition: iam.IamService, implementation: app.get(IamGrpcController).implementation },
    ]);
    client = createClient(policy.PolicyClient, `127.0.0.1:${server.port}`);
    iamClient = createClient(iam.IamClient, `127.0.0.1:${server.port}`);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    admin = JSON.parse(readFileSync(join(dir, 'bootstrap.json'), 'utf8')) as Record<string, string>;
  });

  afterAll(async () => {
    await db.end();
    client.close();
    iamClient.close();
    await server.stop();
    await app.close();
  });

  const c = () => iamClient;
  const createUser = (userName: string, path = '') => callUnary(client, client.createUser, { userName, path });
  const adminPrincipal = async () => (await callUnary(client, client.verifyGitCredential, { username: admin.gitUsername!, password: admin.gitPassword! })).principal!;

  /** Calls an RPC that must fail, and returns its domain code and message. */
  async function failure(call: Promise<unknown>): Promise<{ code: string; message: string }> {
    try {
      await call;
    } catch (error) {
      const e = error as { metadata: { get(k: string): unknown[] }; details: string };
      return { code: String(e.metadata.get('cairn-error-code')[0]), message: e.details };
    }
    throw new Error('expected the call to fail');
  }

  /** A real key pair made by ssh-keygen, with its public line and ssh-keygen's MD5 fingerprint. */
  function sshKeygen(type: string, bits?: number) {
    const path = join(dir, `key-${type}-${bits ?? 0}-${randomBytes(4).toString('hex')}`);
    execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', 'me@laptop', '-f', path]);
    const line = readFileSync(`${path}.pub`, 'utf8').trim();
    const md5 = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', `${path}.pub`], { encoding: 'utf8' }).split(' ')[1]!.replace(/^MD5:/, '');
    // ssh-keygen exports RSA and ECDSA keys as PEM, not ed25519 ones.
    const pem = type === 'ed25519' ? '' : execFileSync('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', `${path}.pub`], { encoding: 'utf8' });
    return { line, md5, pem, blob: Buffer.from(line.split(' ')[1]!, 'base64') };
  }

  /** A CodeCommit API request signed as a client would, checked by VerifySignature. */
  /** `sentToken`: what the request carries as X-Amz-Security-Token instead of the signed one. */
  async function verify(accessKeyId: string, secretAccessKey: string, sessionToken?: string, sentToken?: string) {
    const body = '{}';
    const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey, sessionToken }, region: 'us-east-1', service: 'codecommit', sha256: Sha256 });
    const request = await signer.sign(
      new HttpRequest({
        method: 'POST',
        hostname: '127.0.0.1',
        path: '/',
        headers: { host: '127.0.0.1', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodeCommit_20150413.ListRepositories' },
        body,
      }),
    );
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = String(v);
    if (sentToken !== undefined) headers['x-amz-security-token'] = sentToken;
    return callUnary(client, client.verifySignature, { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body), allowedServices: ['codecommit'] });
  }

  it('gets, pages through and deletes users', async () => {
    for (const name of ['page-c', 'page-a', 'page-e', 'page-b', 'page-d']) await createUser(name, '/paged/');
    expect((await callUnary(c(), c().getUser, { userName: 'PAGE-A' })).user).toMatchObject({ userName: 'page-a', path: '/paged/', arn: `arn:aws:iam::${admin.accountId}:user/paged/page-a` });
    const seen: string[] = [];
    let marker = '';
    let pages = 0;
    do {
      const page = await callUnary(c(), c().listUsers, { pathPrefix: '/paged/', marker, maxItems: 2 });
      seen.push(...page.users.map((u) => u.userName));
      expect(page.users.length).toBeLessThanOrEqual(2);
      marker = page.isTruncated ? page.marker : '';
      pages++;
    } while (marker);
    expect(seen).toEqual(['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
    expect(pages).toBe(3);
    expect((await callUnary(c(), c().listUsers, { pathPrefix: '', marker: '', maxItems: 0 })).users.map((u) => u.userName)).toEqual(expect.arrayContaining(['admin', 'page-a']));
    expect(await failure(callUnary(c(), c().listUsers, { pathPrefix: '', marker: 'garbage', maxItems: 0 }))).toMatchObject({ code: 'ValidationErrorException' });
    expect(await failure(callUnary(c(), c().listUsers, { pathPrefix: '', marker: '', maxItems: 1001 }))).toMatchObject({ code: 'ValidationErrorException' });

    await callUnary(c(), c().deleteUser, { userName: 'page-e' });
    expect(await failure(callUnary(c(), c().getUser, { userName: 'page-e' }))).toEqual({ code: 'NoSuchEntityException', message: 'The user with name page-e cannot be found.' });
    expect(await failure(callUnary(c(), c().deleteUser, { userName: 'page-e' }))).toMatchObject({ code: 'NoSuchEntityException' });
  });

  it('refuses to delete a user while anything is attached to it, naming what', async () => {
    await createUser('busy');
    const conflict = async () => (await failure(callUnary(c(), c().deleteUser, { userName: 'busy' }))).message;
    const { group } = await callUnary(c(), c().createGroup, { groupName: 'busy-group', path: '' });
    const key = (await callUnary(c(), c().createAccessKey, { userName: 'busy' })).accessKey!;
    const git = (await callUnary(client, client.createServiceSpecificCredential, { userName: 'busy', serviceName: 'codecommit.amazonaws.com' })).credential!;
    const ssh = (await callUnary(c(), c().uploadSshPublicKey, { userName: 'busy', sshPublicKeyBody: sshKeygen('ed25519').line })).sshPublicKey!;
    await callUnary(c(), c().addUserToGroup, { groupName: group!.groupName, userName: 'busy' });
    await callUnary(c(), c().attachPolicy, { kind: USER, entityName: 'busy', policyArn: READ_ONLY });
    await callUnary(c(), c().putInlinePolicy, { kind: USER, entityName: 'busy', policyName: 'inline', policyDocument: ALLOW_ALL });

    expect(await conflict()).toBe('Cannot delete entity, must delete access keys first.');
    await callUnary(c(), c().deleteAccessKey, { userName: 'busy', accessKeyId: key.accessKeyId });
    expect(await conflict()).toBe('Cannot delete entity, must delete service specific credentials first.');
    await callUnary(c(), c().deleteServiceSpecificCredential, { userName: 'busy', serviceSpecificCredentialId: git.serviceSpecificCredentialId });
    expect(await conflict()).toBe('Cannot delete entity, must delete SSH public keys first.');
    await callUnary(c(), c().deleteSshPublicKey, { userName: 'busy', sshPublicKeyId: ssh.sshPublicKeyId });
    expect(await conflict()).toBe('Cannot delete entity, must remove users from group first.');
    await callUnary(c(), c().removeUserFromGroup, { groupName: 'busy-group', userName: 'busy' });
    expect(await conflict()).toBe('Cannot delete entity, must detach all policies first.');
    await callUnary(c(), c().detachPolicy, { kind: USER, entityName: 'busy', policyArn: READ_ONLY });
    expect(await conflict()).toBe('Cannot delete entity, must delete policies first.');
    await callUnary(c(), c().deleteInlinePolicy, { kind: USER, entityName: 'busy', policyName: 'inline' });
    await callUnary(c(), c().deleteUser, { userName: 'busy' });
    expect(await failure(callUnary(c(), c().getUser, { userName: 'busy' }))).toMatchObject({ code: 'NoSuchEntityException' });
  }, 60_000);

  it('keeps groups with their members and refuses to delete a group that has any', async () => {
    await createUser('member');
    const { group } = await callUnary(c(), c().createGroup, { groupName: 'Devs', path: '/teams/' });
    expect(group).toMatchObject({ groupName: 'Devs', path: '/teams/', arn: `arn:aws:iam::${admin.accountId}:group/teams/Devs` });
    expect(group!.groupId).toMatch(/^AGPA[A-Z2-7]{16}$/);
    expect(await failure(callUnary(c(), c().createGroup, { groupName: 'devs', path: '' }))).toEqual({ code: 'EntityAlreadyExistsException', message: 'Group with name devs already exists.' });
    await callUnary(c(), c().addUserToGroup, { groupName: 'devs', userName: 'member' });
    await callUnary(c(), c().addUserToGroup, { groupName: 'Devs', userName: 'member' });
    const got = await callUnary(c(), c().getGroup, { groupName: 'Devs', marker: '', maxItems: 0 });
    expect(got.users.map((u) => u.userName)).toEqual(['member']);
    expect((await callUnary(c(), c().listGroupsForUser, { userName: 'member', marker: '', maxItems: 0 })).groups.map((g) => g.groupName)).toEqual(['Devs']);
    expect(await failure(callUnary(c(), c().addUserToGroup, { groupName: 'Devs', userName: 'nobody' }))).toMatchObject({ code: 'NoSuchEntityException' });
    expect(await failure(callUnary(c(), c().deleteGroup, { groupName: 'Devs' }))).toEqual({ code: 'DeleteConflictException', message: 'Cannot delete entity, must remove users from group first.' });
    await callUnary(c(), c().removeUserFromGroup, { groupName: 'Devs', userName: 'member' });
    expect(await failure(callUnary(c(), c().removeUserFromGroup, { groupName: 'Devs', userName: 'member' }))).toMatchObject({ code: 'NoSuchEntityException' });
    await callUnary(c(), c().attachPolicy, { kind: GROUP, entityName: 'Devs', policyArn: READ_ONLY });
    expect((await failure(callUnary(c(), c().deleteGroup, { groupName: 'Devs' }))).message).toBe('Cannot delete entity, must detach all policies first.');
    await callUnary(c(), c().detachPolicy, { kind: GROUP, entityName: 'Devs', policyArn: READ_ONLY });
    await callUnary(c(), c().deleteGroup, { groupName: 'Devs' });
    expect((await callUnary(c(), c().listGroups, { pathPrefix: '/teams/', marker: '', maxItems: 0 })).groups).toEqual([]);
  });

  it('versions managed policies as IAM does: five at most, the default undeletable, numbers never reused', async () => {
    const account = admin.accountId;
    const { policy: created } = await callUnary(c(), c().createPolicy, { policyName: 'Deploy', path: '/ci/', policyDocument: ALLOW_ALL, description: 'deploys' });
    const arn = `arn:aws:iam::${account}:policy/ci/Deploy`;
    expect(created).toMatchObject({ arn, defaultVersionId: 'v1', attachmentCount: 0, description: 'deploys', awsManaged: false });
    expect(created!.policyId).toMatch(/^ANPA/);
    expect(await failure(callUnary(c(), c().createPolicy, { policyName: 'DEPLOY', path: '', policyDocument: ALLOW_ALL, description: '' }))).toMatchObject({ code: 'EntityAlreadyExistsException' });

    const spaced = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Deny", "Action": "codecommit:DeleteRepository", "Resource": "*"}]\n}';
    const v2 = await callUnary(c(), c().createPolicyVersion, { policyArn: arn, policyDocument: spaced, setAsDefault: true });
    expect(v2.policyVersion).toMatchObject({ versionId: 'v2', isDefaultVersion: true });
    // The document comes back byte for byte as written.
    expect((await callUnary(c(), c().getPolicyVersion, { policyArn: arn, versionId: 'v2' })).policyVersion!.document).toBe(spaced);
    expect((await callUnary(c(), c().getPolicy, { policyArn: arn })).policy!.defaultVersionId).toBe('v2');
    for (let i = 0; i < 3; i++) await callUnary(c(), c().createPolicyVersion, { policyArn: arn, policyDocument: ALLOW_ALL, setAsDefault: false });
    expect(await failure(callUnary(c(), c().createPolicyVersion, { policyArn: arn, policyDocument: ALLOW_ALL, setAsDefault: false }))).toMatchObject({ code: 'LimitExceededException' });
    expect(await failure(callUnary(c(), c().deletePolicyVersion, { policyArn: arn, versionId: 'v2' }))).toEqual({ code: 'DeleteConflictException', message: 'Cannot delete the default version of a policy.' });
    await callUnary(c(), c().deletePolicyVersion, { policyArn: arn, versionId: 'v3' });
    expect((await callUnary(c(), c().createPolicyVersion, { policyArn: arn, policyDocument: ALLOW_ALL, setAsDefault: false })).policyVersion!.versionId).toBe('v6');
    const versions = await callUnary(c(), c().listPolicyVersions, { policyArn: arn, marker: '', maxItems: 0 });
    expect(versions.versions.map((v) => v.versionId)).toEqual(['v6', 'v5', 'v4', 'v2', 'v1']);
    await callUnary(c(), c().setDefaultPolicyVersion, { policyArn: arn, versionId: 'v1' });

    await createUser('deployer');
    await callUnary(c(), c().attachPolicy, { kind: USER, entityName: 'deployer', policyArn: arn });
    expect((await callUnary(c(), c().getPolicy, { policyArn: arn })).policy!.attachmentCount).toBe(1);
    expect((await failure(callUnary(c(), c().deletePolicy, { policyArn: arn }))).message).toBe('Cannot delete a policy attached to entities.');
    await callUnary(c(), c().detachPolicy, { kind: USER, entityName: 'deployer', policyArn: arn });
    expect((await failure(callUnary(c(), c().deletePolicy, { policyArn: arn }))).message).toMatch(/more than one version/);
    for (const versionId of ['v2', 'v4', 'v5', 'v6']) await callUnary(c(), c().deletePolicyVersion, { policyArn: arn, versionId });
    await callUnary(c(), c().deletePolicy, { policyArn: arn });
    expect(await failure(callUnary(c(), c().getPolicy, { policyArn: arn }))).toEqual({ code: 'NoSuchEntityException', message: `Policy ${arn} was not found.` });
  }, 60_000);

  it('has the built-in CodeCommit policies, attachable to users, groups and roles', async () => {
    const builtIn = await callUnary(c(), c().listPolicies, { scope: iam.PolicyScope.POLICY_SCOPE_AWS, onlyAttached: false, pathPrefix: '', marker: '', maxItems: 0 });
    expect(builtIn.policies.map((p) => p.arn)).toEqual(
      expect.arrayContaining(['arn:aws:iam::aws:policy/AWSCodeCommitFullAccess', 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser', READ_ONLY]),
    );
    const readOnly = await callUnary(c(), c().getPolicyVersion, { policyArn: READ_ONLY, versionId: 'v1' });
    expect(JSON.parse(readOnly.policyVersion!.document).Statement[0].Action).toContain('codecommit:GitPull');
    expect(await failure(callUnary(c(), c().deletePolicy, { policyArn: READ_ONLY }))).toMatchObject({ code: 'InvalidInputException' });

    await createUser('reader');
    await callUnary(c(), c().attachPolicy, { kind: USER, entityName: 'reader', policyArn: READ_ONLY });
    await callUnary(c(), c().attachPolicy, { kind: USER, entityName: 'reader', policyArn: READ_ONLY });
    const attached = await callUnary(c(), c().listAttachedPolicies, { kind: USER, entityName: 'reader', pathPrefix: '', marker: '', maxItems: 0 });
    expect(attached.attachedPolicies).toEqual([{ policyName: 'AWSCodeCommitReadOnly', policyArn: READ_ONLY }]);
    const onlyAttached = await callUnary(c(), c().listPolicies, { scope: iam.PolicyScope.POLICY_SCOPE_UNSPECIFIED, onlyAttached: true, pathPrefix: '', marker: '', maxItems: 0 });
    expect(onlyAttached.policies.map((p) => p.policyName)).toContain('AWSCodeCommitReadOnly');
    expect(onlyAttached.policies.every((p) => p.attachmentCount > 0)).toBe(true);
    expect(await failure(callUnary(c(), c().attachPolicy, { kind: USER, entityName: 'reader', policyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' }))).toMatchObject({ code: 'NoSuchEntityException' });
    expect(await failure(callUnary(c(), c().attachPolicy, { kind: USER, entityName: 'reader', policyArn: 'not-an-arn' }))).toEqual({ code: 'InvalidInputException', message: 'ARN not-an-arn is not valid.' });
    expect(await failure(callUnary(c(), c().detachPolicy, { kind: USER, entityName: 'reader', policyArn: 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser' }))).toMatchObject({ code: 'NoSuchEntityException' });

    // A user can have ten managed policies, no more.
    for (let i = 0; i < 9; i++) {
      await callUnary(c(), c().createPolicy, { policyName: `many-${i}`, path: '', policyDocument: ALLOW_ALL, description: '' });
      await callUnary(c(), c().attachPolicy, { kind: USER, entityName: 'reader', policyArn: `arn:aws:iam::${admin.accountId}:policy/many-${i}` });
    }
    await callUnary(c(), c().createPolicy, { policyName: 'one-too-many', path: '', policyDocument: ALLOW_ALL, description: '' });
    expect(await failure(callUnary(c(), c().attachPolicy, { kind: USER, entityName: 'reader', policyArn: `arn:aws:iam::${admin.accountId}:policy/one-too-many` }))).toEqual({
      code: 'LimitExceededException',
      message: 'Cannot exceed quota for PoliciesPerUser: 10',
    });
  }, 60_000);

  it('validates policy documents and keeps inline policies per user, group and role', async () => {
    const malformed = async (policyDocument: string) => failure(callUnary(c(), c().createPolicy, { policyName: 'bad', path: '', policyDocument, description: '' }));
    expect(await malformed('{not json')).toEqual({ code: 'MalformedPolicyDocumentException', message: 'Syntax errors in policy.' });
    expect(await malformed('[]')).toMatchObject({ code: 'MalformedPolicyDocumentException' });
    expect(await malformed('{"Version":"2012-10-17"}')).toMatchObject({ code: 'MalformedPolicyDocumentException' });
    expect(await malformed('{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}')).toMatchObject({ code: 'MalformedPolicyDocumentException' });
    expect(await malformed('{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}]}')).toEqual({
      code: 'MalformedPolicyDocumentException',
      message: 'Policy document should not specify a principal.',
    });
    expect(await malformed('{"Version":"2099-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')).toMatchObject({ code: 'MalformedPolicyDocumentException' });

    await createUser('inline-user');
    await callUnary(c(), c().putInlinePolicy, { kind: USER, entityName: 'inline-user', policyName: 'b', policyDocument: ALLOW_ALL });
    await callUnary(c(), c().putInlinePolicy, { kind: USER, entityName: 'inline-user', policyName: 'a', policyDocument: ALLOW_ALL });
    const replaced = '{"Statement":{"Effect":"Deny","Action":"codecommit:GitPush","Resource":"*"}}';
    await callUnary(c(), c().putInlinePolicy, { kind: USER, entityName: 'inline-user', policyName: 'b', policyDocument: replaced });
    expect(await callUnary(c(), c().getInlinePolicy, { kind: USER, entityName: 'INLINE-USER', policyName: 'b' })).toEqual({ entityName: 'inline-user', policyName: 'b', policyDocument: replaced });
    expect((await callUnary(c(), c().listInlinePolicies, { kind: USER, entityName: 'inline-user', marker: '', maxItems: 0 })).policyNames).toEqual(['a', 'b']);
    const page = await callUnary(c(), c().listInlinePolicies, { kind: USER, entityName: 'inline-user', marker: '', maxItems: 1 });
    expect(page).toMatchObject({ policyNames: ['a'], isTruncated: true });
    expect((await callUnary(c(), c().listInlinePolicies, { kind: USER, entityName: 'inline-user', marker: page.marker, maxItems: 1 })).policyNames).toEqual(['b']);
    // A user's inline policies share 2,048 characters (without white space).
    const big = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'codecommit:GetRepository', Resource: 'x'.repeat(2000) }] });
    expect(await failure(callUnary(c(), c().putInlinePolicy, { kind: USER, entityName: 'inline-user', policyName: 'big', policyDocument: big }))).toEqual({
      code: 'LimitExceededException',
      message: 'Maximum policy size of 2048 bytes exceeded for user inline-user',
    });
    await callUnary(c(), c().deleteInlinePolicy, { kind: USER, entityName: 'inline-user', policyName: 'a' });
    expect(await failure(callUnary(c(), c().getInlinePolicy, { kind: USER, entityName: 'inline-user', policyName: 'a' }))).toEqual({
      code: 'NoSuchEntityException',
      message: 'The user policy with name a cannot be found.',
    });
    await callUnary(c(), c().createGroup, { groupName: 'inline-group', path: '' });
    await callUnary(c(), c().putInlinePolicy, { kind: GROUP, entityName: 'inline-group', policyName: 'g', policyDocument: ALLOW_ALL });
    // A group's limit is 5,120: the same document that was too big for a user fits.
    await callUnary(c(), c().putInlinePolicy, { kind: GROUP, entityName: 'inline-group', policyName: 'big', policyDocument: big });
    expect((await callUnary(c(), c().listInlinePolicies, { kind: GROUP, entityName: 'inline-group', marker: '', maxItems: 0 })).policyNames).toEqual(['big', 'g']);
    expect((await failure(callUnary(c(), c().deleteGroup, { groupName: 'inline-group' }))).message).toBe('Cannot delete entity, must delete policies first.');
  });

  it('checks access keys on every request: two per user, inactive or deleted refused at once', async () => {
    await createUser('keyed');
    const first = (await callUnary(c(), c().createAccessKey, { userName: 'keyed' })).accessKey!;
    expect(first).toMatchObject({ userName: 'keyed', status: 'Active' });
    expect(first.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(first.secretAccessKey).toHaveLength(40);
    const second = (await callUnary(c(), c().createAccessKey, { userName: 'keyed' })).accessKey!;
    expect(await failure(callUnary(c(), c().createAccessKey, { userName: 'keyed' }))).toEqual({ code: 'LimitExceededException', message: 'Cannot exceed quota for AccessKeysPerUser: 2' });
    const listed = await callUnary(c(), c().listAccessKeys, { userName: 'keyed', marker: '', maxItems: 0 });
    expect(listed.accessKeys.map((k) => [k.accessKeyId, k.secretAccessKey])).toEqual([
      [first.accessKeyId, ''],
      [second.accessKeyId, ''],
    ]);
    const stored = JSON.stringify((await db.query('select * from access_key')).rows);
    expect(stored).not.toContain(first.secretAccessKey);

    expect((await verify(first.accessKeyId, first.secretAccessKey)).principal).toMatchObject({ name: 'keyed', type: 'IAMUser', roleArn: '' });
    await callUnary(c(), c().updateAccessKey, { userName: 'keyed', accessKeyId: first.accessKeyId, status: 'Inactive' });
    expect(await verify(first.accessKeyId, first.secretAccessKey)).toMatchObject({ principal: undefined, errorQueryCode: 'InvalidClientTokenId', errorQueryStatus: 403 });
    await callUnary(c(), c().updateAccessKey, { userName: 'keyed', accessKeyId: first.accessKeyId, status: 'Active' });
    expect((await verify(first.accessKeyId, first.secretAccessKey)).principal?.name).toBe('keyed');
    expect(await failure(callUnary(c(), c().updateAccessKey, { userName: 'keyed', accessKeyId: first.accessKeyId, status: 'Paused' }))).toMatchObject({ code: 'ValidationErrorException' });
    // Another user's key is not found under this user.
    expect(await failure(callUnary(c(), c().deleteAccessKey, { userName: 'admin', accessKeyId: first.accessKeyId }))).toEqual({
      code: 'NoSuchEntityException',
      message: `The Access Key with id ${first.accessKeyId} cannot be found.`,
    });
    await callUnary(c(), c().deleteAccessKey, { userName: 'keyed', accessKeyId: first.accessKeyId });
    expect((await verify(first.accessKeyId, first.secretAccessKey)).errorCode).toBe('UnrecognizedClientException');
    expect((await verify(second.accessKeyId, second.secretAccessKey)).principal?.name).toBe('keyed');
  });

  it('resets, deactivates and deletes HTTPS Git credentials, effective on the next check', async () => {
    await createUser('gitter');
    const first = (await callUnary(client, client.createServiceSpecificCredential, { userName: 'gitter', serviceName: 'codecommit.amazonaws.com' })).credential!;
    const second = (await callUnary(client, client.createServiceSpecificCredential, { userName: 'gitter', serviceName: 'codecommit.amazonaws.com' })).credential!;
    expect(first.serviceUserName).toBe(`gitter-at-${admin.accountId}`);
    expect(second.serviceUserName).toBe(`gitter-at-${admin.accountId}-1`);
    const check = (username: string, password: string) => callUnary(client, client.verifyGitCredential, { username, password }).then((r) => r.valid);

    const listed = await callUnary(c(), c().listServiceSpecificCredentials, { userName: 'gitter', serviceName: '' });
    expect(listed.credentials.map((x) => [x.serviceSpecificCredentialId, x.servicePassword, x.status])).toEqual([
      [first.serviceSpecificCredentialId, '', 'Active'],
      [second.serviceSpecificCredentialId, '', 'Active'],
    ]);
    expect(await failure(callUnary(c(), c().listServiceSpecificCredentials, { userName: 'gitter', serviceName: 'ec2.amazonaws.com' }))).toMatchObject({ code: 'ServiceNotSupportedException' });

    const reset = (await callUnary(c(), c().resetServiceSpecificCredential, { userName: 'gitter', serviceSpecificCredentialId: first.serviceSpecificCredentialId })).credential!;
    expect(reset.servicePassword).not.toBe(first.servicePassword);
    expect(await check(first.serviceUserName, first.servicePassword)).toBe(false);
    expect(await check(first.serviceUserName, reset.servicePassword)).toBe(true);

    await callUnary(c(), c().updateServiceSpecificCredential, { userName: 'gitter', serviceSpecificCredentialId: first.serviceSpecificCredentialId, status: 'Inactive' });
    expect(await check(first.serviceUserName, reset.servicePassword)).toBe(false);
    await callUnary(c(), c().updateServiceSpecificCredential, { userName: 'gitter', serviceSpecificCredentialId: first.serviceSpecificCredentialId, status: 'Active' });
    expect(await check(first.serviceUserName, reset.servicePassword)).toBe(true);

    await callUnary(c(), c().deleteServiceSpecificCredential, { userName: 'gitter', serviceSpecificCredentialId: first.serviceSpecificCredentialId });
    expect(await check(first.serviceUserName, reset.servicePassword)).toBe(false);
    // The freed name is given to the next credential.
    const third = (await callUnary(client, client.createServiceSpecificCredential, { userName: 'gitter', serviceName: 'codecommit.amazonaws.com' })).credential!;
    expect(third.serviceUserName).toBe(`gitter-at-${admin.accountId}`);
    expect(await check(second.serviceUserName, second.servicePassword)).toBe(true);
    expect(await failure(callUnary(c(), c().deleteServiceSpecificCredential, { userName: 'gitter', serviceSpecificCredentialId: first.serviceSpecificCredentialId }))).toMatchObject({
      code: 'NoSuchEntityException',
    });
  }, 60_000);

  describe('SSH public keys', () => {
    it('accepts ed25519, ECDSA and 2048-bit RSA keys with IAM fingerprints, and verifies them for the SSH server', async () => {
      await createUser('sshuser');
      const keys = [sshKeygen('ed25519'), sshKeygen('ecdsa', 256), sshKeygen('ecdsa', 384), sshKeygen('ecdsa', 521), sshKeygen('rsa', 2048)];
      const uploaded: iam.SshPublicKey[] = [];
      for (const key of keys) {
        const { sshPublicKey } = await callUnary(c(), c().uploadSshPublicKey, { userName: 'sshuser', sshPublicKeyBody: `${key.line}\n` });
        expect(sshPublicKey!.sshPublicKeyId).toMatch(/^APKA[A-Z2-7]{16}$/);
        expect(sshPublicKey!.fingerprint).toBe(key.md5);
        expect(sshPublicKey!.sshPublicKeyBody).toBe(key.line.split(' ').slice(0, 2).join(' '));
        uploaded.push(sshPublicKey!);
      }
      const [ed25519] = uploaded;
      const valid = await callUnary(client, client.verifySshKey, { sshPublicKeyId: ed25519!.sshPublicKeyId, publicKeyBlob: keys[0]!.blob });
      expect(valid).toMatchObject({ valid: true, principal: { name: 'sshuser', type: 'IAMUser' } });
      // Another key presented under this id, or an unknown id, is refused.
      expect((await callUnary(client, client.verifySshKey, { sshPublicKeyId: ed25519!.sshPublicKeyId, publicKeyBlob: keys[1]!.blob })).valid).toBe(false);
      expect((await callUnary(client, client.verifySshKey, { sshPublicKeyId: 'APKAAAAAAAAAAAAAAAAA', publicKeyBlob: keys[0]!.blob })).valid).toBe(false);

      await callUnary(c(), c().updateSshPublicKey, { userName: 'sshuser', sshPublicKeyId: ed25519!.sshPublicKeyId, status: 'Inactive' });
      expect((await callUnary(client, client.verifySshKey, { sshPublicKeyId: ed25519!.sshPublicKeyId, publicKeyBlob: keys[0]!.blob })).valid).toBe(false);
      expect((await callUnary(c(), c().getSshPublicKey, { userName: 'sshuser', sshPublicKeyId: ed25519!.sshPublicKeyId, encoding: 'SSH' })).sshPublicKey!.status).toBe('Inactive');

      // Five keys is IAM's quota; the same key twice is a duplicate.
      expect(await failure(callUnary(c(), c().uploadSshPublicKey, { userName: 'sshuser', sshPublicKeyBody: sshKeygen('ed25519').line }))).toMatchObject({ code: 'LimitExceededException' });
      await callUnary(c(), c().deleteSshPublicKey, { userName: 'sshuser', sshPublicKeyId: ed25519!.sshPublicKeyId });
      expect((await callUnary(client, client.verifySshKey, { sshPublicKeyId: ed25519!.sshPublicKeyId, publicKeyBlob: keys[0]!.blob })).valid).toBe(false);
      expect(await failure(callUnary(c(), c().uploadSshPublicKey, { userName: 'sshuser', sshPublicKeyBody: keys[1]!.line }))).toMatchObject({ code: 'DuplicateSSHPublicKeyException' });

      const listed = await callUnary(c(), c().listSshPublicKeys, { userName: 'sshuser', marker: '', maxItems: 0 });
      expect(listed.sshPublicKeys.map((k) => k.sshPublicKeyId)).toEqual(uploaded.slice(1).map((k) => k.sshPublicKeyId));
      expect(listed.sshPublicKeys.every((k) => k.sshPublicKeyBody === '')).toBe(true);
    }, 60_000);

    it('takes PEM keys, answers in PEM on request, and rejects weak, broken and foreign keys by IAM error', async () => {
      await createUser('pemuser');
      const rsa = sshKeygen('rsa', 2048);
      const { sshPublicKey } = await callUnary(c(), c().uploadSshPublicKey, { userName: 'pemuser', sshPublicKeyBody: rsa.pem });
      expect(sshPublicKey!.fingerprint).toBe(rsa.md5);
      expect(sshPublicKey!.sshPublicKeyBody).toBe(rsa.line.split(' ').slice(0, 2).join(' '));
      const asPem = (await callUnary(c(), c().getSshPublicKey, { userName: 'pemuser', sshPublicKeyId: sshPublicKey!.sshPublicKeyId, encoding: 'PEM' })).sshPublicKey!;
      expect(asPem.sshPublicKeyBody).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
      expect(createHash('sha256').update(asPem.sshPublicKeyBody.replace(/\s/g, '')).digest('hex')).toBe(createHash('sha256').update(rsa.pem.replace(/\s/g, '')).digest('hex'));

      const upload = (sshPublicKeyBody: string) => failure(callUnary(c(), c().uploadSshPublicKey, { userName: 'pemuser', sshPublicKeyBody }));
      expect(await upload(sshKeygen('rsa', 1024).line)).toMatchObject({ code: 'InvalidPublicKeyException', message: expect.stringContaining('2048') });
      expect(await upload('not a key at all')).toMatchObject({ code: 'UnrecognizedPublicKeyEncodingException' });
      expect(await upload(`ssh-dss ${Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from('ssh-dss')]).toString('base64')}`)).toMatchObject({ code: 'UnrecognizedPublicKeyEncodingException' });
      const ed = sshKeygen('ed25519');
      const truncated = ed.blob.subarray(0, ed.blob.length - 3).toString('base64');
      expect(await upload(`ssh-ed25519 ${truncated}`)).toMatchObject({ code: 'InvalidPublicKeyException' });
      expect(await upload(`ssh-rsa ${ed.blob.toString('base64')}`)).toMatchObject({ code: 'InvalidPublicKeyException' });
      // A point that is not on the curve.
      const ecdsa = sshKeygen('ecdsa', 256);
      const offCurve = Buffer.from(ecdsa.blob);
      offCurve[offCurve.length - 1] ^= 1;
      expect(await upload(`ecdsa-sha2-nistp256 ${offCurve.toString('base64')}`)).toMatchObject({ code: 'InvalidPublicKeyException' });
      expect(await upload('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----')).toMatchObject({ code: 'UnrecognizedPublicKeyEncodingException' });
    }, 60_000);
  });

  describe('roles and STS sessions', () => {
    const trust = (principal: unknown, extra: object = {}) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra }] });

    it('validates trust policies and keeps roles', async () => {
      const root = `arn:aws:iam::${admin.accountId}:root`;
      const { role } = await callUnary(c(), c().createRole, { roleName: 'Builder', path: '/ci/', assumeRolePolicyDocument: trust({ AWS: root }), description: 'builds', maxSessionDuration: 0 });
      expect(role).toMatchObject({ roleName: 'Builder', arn: `arn:aws:iam::${admin.accountId}:role/ci/Builder`, maxSessionDuration: 3600, description: 'builds' });
      expect(role!.roleId).toMatch(/^AROA/);
      expect((await callUnary(c(), c().getRole, { roleName: 'builder' })).role!.assumeRolePolicyDocument).toBe(trust({ AWS: root }));
      expect(await failure(callUnary(c(), c().createRole, { roleName: 'BUILDER', path: '', assumeRolePolicyDocument: trust({ AWS: root }), description: '', maxSessionDuration: 0 }))).toMatchObject({
        code: 'EntityAlreadyExistsException',
      });
      const bad = (document: string, maxSessionDuration = 0) => failure(callUnary(c(), c().createRole, { roleName: 'Bad', path: '', assumeRolePolicyDocument: document, description: '', maxSessionDuration }));
      expect(await bad(trust({ AWS: `arn:aws:iam::${admin.accountId}:user/ghost` }))).toEqual({
        code: 'MalformedPolicyDocumentException',
        message: `Invalid principal in policy: "AWS":"arn:aws:iam::${admin.accountId}:user/ghost"`,
      });
      expect(await bad(trust({ AWS: 'somebody' }))).toMatchObject({ code: 'MalformedPolicyDocumentException' });
      expect(await bad(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }))).toMatchObject({ message: 'Missing required field Principal' });
      expect(await bad(trust('*', { Resource: '*' }))).toMatchObject({ message: 'Has prohibited field Resource' });
      expect(await bad(trust('*'), 100)).toMatchObject({ code: 'ValidationErrorException' });
      expect((await callUnary(c(), c().listRoles, { pathPrefix: '/ci/', marker: '', maxItems: 0 })).roles.map((r) => r.roleName)).toEqual(['Builder']);
    });

    it('issues session credentials that sign requests until they expire', async () => {
      const role = (await callUnary(c(), c().createRole, { roleName: 'Deployer', path: '', assumeRolePolicyDocument: trust({ AWS: admin.accountId }), description: '', maxSessionDuration: 7200 })).role!;
      const caller = await adminPrincipal();
      const session = await callUnary(c(), c().assumeRole, { caller, roleArn: role.arn, roleSessionName: 'release-42', durationSeconds: 0 });
      expect(session.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
      expect(session.assumedRoleArn).toBe(`arn:aws:sts::${admin.accountId}:assumed-role/Deployer/release-42`);
      expect(session.assumedRoleId).toBe(`${role.roleId}:release-42`);
      expect(Math.abs(session.expiration - Date.now() - 3600_000)).toBeLessThan(10_000);
      const stored = JSON.stringify((await db.query('select * from sts_session')).rows);
      expect(stored).not.toContain(session.secretAccessKey);
      expect(stored).not.toContain(session.sessionToken);

      const ok = await verify(session.accessKeyId, session.secretAccessKey, session.sessionToken);
      expect(ok.principal).toEqual({
        arn: session.assumedRoleArn,
        userId: session.assumedRoleId,
        accountId: admin.accountId,
        name: 'Deployer/release-42',
        type: 'AssumedRole',
        roleArn: role.arn,
        sessionName: 'release-42',
      });
      // The token is part of the credentials: without it, or with another, the request is refused.
      expect(await verify(session.accessKeyId, session.secretAccessKey)).toMatchObject({ errorQueryCode: 'InvalidClientTokenId' });
      expect(await verify(session.accessKeyId, session.secretAccessKey, session.sessionToken, 'forged')).toMatchObject({ errorQueryCode: 'InvalidClientTokenId' });

      await db.query(`update sts_session set "expiresAt" = now() - interval '1 second' where "accessKeyId" = $1`, [session.accessKeyId]);
      expect(await verify(session.accessKeyId, session.secretAccessKey, session.sessionToken)).toMatchObject({
        principal: undefined,
        errorCode: 'ExpiredTokenException',
        errorQueryCode: 'ExpiredToken',
        errorQueryStatus: 403,
      });
      expect(await failure(callUnary(c(), c().assumeRole, { caller, roleArn: role.arn, roleSessionName: 'long', durationSeconds: 7201 }))).toMatchObject({ code: 'ValidationErrorException' });
      expect(await failure(callUnary(c(), c().assumeRole, { caller, roleArn: role.arn, roleSessionName: 'short', durationSeconds: 899 }))).toMatchObject({ code: 'ValidationErrorException' });
      expect(await failure(callUnary(c(), c().assumeRole, { caller, roleArn: role.arn, roleSessionName: 'x', durationSeconds: 0 }))).toMatchObject({ code: 'ValidationErrorException' });
    });

    it('admits only the principals the trust policy names', async () => {
      const caller = await adminPrincipal();
      const trustedUser = (await createUser('trusted')).user!;
      const trustedPrincipal: policy.Principal = { arn: trustedUser.arn, userId: trustedUser.userId, accountId: admin.accountId, name: 'trusted', type: 'IAMUser', roleArn: '', sessionName: '' };

      const other = (await callUnary(c(), c().createRole, { roleName: 'OtherAccount', path: '', assumeRolePolicyDocument: trust({ AWS: '111122223333' }), description: '', maxSessionDuration: 0 })).role!;
      const denied = await failure(callUnary(c(), c().assumeRole, { caller, roleArn: other.arn, roleSessionName: 's1', durationSeconds: 0 }));
      expect(denied).toEqual({ code: 'AccessDeniedException', message: `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${other.arn}` });
      // A role that does not exist is refused the same way.
      const ghost = `arn:aws:iam::${admin.accountId}:role/Ghost`;
      expect(await failure(callUnary(c(), c().assumeRole, { caller, roleArn: ghost, roleSessionName: 's1', durationSeconds: 0 }))).toMatchObject({ code: 'AccessDeniedException' });

      // Naming the user itself is enough; naming the account needs the user's own permission,
      // which only the administrator has until policies are evaluated.
      const named = (await callUnary(c(), c().createRole, { roleName: 'ForTrusted', path: '', assumeRolePolicyDocument: trust({ AWS: trustedUser.arn }), description: '', maxSessionDuration: 0 })).role!;
      const byName = await callUnary(c(), c().assumeRole, { caller: trustedPrincipal, roleArn: named.arn, roleSessionName: 'mine', durationSeconds: 900 });
      expect(byName.assumedRoleArn).toBe(`arn:aws:sts::${admin.accountId}:assumed-role/ForTrusted/mine`);
      expect(await failure(callUnary(c(), c().assumeRole, { caller, roleArn: named.arn, roleSessionName: 'admin', durationSeconds: 0 }))).toMatchObject({ code: 'AccessDeniedException' });
      const byAccount = (await callUnary(c(), c().createRole, { roleName: 'ForAccount', path: '', assumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${admin.accountId}:root` }), description: '', maxSessionDuration: 0 })).role!;
      expect(await failure(callUnary(c(), c().assumeRole, { caller: trustedPrincipal, roleArn: byAccount.arn, roleSessionName: 'mine', durationSeconds: 0 }))).toMatchObject({ code: 'AccessDeniedException' });
      await callUnary(c(), c().assumeRole, { caller, roleArn: byAccount.arn, roleSessionName: 'admin', durationSeconds: 0 });

      // A Deny wins; a role session assuming another role gets an hour at most.
      const denying = JSON.stringify({
        Statement: [
          { Effect: 'Allow', Principal: { AWS: admin.accountId }, Action: 'sts:*' },
          { Effect: 'Deny', Principal: { AWS: caller.arn }, Action: 'sts:AssumeRole' },
        ],
      });
      await callUnary(c(), c().updateAssumeRolePolicy, { roleName: 'ForAccount', policyDocument: denying });
      expect(await failure(callUnary(c(), c().assumeRole, { caller, roleArn: byAccount.arn, roleSessionName: 'admin', durationSeconds: 0 }))).toMatchObject({ code: 'AccessDeniedException' });
      const chainTarget = (await callUnary(c(), c().createRole, { roleName: 'Chained', path: '', assumeRolePolicyDocument: trust({ AWS: named.arn }), description: '', maxSessionDuration: 43200 })).role!;
      const sessionCaller = (await verify(byName.accessKeyId, byName.secretAccessKey, byName.sessionToken)).principal!;
      expect(await failure(callUnary(c(), c().assumeRole, { caller: sessionCaller, roleArn: chainTarget.arn, roleSessionName: 'chain', durationSeconds: 7200 }))).toEqual({
        code: 'ValidationErrorException',
        message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      });
      const chained = await callUnary(c(), c().assumeRole, { caller: sessionCaller, roleArn: chainTarget.arn, roleSessionName: 'chain', durationSeconds: 3600 });
      expect(chained.assumedRoleArn).toBe(`arn:aws:sts::${admin.accountId}:assumed-role/Chained/chain`);

      // Deleting a role ends its sessions at once.
      await callUnary(c(), c().deleteRole, { roleName: 'Chained' });
      expect((await verify(chained.accessKeyId, chained.secretAccessKey, chained.sessionToken)).errorQueryCode).toBe('InvalidClientTokenId');
    });

    it('refuses to delete a role with policies', async () => {
      await callUnary(c(), c().createRole, { roleName: 'WithPolicies', path: '', assumeRolePolicyDocument: trust('*'), description: '', maxSessionDuration: 0 });
      await callUnary(c(), c().attachPolicy, { kind: ROLE, entityName: 'WithPolicies', policyArn: READ_ONLY });
      await callUnary(c(), c().putInlinePolicy, { kind: ROLE, entityName: 'WithPolicies', policyName: 'p', policyDocument: ALLOW_ALL });
      expect((await failure(callUnary(c(), c().deleteRole, { roleName: 'WithPolicies' }))).message).toBe('Cannot delete entity, must detach all policies first.');
      await callUnary(c(), c().detachPolicy, { kind: ROLE, entityName: 'WithPolicies', policyArn: READ_ONLY });
      expect((await failure(callUnary(c(), c().deleteRole, { roleName: 'WithPolicies' }))).message).toBe('Cannot delete entity, must delete policies first.');
      await callUnary(c(), c().deleteInlinePolicy, { kind: ROLE, entityName: 'WithPolicies', policyName: 'p' });
      await callUnary(c(), c().deleteRole, { roleName: 'WithPolicies' });
      expect(await failure(callUnary(c(), c().getRole, { roleName: 'WithPolicies' }))).toEqual({ code: 'NoSuchEntityException', message: 'The role with name WithPolicies cannot be found.' });
    });
  });

  it('gathers the policies an authorization decision needs, for users through their groups and for role sessions', async () => {
    const policies = app.get(PoliciesService);
    const user = (await createUser('evaluated', '/e/')).user!;
    await callUnary(c(), c().createGroup, { groupName: 'eval-group', path: '' });
    await callUnary(c(), c().addUserToGroup, { groupName: 'eval-group', userName: 'evaluated' });
    await callUnary(c(), c().putInlinePolicy, { kind: USER, entityName: 'evaluated', policyName: 'mine', policyDocument: ALLOW_ALL });
    await callUnary(c(), c().putInlinePolicy, { kind: GROUP, entityName: 'eval-group', policyName: 'team', policyDocument: ALLOW_ALL });
    await callUnary(c(), c().attachPolicy, { kind: USER, entityName: 'evaluated', policyArn: READ_ONLY });
    await callUnary(c(), c().attachPolicy, { kind: GROUP, entityName: 'eval-group', policyArn: READ_ONLY });
    await callUnary(c(), c().attachPolicy, { kind: GROUP, entityName: 'eval-group', policyArn: 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser' });
    const forUser = (await policies.policiesOf(user.arn))!;
    expect(forUser.principal).toMatchObject({ arn: user.arn, type: 'IAMUser', name: 'evaluated' });
    expect(forUser.policies.map((p) => p.id)).toEqual([
      'user/evaluated/inline/mine',
      'group/eval-group/inline/team',
      'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser',
      READ_ONLY,
    ]);
    expect(JSON.parse(forUser.policies[3]!.document).Statement[0].Action).toContain('codecommit:GitPull');

    const role = (await callUnary(c(), c().createRole, { roleName: 'Evaluated', path: '/svc/', assumeRolePolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] }), description: '', maxSessionDuration: 0 })).role!;
    await callUnary(c(), c().putInlinePolicy, { kind: ROLE, entityName: 'Evaluated', policyName: 'role-inline', policyDocument: ALLOW_ALL });
    const forSession = (await policies.policiesOf(`arn:aws:sts::${admin.accountId}:assumed-role/Evaluated/job-1`))!;
    expect(forSession.principal).toMatchObject({ type: 'AssumedRole', roleArn: role.arn, sessionName: 'job-1', userId: `${role.roleId}:job-1` });
    expect(forSession.policies).toEqual([{ id: 'role/Evaluated/inline/role-inline', document: ALLOW_ALL }]);
    expect(await policies.policiesOf(`arn:aws:iam::${admin.accountId}:user/ghost`)).toBeUndefined();
    expect(await policies.policiesOf(`arn:aws:sts::${admin.accountId}:assumed-role/Ghost/s1`)).toBeUndefined();
  });

  it('resolves the ARN an action on a named entity is authorized against', async () => {
    await createUser('pathed', '/deep/path/');
    expect(await callUnary(c(), c().resolveArn, { kind: USER, name: 'PATHED' })).toEqual({ arn: `arn:aws:iam::${admin.accountId}:user/deep/path/pathed`, exists: true });
    expect(await callUnary(c(), c().resolveArn, { kind: GROUP, name: 'nope' })).toEqual({ arn: `arn:aws:iam::${admin.accountId}:group/nope`, exists: false });
  });
});
