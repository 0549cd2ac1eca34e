import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeCommitClient, CreateRepositoryCommand, GetRepositoryCommand } from '@aws-sdk/client-codecommit';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { createEventLog, type AuditRecord, type EventLog, type Subscription } from '@cairn/events';
import { git, Stack, type AdminCredentials } from './support/stack';

/**
 * The audit trail as it leaves the services: one CloudTrail record per API call (allowed or
 * denied) and per git transfer, with the caller, the source address and no secrets.
 */
describe('audit records', () => {
  const stack = new Stack();
  const work = mkdtempSync(join(tmpdir(), 'cairn-audit-'));
  let admin: AdminCredentials;
  let log: EventLog;
  let subscription: Subscription;
  const records: AuditRecord[] = [];

  beforeAll(async () => {
    await stack.start();
    admin = stack.credentials();
    const eventsDb = stack.services().find((s) => s.name === 'db-events') as unknown as { port: number };
    log = createEventLog(`postgres://postgres@127.0.0.1:${eventsDb.port}/postgres`);
    subscription = await log.subscribe('e2e-audit', async (e) => void (e.type === 'audit.recorded' && records.push(e.payload.record)), { fromBeginning: true });
  }, 240_000);

  afterAll(async () => {
    await subscription?.stop();
    await log?.close();
    await stack.stop();
  });

  async function recordWhere(predicate: (r: AuditRecord) => boolean, timeoutMs = 10_000): Promise<AuditRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = records.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such audit record among ${records.length}: ${JSON.stringify(records.map((r) => [r.eventName, r.errorCode]))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('records allowed and denied API calls, IAM calls without secrets, and git pushes and pulls', async () => {
    const credentials = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };
    const sdk = new CodeCommitClient({ endpoint: admin.endpoint, region: admin.region, credentials, customUserAgent: 'audit-e2e' });
    const iam = new IAMClient({ endpoint: admin.endpoint, region: admin.region, credentials });
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'audited', repositoryDescription: 'watched' }));
    const created = await recordWhere((r) => r.eventName === 'CreateRepository');
    expect(created).toMatchObject({
      eventVersion: '1.08',
      eventSource: 'codecommit.amazonaws.com',
      awsRegion: admin.region,
      sourceIPAddress: '127.0.0.1',
      userIdentity: { arn: admin.userArn, accountId: admin.accountId, accessKeyId: admin.accessKeyId },
      requestParameters: { repositoryName: 'audited', repositoryDescription: 'watched' },
      readOnly: false,
      resources: [{ ARN: `arn:aws:codecommit:${admin.region}:${admin.accountId}:audited`, accountId: admin.accountId, type: 'AWS::CodeCommit::Repository' }],
      recipientAccountId: admin.accountId,
      eventType: 'AwsApiCall',
    });
    expect(created.userAgent).toContain('audit-e2e');
    expect(created.errorCode).toBeUndefined();

    // A denied call by a read-only user.
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'reader', PolicyArn: 'arn:aws:iam::aws:policy/AWSCodeCommitReadOnly' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    const reader = new CodeCommitClient({ endpoint: admin.endpoint, region: admin.region, maxAttempts: 1, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
    await reader.send(new GetRepositoryCommand({ repositoryName: 'audited' }));
    await expect(reader.send(new CreateRepositoryCommand({ repositoryName: 'not-allowed' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const denied = await recordWhere((r) => r.eventName === 'CreateRepository' && r.errorCode === 'AccessDeniedException');
    expect(denied.userIdentity).toMatchObject({ type: 'IAMUser', userName: 'reader', accessKeyId: key.AccessKeyId });
    expect(denied.errorMessage).toContain('is not authorized to perform: codecommit:CreateRepository');
    expect(await recordWhere((r) => r.eventName === 'GetRepository' && r.userIdentity.userName === 'reader')).toMatchObject({ readOnly: true });

    // The access key's secret never appears in a record.
    const keyRecord = await recordWhere((r) => r.eventName === 'CreateAccessKey');
    expect(keyRecord.eventSource).toBe('iam.amazonaws.com');
    expect(JSON.stringify(records)).not.toContain(key.SecretAccessKey!);
    expect(JSON.stringify(records)).not.toContain(admin.secretAccessKey);

    // Git over HTTPS: a push with its refs, then a clone.
    const dir = join(work, 'src');
    git(['init', '-q', '-b', 'main', dir]);
    writeFileSync(join(dir, 'f'), 'x');
    git(['add', 'f'], { cwd: dir });
    git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'one'], { cwd: dir });
    git(['push', '-q', stack.gitUrl('audited'), 'main'], { cwd: dir });
    const head = git(['rev-parse', 'HEAD'], { cwd: dir }).trim();
    const push = await recordWhere((r) => r.eventName === 'GitPush');
    expect(push).toMatchObject({
      readOnly: false,
      userIdentity: { arn: admin.userArn },
      requestParameters: { repositoryName: 'audited' },
      additionalEventData: { protocol: 'http', referenceUpdates: [{ ref: 'refs/heads/main', oldId: '0'.repeat(40), newId: head }], deniedReferences: [] },
    });
    git(['clone', '-q', stack.gitUrl('audited'), join(work, 'clone')]);
    expect(await recordWhere((r) => r.eventName === 'GitPull')).toMatchObject({ readOnly: true, additionalEventData: { protocol: 'http', gitProtocolVersion: 2 } });

    // Every record is unique.
    expect(new Set(records.map((r) => r.eventID)).size).toBe(records.length);
    for (const client of [sdk, iam, reader]) client.destroy();
  });
});
