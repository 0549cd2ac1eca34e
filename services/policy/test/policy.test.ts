import 'reflect-metadata';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { callUnary, createClient, policy } from '@cairn/contracts';
import { startGrpcServer, RunningGrpcServer } from '@cairn/runtime';
import { createTestDatabase, makeTempDir } from '@cairn/testing';
import { PolicyModule } from '../src/app.module';
import { PolicyGrpcController } from '../src/policy.grpc.controller';

/** The policy service against a real PostgreSQL, called over real gRPC. */
describe('policy service', () => {
  let databaseUrl: string;
  let dir: string;
  let app: INestApplicationContext;
  let server: RunningGrpcServer;
  let client: policy.PolicyClient;

  async function start(): Promise<void> {
    process.env.CAIRN_DATABASE_URL = databaseUrl;
    process.env.CAIRN_MASTER_KEY_FILE = join(dir, 'master.key');
    process.env.CAIRN_BOOTSTRAP_OUTPUT = join(dir, 'bootstrap.json');
    app = await NestFactory.createApplicationContext(PolicyModule, { logger: false });
    await app.init();
    server = await startGrpcServer('127.0.0.1', 0, [{ definition: policy.PolicyService, implementation: app.get(PolicyGrpcController).implementation }]);
    client = createClient(policy.PolicyClient, `127.0.0.1:${server.port}`);
  }

  async function stop(): Promise<void> {
    client.close();
    await server.stop();
    await app.close();
  }

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('policy');
    dir = makeTempDir('policy-test');
    writeFileSync(join(dir, 'master.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
    await start();
  });

  afterAll(stop);

  const bootstrap = () => JSON.parse(readFileSync(join(dir, 'bootstrap.json'), 'utf8')) as Record<string, string>;

  it('bootstraps an account and an administrator whose secrets only the bootstrap file holds', async () => {
    const secrets = bootstrap();
    expect(statSync(join(dir, 'bootstrap.json')).mode & 0o777).toBe(0o600);
    expect(secrets.accountId).toMatch(/^\d{12}$/);
    expect(secrets.userArn).toBe(`arn:aws:iam::${secrets.accountId}:user/admin`);
    expect(secrets.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const dump = JSON.stringify((await db.query('select * from git_credential')).rows) + JSON.stringify((await db.query('select * from access_key')).rows);
      expect(dump).not.toContain(secrets.gitPassword);
      expect(dump).not.toContain(secrets.secretAccessKey);
      expect(dump).toContain('scrypt$');
    } finally {
      await db.end();
    }
    expect(await callUnary(client, client.getAccount, {})).toEqual({ accountId: secrets.accountId, region: 'us-east-1' });
  });

  it('verifies HTTPS Git credentials', async () => {
    const { gitUsername, gitPassword, userArn } = bootstrap();
    const ok = await callUnary(client, client.verifyGitCredential, { username: gitUsername, password: gitPassword });
    expect(ok.valid).toBe(true);
    expect(ok.principal?.arn).toBe(userArn);
    expect((await callUnary(client, client.verifyGitCredential, { username: gitUsername, password: `${gitPassword}x` })).valid).toBe(false);
    expect((await callUnary(client, client.verifyGitCredential, { username: 'nobody-at-1', password: gitPassword })).valid).toBe(false);
  });

  it('allows the administrator everything and everyone else nothing', async () => {
    const { userArn, accountId } = bootstrap();
    const resource = `arn:aws:codecommit:us-east-1:${accountId}:repo`;
    expect((await callUnary(client, client.authorize, { principalArn: userArn, action: 'codecommit:GitPush', resource, context: {} })).allowed).toBe(true);
    const { user } = await callUnary(client, client.createUser, { userName: 'dev', path: '' });
    expect((await callUnary(client, client.authorize, { principalArn: user!.arn, action: 'codecommit:GitPull', resource, context: {} })).allowed).toBe(false);
    expect((await callUnary(client, client.authorize, { principalArn: 'arn:aws:iam::1:user/ghost', action: 'codecommit:GitPull', resource, context: {} })).allowed).toBe(false);
  });

  it('rejects duplicate users regardless of case, and a third Git credential', async () => {
    await expect(callUnary(client, client.createUser, { userName: 'DEV', path: '' })).rejects.toMatchObject({ details: expect.stringContaining('already exists') });
    await callUnary(client, client.createServiceSpecificCredential, { userName: 'dev', serviceName: 'codecommit.amazonaws.com' });
    const second = await callUnary(client, client.createServiceSpecificCredential, { userName: 'dev', serviceName: 'codecommit.amazonaws.com' });
    expect((await callUnary(client, client.verifyGitCredential, { username: second.credential!.serviceUserName, password: second.credential!.servicePassword })).valid).toBe(true);
    await expect(callUnary(client, client.createServiceSpecificCredential, { userName: 'dev', serviceName: 'codecommit.amazonaws.com' })).rejects.toMatchObject({
      details: expect.stringContaining('quota'),
    });
  });

  it('keeps the same account and credentials across a restart', async () => {
    const before = bootstrap();
    await stop();
    await start();
    expect(bootstrap()).toEqual(before);
    expect((await callUnary(client, client.verifyGitCredential, { username: before.gitUsername, password: before.gitPassword })).valid).toBe(true);
  });
});
