import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createEnvelope, createEventLog, EventLog } from '@cairn/events';
import { startPGliteServer, waitFor, type PGliteServer } from '@cairn/testing';
import { AuditModule } from '../src/app.module';
import { ChainVerifier } from '../src/chain/chain-verifier';
import { LookupEventsService } from '../src/lookup/lookup-events.service';
import { RetentionService } from '../src/retention/retention.service';
import { auditRecord } from './support';

// All-in-one mode: the service's database and the event log are PGlite served by pglite-socket,
// the service on one connection (CAIRN_DATABASE_POOL_SIZE=1, as the supervisor sets it). The
// trigger (plpgsql), the chain row lock and the GIN indexes must work there too.
describe('the audit service on PGlite', () => {
  let database: PGliteServer;
  let eventLog: PGliteServer;
  let app: INestApplicationContext;
  let producer: EventLog;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [database, eventLog] = await Promise.all([startPGliteServer({ maxConnections: 8 }), startPGliteServer({ maxConnections: 8 })]);
    Object.assign(process.env, { CAIRN_DATABASE_URL: database.url, CAIRN_EVENT_LOG_URL: eventLog.url, CAIRN_DATABASE_POOL_SIZE: '1', CAIRN_AUDIT_RETENTION_DAYS: '0' });
    app = await NestFactory.createApplicationContext(AuditModule, { logger: false });
    producer = createEventLog(eventLog.url);
  });

  afterAll(async () => {
    await producer?.close();
    await app?.close();
    await Promise.all([database?.stop(), eventLog?.stop()]);
    process.env = savedEnv;
  });

  it('stores, verifies, looks up and prunes', async () => {
    const old = Array.from({ length: 3 }, () => auditRecord({ eventTime: new Date(Date.now() - 400 * 24 * 3600 * 1000) }));
    const recent = auditRecord({ eventName: 'GitPush', readOnly: false, user: 'bob' });
    await producer.publish([...old, recent].map((record) => createEnvelope('api-gateway', 'audit.recorded', { record })));
    const verifier = app.get(ChainVerifier);
    await waitFor(async () => (await verifier.verify()).checked === 4, 20_000, { description: 'four records stored' });
    expect(await verifier.verify()).toMatchObject({ ok: true, checked: 4 });

    const lookup = app.get(LookupEventsService);
    expect((await lookup.lookupEvents({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'my-repo' }] })).Events).toHaveLength(4);
    expect((await lookup.lookupEvents({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'bob' }] })).Events.map((e) => e.EventId)).toEqual([recent.eventID]);

    expect(await app.get(RetentionService).prune(new Date(Date.now() - 365 * 24 * 3600 * 1000))).toEqual({ pruned: 3, checkpointSequence: 3 });
    expect(await verifier.verify()).toMatchObject({ ok: true, checked: 1, lastSequence: 4 });
  });
});
