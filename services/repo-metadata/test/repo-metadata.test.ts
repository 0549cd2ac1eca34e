import 'reflect-metadata';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { callUnary, createClient, metadata, policy, storage } from '@cairn/contracts';
import { createEventLog, type AnyEventEnvelope } from '@cairn/events';
import { GrpcRegistration, RunningGrpcServer, startGrpcServer } from '@cairn/runtime';
import { createTestDatabase, makeTempDir, testKafkaBrokers, waitFor } from '@cairn/testing';
import { RepoMetadataModule } from '../src/app.module';
import { RepositoriesGrpcController } from '../src/repositories/repositories.grpc.controller';
import { BranchesGrpcController } from '../src/branches/branches.grpc.controller';
import { PolicyModule } from '../../policy/src/app.module';
import { PolicyGrpcController } from '../../policy/src/policy.grpc.controller';
import { GitStorageModule } from '../../git-storage/src/app.module';
import { RepositoriesGrpcController as StorageRepositories } from '../../git-storage/src/repositories/repositories.grpc.controller';
import { RepositoryStore } from '../../git-storage/src/repositories/repository-store';

/**
 * repo-metadata with its real neighbours: PostgreSQL, a Kafka event log, and real policy and
 * git-storage services over gRPC (each in this process, as the supervisor would run them apart).
 */
describe('repo-metadata service', () => {
  const started: { app: INestApplicationContext; server: RunningGrpcServer }[] = [];
  let client: metadata.RepoMetadataClient;
  let store: RepositoryStore;
  const QUOTA = 12;
  const topic = `cairn-test-${randomBytes(4).toString('hex')}`;
  const eventLogUrl = () => `kafka://${testKafkaBrokers().join(",")}?topic=${topic}`;

  async function serve(module: Type<unknown>, env: Record<string, string>, registration: (app: INestApplicationContext) => GrpcRegistration): Promise<string> {
    Object.assign(process.env, env);
    const app = await NestFactory.createApplicationContext(module, { logger: false });
    await app.init();
    const server = await startGrpcServer('127.0.0.1', 0, [registration(app)]);
    started.push({ app, server });
    return `127.0.0.1:${server.port}`;
  }

  beforeAll(async () => {
    const dir = makeTempDir('metadata-test');
    writeFileSync(join(dir, 'master.key'), randomBytes(32).toString('base64'));
    const policyAddr = await serve(
      PolicyModule,
      { CAIRN_DATABASE_URL: await createTestDatabase('policy'), CAIRN_MASTER_KEY_FILE: join(dir, 'master.key'), CAIRN_BOOTSTRAP_OUTPUT: '' },
      (app) => ({ definition: policy.PolicyService, implementation: app.get(PolicyGrpcController).implementation }),
    );
    const storageAddr = await serve(GitStorageModule, { CAIRN_STORAGE_DIR: join(dir, 'storage'), CAIRN_EVENT_LOG_URL: eventLogUrl() }, (app) => {
      store = app.get(RepositoryStore);
      const r = app.get(StorageRepositories);
      return { definition: storage.GitStorageService, implementation: { createRepository: r.createRepository, deleteRepository: r.deleteRepository, listRefs: r.listRefs } as never };
    });
    const metadataAddr = await serve(
      RepoMetadataModule,
      {
        CAIRN_DATABASE_URL: await createTestDatabase('metadata'),
        CAIRN_EVENT_LOG_URL: eventLogUrl(),
        CAIRN_POLICY_ADDR: policyAddr,
        CAIRN_STORAGE_ADDR: storageAddr,
        CAIRN_MAX_REPOSITORIES: String(QUOTA),
      },
      (app) => ({ definition: metadata.RepoMetadataService, implementation: { ...app.get(RepositoriesGrpcController).handlers, ...app.get(BranchesGrpcController).handlers } }),
    );
    client = createClient(metadata.RepoMetadataClient, metadataAddr);
  });

  afterAll(async () => {
    client?.close();
    for (const { app, server } of started.reverse()) {
      await server.stop();
      await app.close();
    }
  });

  const create = (repositoryName: string) =>
    callUnary(client, client.createRepository, { repositoryName, repositoryDescription: '', tags: {}, kmsKeyId: '', actorArn: 'arn:aws:iam::1:user/t' });

  it('creates the repository on storage under its id and publishes repository.created to Kafka', async () => {
    const log = createEventLog(eventLogUrl());
    const seen: AnyEventEnvelope[] = [];
    const sub = await log.subscribe(`test-${topic}`, async (e) => void seen.push(e), { fromBeginning: true });
    try {
      const { repository } = await create('kafka-repo');
      expect(existsSync(store.pathOf(repository!.repositoryId))).toBe(true);
      await waitFor(() => seen.some((e) => e.type === 'repository.created' && e.payload.repositoryId === repository!.repositoryId), 30_000);
      await callUnary(client, client.deleteRepository, { repositoryName: 'kafka-repo', actorArn: 'arn:aws:iam::1:user/t' });
      expect(existsSync(store.pathOf(repository!.repositoryId))).toBe(false);
      await waitFor(() => seen.some((e) => e.type === 'repository.deleted' && e.payload.repositoryId === repository!.repositoryId), 30_000);
    } finally {
      await sub.stop();
      await log.close();
    }
  });

  it('refuses a second repository of the same name', async () => {
    await create('taken');
    await expect(create('taken')).rejects.toMatchObject({ details: expect.stringContaining('already exists') });
  });

  it('pages ListRepositories with an opaque token', async () => {
    for (const n of ['p1', 'p2', 'p3']) await create(n);
    const page = await callUnary(client, client.listRepositories, { sortBy: '', order: '', nextToken: '' });
    expect(page.repositories.map((r) => r.repositoryName)).toEqual(expect.arrayContaining(['p1', 'p2', 'p3']));
    expect(page.nextToken).toBe('');
    await expect(callUnary(client, client.listRepositories, { sortBy: '', order: '', nextToken: 'bm9wZQ' })).rejects.toMatchObject({
      details: expect.stringContaining('continuation token'),
    });
  });

  // Last: it fills the account up to its quota.
  it('stops at the account repository quota with RepositoryLimitExceededException', async () => {
    const existing = (await callUnary(client, client.listRepositories, { sortBy: '', order: '', nextToken: '' })).repositories.length;
    for (let i = existing; i < QUOTA; i++) await create(`quota-${i}`);
    await expect(create('one-too-many')).rejects.toMatchObject({ details: expect.stringContaining(`maximum number of repositories (${QUOTA})`) });
  });
});
