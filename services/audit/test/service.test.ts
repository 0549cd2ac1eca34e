import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { audit, callUnary, createClient, domainCodeOf, GrpcStatus } from '@cairn/contracts';
import { createEnvelope, createEventLog, EventLog } from '@cairn/events';
import { startGrpcServer, type RunningGrpcServer } from '@cairn/runtime';
import { createTestDatabase, waitFor } from '@cairn/testing';
import { AuditModule } from '../src/app.module';
import { AuditGrpcController } from '../src/grpc/audit.grpc.controller';
import { INGEST_GROUP } from '../src/ingest/audit-ingest.consumer';
import { auditRecord } from './support';

/**
 * The whole service: the Nest module as main.ts boots it, fed by a real Postgres event log, and
 * its gRPC contract served and called over a socket.
 */
let app: INestApplicationContext;
let grpc: RunningGrpcServer;
let client: audit.AuditClient;
let producer: EventLog;
let databaseUrl: string;
let eventLogUrl: string;
const savedEnv = { ...process.env };

async function count(): Promise<number> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    return (await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_records')).rows[0].n;
  } finally {
    await pg.end();
  }
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase('audit_service');
  eventLogUrl = await createTestDatabase('audit_service_events');
  producer = createEventLog(eventLogUrl);
  // Published before the service first starts: its group reads from the beginning.
  await producer.publish([createEnvelope('api-gateway', 'audit.recorded', { record: auditRecord({ eventName: 'CreateRepository', readOnly: false }) })]);

  Object.assign(process.env, { CAIRN_DATABASE_URL: databaseUrl, CAIRN_EVENT_LOG_URL: eventLogUrl, CAIRN_AUDIT_RETENTION_DAYS: '0' });
  app = await NestFactory.createApplicationContext(AuditModule, { logger: false });
  grpc = await startGrpcServer('127.0.0.1', 0, [{ definition: audit.AuditService, implementation: app.get(AuditGrpcController).handlers }]);
  client = createClient(audit.AuditClient, `127.0.0.1:${grpc.port}`);
});

afterAll(async () => {
  client?.close();
  await grpc?.stop();
  await app?.close();
  await producer?.close();
  process.env = savedEnv;
});

describe('the audit service', () => {
  it('stores every audit.recorded event from the log, once, and skips other events', async () => {
    await waitFor(async () => (await count()) === 1, 20_000, { description: 'the record published before start' });

    const push = auditRecord({ eventName: 'GitPush', readOnly: false, user: 'bob' });
    const pull = auditRecord({ eventName: 'GitPull', user: 'bob' });
    await producer.publish([
      createEnvelope('git-protocol', 'audit.recorded', { repositoryId: 'r1', record: push }),
      createEnvelope('repo-metadata', 'repository.created', { repositoryId: 'r1', repositoryName: 'x', accountId: '1', arn: 'arn:aws:codecommit:us-east-1:1:x', actorArn: '' }),
      createEnvelope('git-protocol', 'audit.recorded', { repositoryId: 'r1', record: pull }),
      // The same record again in another envelope (a producer that retried): still one row.
      createEnvelope('git-protocol', 'audit.recorded', { repositoryId: 'r1', record: push }),
    ]);
    await waitFor(async () => (await count()) === 3, 20_000, { description: 'three records stored' });

    // Every event delivered again (as after a lost offset commit): nothing is added.
    const pg = new Client({ connectionString: eventLogUrl });
    await pg.connect();
    await pg.query('UPDATE event_log_offsets SET last_seq = 0 WHERE group_id = $1', [INGEST_GROUP]);
    await waitFor(async () => (await pg.query(`SELECT 1 FROM event_log_offsets WHERE group_id = $1 AND last_seq = (SELECT max(seq) FROM event_log)`, [INGEST_GROUP])).rowCount === 1, 20_000, {
      description: 'the redelivery to be consumed',
    });
    await pg.end();
    expect(await count()).toBe(3);

    const out = JSON.parse((await callUnary(client, client.lookupEvents, { inputJson: JSON.stringify({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'bob' }] }) })).outputJson);
    expect(out.Events.map((e: { EventName: string }) => e.EventName).sort()).toEqual(['GitPull', 'GitPush']);
    expect(JSON.parse(out.Events.find((e: { EventName: string }) => e.EventName === 'GitPush').CloudTrailEvent)).toEqual(push);
  });

  it('answers Verify over gRPC', async () => {
    expect(await callUnary(client, client.verify, { fromSequence: 0 })).toEqual({ ok: true, checked: 3, firstBadSequence: 0, problem: '', lastSequence: 3, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await callUnary(client, client.verify, { fromSequence: 2 })).toMatchObject({ ok: true, checked: 2 });
  });

  it('fails LookupEvents with CloudTrail’s exception name as the domain code', async () => {
    for (const [input, code] of [
      [JSON.stringify({ MaxResults: 0 }), 'InvalidMaxResultsException'],
      [JSON.stringify({ LookupAttributes: [{ AttributeKey: 'Nope', AttributeValue: 'x' }] }), 'InvalidLookupAttributesException'],
      ['{not json', 'SerializationException'],
    ]) {
      const error = await callUnary(client, client.lookupEvents, { inputJson: input }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
      expect(domainCodeOf(error)).toBe(code);
    }
  });
});
