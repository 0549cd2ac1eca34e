import { AuditPublisher, redactParameters } from './audit-publisher';
import type { AuditRecord, EventEnvelope } from './event-map';
import type { EventLog } from './event-log';

const record = (eventID: string) => ({ eventID, eventName: 'GetRepository' }) as unknown as AuditRecord;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('AuditPublisher', () => {
  it('batches records and retries a failed publish until the log takes them', async () => {
    const published: EventEnvelope[] = [];
    let failures = 2;
    const log = {
      publish: async (events: readonly EventEnvelope[]) => {
        if (failures-- > 0) throw new Error('log down');
        published.push(...events);
      },
    } as unknown as EventLog;
    const publisher = new AuditPublisher(log, { source: 'test', flushMs: 5, logger: silent });
    await publisher.record(record('a'), 'repo-1');
    await publisher.record(record('b'));
    await publisher.close(5_000);
    expect(published.map((e) => (e.payload as { record: AuditRecord }).record.eventID)).toEqual(['a', 'b']);
    expect(published[0].payload).toMatchObject({ repositoryId: 'repo-1' });
  });

  it('makes callers wait when the buffer is full instead of dropping records', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const published: EventEnvelope[] = [];
    const log = { publish: async (events: readonly EventEnvelope[]) => (await gate, void published.push(...events)) } as unknown as EventLog;
    const publisher = new AuditPublisher(log, { source: 'test', flushMs: 1, maxBuffered: 2, logger: silent });
    await publisher.record(record('1'));
    await publisher.record(record('2'));
    let third = false;
    const waiting = publisher.record(record('3')).then(() => (third = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(third).toBe(false);
    release();
    await waiting;
    await publisher.close();
    expect(published).toHaveLength(3);
  });

  it('hides secrets and file contents at any depth', () => {
    expect(redactParameters({ UserName: 'ada', Password: 'x', putFiles: [{ filePath: 'a', fileContent: 'abcd' }], clientRequestToken: 't' })).toEqual({
      UserName: 'ada',
      Password: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      putFiles: [{ filePath: 'a', fileContent: '<4 characters omitted>' }],
      clientRequestToken: 't',
    });
  });
});
