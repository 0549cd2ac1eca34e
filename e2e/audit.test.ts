import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeCommitClient, CreateRepositoryCommand, GetRepositoryCommand } from '@aws-sdk/client-codecommit';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { Client as PgClient } from 'pg';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, GetUserCommand, IAMClient, UploadSSHPublicKeyCommand } from '@aws-sdk/client-iam';
import { createEventLog, type AuditRecord, type EventLog, type Subscription } from '@cairn/events';
import { git, Stack, type AdminCredentials } from './support/stack';
import { makeTempDir } from '@cairn/testing';

/**
 * The audit trail as it leaves the services: one CloudTrail record per API call (allowed or
 * denied) and per git transfer, with the caller, the source address and no secrets.
 */
describe('audit records', () => {
  // The chain is also verified in the background, every 2 s here (hourly by default).
  const stack = new Stack(undefined, { CAIRN_AUDIT_VERIFY_INTERVAL_SECONDS: '2' });
  const work = makeTempDir('cairn-audit-');
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

  /** The audit service's cairn_audit_chain_intact gauge, scraped until `wanted` holds (at most 15 s). */
  async function auditChainIntact(wanted: (value: number | undefined) => boolean): Promise<number | undefined> {
    const port = stack.services().find((s) => s.name === 'audit')!.metricsPort;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const match = /^cairn_audit_chain_intact(?:\{[^}]*\})? (\S+)$/m.exec(text);
      const value = match ? Number(match[1]) : undefined;
      if (wanted(value) || Date.now() > deadline) return value;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

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

  it('answers aws cloudtrail lookup-events within 5 seconds of a push, an API call and a denied call', async () => {
    const credentials = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };
    const sdk = new CodeCommitClient({ endpoint: admin.endpoint, region: admin.region, credentials });
    const trail = new CloudTrailClient({ endpoint: admin.endpoint, region: admin.region, credentials });
    const started = Date.now();
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'looked-up' }));
    const dir = join(work, 'looked-up');
    git(['init', '-q', '-b', 'main', dir]);
    writeFileSync(join(dir, 'f'), 'y');
    git(['add', 'f'], { cwd: dir });
    git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'one'], { cwd: dir });
    git(['push', '-q', stack.gitUrl('looked-up'), 'main'], { cwd: dir });
    await expect(sdk.send(new GetRepositoryCommand({ repositoryName: '../bad' }))).rejects.toBeDefined();

    const lookup = async (key: 'EventName' | 'ResourceName', value: string) =>
      (await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: key, AttributeValue: value }], StartTime: new Date(started - 60_000) }))).Events ?? [];
    const deadline = started + 5_000;
    let pushes = await lookup('EventName', 'GitPush');
    while (!pushes.some((e) => e.Resources?.some((r) => r.ResourceName?.endsWith('looked-up'))) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      pushes = await lookup('EventName', 'GitPush');
    }
    const push = pushes.find((e) => e.Resources?.some((r) => r.ResourceName?.endsWith('looked-up')));
    // Found by the loop above, which gives up 5 s after the calls started.
    expect(push).toBeDefined();
    expect(JSON.parse(push!.CloudTrailEvent!)).toMatchObject({ eventName: 'GitPush', userIdentity: { arn: admin.userArn } });
    expect((await lookup('EventName', 'CreateRepository')).length).toBeGreaterThan(0);

    const cli = JSON.parse(
      execFileSync(process.env.CAIRN_TEST_AWS_CLI ?? 'aws', ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=GetRepository', '--endpoint-url', admin.endpoint, '--output', 'json'], {
        env: { ...process.env, AWS_ACCESS_KEY_ID: admin.accessKeyId, AWS_SECRET_ACCESS_KEY: admin.secretAccessKey, AWS_DEFAULT_REGION: admin.region },
      }).toString(),
    ) as { Events: { EventName: string; CloudTrailEvent: string }[] };
    expect(cli.Events.length).toBeGreaterThan(0);
    expect(cli.Events.every((e) => e.EventName === 'GetRepository')).toBe(true);
    expect(cli.Events.some((e) => (JSON.parse(e.CloudTrailEvent) as AuditRecord).errorCode !== undefined)).toBe(true);
    sdk.destroy();
    trail.destroy();
  });

  it('detects a stored record that was altered, naming it', async () => {
    const verify = async () => {
      const res = await fetch(admin.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.VerifyAuditChain' },
        body: '{}',
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    // Unsigned: refused like any other API call.
    expect((await verify()).status).toBe(400);

    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { Sha256 } = await import('@aws-crypto/sha256-js');
    const signer = new SignatureV4({ service: 'cloudtrail', region: admin.region, credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey }, sha256: Sha256 });
    const url = new URL(admin.endpoint);
    const signedVerify = async () => {
      const signed = await signer.sign({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.VerifyAuditChain' },
        body: '{}',
      });
      const res = await fetch(admin.endpoint, { method: 'POST', headers: signed.headers as Record<string, string>, body: '{}' });
      return (await res.json()) as { Ok: boolean; Checked: number; FirstBadSequence?: number; Problem?: string };
    };
    const intact = await signedVerify();
    expect(intact).toMatchObject({ Ok: true });
    expect(await auditChainIntact((v) => v === 1)).toBe(1);
    expect(intact.Checked).toBeGreaterThan(3);

    // Someone with database access rewrites a stored record.
    const auditDb = stack.services().find((s) => s.name === 'db-audit') as unknown as { port: number };
    const db = new PgClient({ connectionString: `postgres://postgres@127.0.0.1:${auditDb.port}/postgres` });
    await db.connect();
    try {
      const tables = await db.query<{ tgname: string }>("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_records'::regclass AND NOT tgisinternal");
      for (const t of tables.rows) await db.query(`ALTER TABLE audit_records DISABLE TRIGGER "${t.tgname}"`);
      const target = await db.query<{ sequence: string }>('SELECT sequence FROM audit_records ORDER BY sequence ASC OFFSET 2 LIMIT 1');
      const sequence = Number(target.rows[0].sequence);
      const changed = await db.query(`UPDATE audit_records SET record = regexp_replace(record, '"sourceIPAddress":"[^"]*"', '"sourceIPAddress":"203.0.113.9"') WHERE sequence = $1`, [sequence]);
      expect(changed.rowCount).toBe(1);
      const tampered = await signedVerify();
      expect(tampered).toMatchObject({ Ok: false, FirstBadSequence: sequence, Problem: 'altered' });
      // The background verification notices too, and says so on /metrics for the alert rule.
      expect(await auditChainIntact((v) => v === 0)).toBe(0);
    } finally {
      await db.end();
    }
  });
  it('records git over SSH like git over HTTPS', async () => {
    const credentials = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };
    const iam = new IAMClient({ endpoint: admin.endpoint, region: admin.region, credentials });
    const sdk = new CodeCommitClient({ endpoint: admin.endpoint, region: admin.region, credentials });
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'over-ssh' }));
    const key = join(work, 'ssh_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const userName = (await iam.send(new GetUserCommand({}))).User!.UserName!;
    const keyId = (await iam.send(new UploadSSHPublicKeyCommand({ UserName: userName, SSHPublicKeyBody: readFileSync(`${key}.pub`, 'utf8') }))).SSHPublicKey!.SSHPublicKeyId!;
    const env = { GIT_SSH_COMMAND: `ssh -i ${key} -o UserKnownHostsFile=${join(work, 'known_hosts')} -o StrictHostKeyChecking=accept-new -o IdentitiesOnly=yes -o BatchMode=yes -F /dev/null` };
    const dir = join(work, 'ssh-src');
    git(['init', '-q', '-b', 'main', dir]);
    writeFileSync(join(dir, 'f'), 'z');
    git(['add', 'f'], { cwd: dir });
    git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'one'], { cwd: dir });
    git(['push', '-q', `ssh://${keyId}@127.0.0.1:${stack.sshPort}/v1/repos/over-ssh`, 'main'], { cwd: dir, env });
    const push = await recordWhere((r) => r.eventName === 'GitPush' && (r.additionalEventData as { protocol?: string }).protocol === 'ssh');
    expect(push).toMatchObject({
      userIdentity: { arn: admin.userArn },
      sourceIPAddress: '127.0.0.1',
      requestParameters: { repositoryName: 'over-ssh' },
      additionalEventData: { referenceUpdates: [{ ref: 'refs/heads/main', newId: git(['rev-parse', 'HEAD'], { cwd: dir }).trim() }] },
    });
    expect(push.userAgent).toMatch(/^SSH-2\.0-OpenSSH/);
    const pushed = push.additionalEventData as { bytesTransferredIn: number; bytesTransferredOut: number };
    // The pack and commands came in; the advertisement and the report went out.
    expect(pushed.bytesTransferredIn).toBeGreaterThan(100);
    expect(pushed.bytesTransferredOut).toBeGreaterThan(50);

    const sshUrl = `ssh://${keyId}@127.0.0.1:${stack.sshPort}/v1/repos/over-ssh`;
    type PullData = { protocol?: string; packRequested?: boolean; bytesTransferredOut?: number };
    const sshPull = (packRequested: boolean) => (r: AuditRecord) =>
      r.eventName === 'GitPull' && (r.additionalEventData as PullData).protocol === 'ssh' && (r.additionalEventData as PullData).packRequested === packRequested;
    git(['ls-remote', sshUrl], { env });
    await recordWhere(sshPull(false));
    git(['clone', '-q', sshUrl, join(work, 'ssh-clone')], { env });
    const cloned = await recordWhere(sshPull(true));
    expect((cloned.additionalEventData as PullData).bytesTransferredOut).toBeGreaterThan(100);
    // The ls-remote was not counted as a fetch of objects, the clone was: one each.
    expect([records.filter(sshPull(false)).length, records.filter(sshPull(true)).length]).toEqual([1, 1]);
    iam.destroy();
    sdk.destroy();
  });
});
