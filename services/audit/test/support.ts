import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AuditRecord } from '@cairn/events';
import { openDatabase } from '@cairn/runtime';
import { createTestDatabase } from '@cairn/testing';
import { AUDIT_ENTITIES } from '../src/chain/audit-record.entity';
import { AuditRepository, chainHash, prepareAuditSchema } from '../src/chain/audit.repository';
import { canonicalJson } from '../src/chain/canonical-json';
import { recordFields } from '../src/chain/record-fields';
import { ChainVerifier } from '../src/chain/chain-verifier';

export const ACCOUNT = '111122223333';

export interface AuditStore {
  url: string;
  db: DataSource;
  repository: AuditRepository;
  verifier: ChainVerifier;
}

/** A new database with the audit schema, as the service prepares it at boot. */
export async function openAuditStore(prefix: string): Promise<AuditStore> {
  const url = await createTestDatabase(prefix);
  const db = await openDatabase(url, AUDIT_ENTITIES);
  await prepareAuditSchema(db);
  const repository = new AuditRepository(db);
  return { url, db, repository, verifier: new ChainVerifier(repository) };
}

export interface RecordOptions {
  eventName?: string;
  eventSource?: string;
  eventTime?: Date;
  readOnly?: boolean;
  /** An IAM user name (the default is alice), or a whole identity. */
  user?: string | AuditRecord['userIdentity'];
  accessKeyId?: string;
  repository?: string;
}

/** A CloudTrail record as the gateway would publish it. */
export function auditRecord(options: RecordOptions = {}): AuditRecord {
  const user = options.user ?? 'alice';
  const identity =
    typeof user === 'string'
      ? { type: 'IAMUser', principalId: `AIDA${user.toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, userName: user, accessKeyId: options.accessKeyId ?? `AKIA${user.toUpperCase()}` }
      : user;
  const repository = options.repository ?? 'my-repo';
  return {
    eventVersion: '1.08',
    eventID: randomUUID(),
    eventTime: (options.eventTime ?? new Date()).toISOString(),
    eventSource: options.eventSource ?? 'codecommit.amazonaws.com',
    eventName: options.eventName ?? 'GetRepository',
    awsRegion: 'us-east-1',
    sourceIPAddress: '127.0.0.1',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: identity,
    requestParameters: { repositoryName: repository },
    responseElements: null,
    requestID: randomUUID(),
    eventType: 'AwsApiCall',
    readOnly: options.readOnly ?? true,
    resources: [{ ARN: `arn:aws:codecommit:us-east-1:${ACCOUNT}:${repository}`, accountId: ACCOUNT, type: 'AWS::CodeCommit::Repository' }],
    recipientAccountId: ACCOUNT,
    managementEvent: true,
    eventCategory: 'Management',
  };
}

/** Appends records in order, as ingestion would. */
export async function appendAll(repository: AuditRepository, records: AuditRecord[]): Promise<void> {
  for (const record of records) await repository.append(record, { eventId: randomUUID(), eventTime: new Date() });
}

/** Runs SQL that the append-only trigger would refuse, as someone with the database's owner rights could. */
export async function tamper(db: DataSource, ...statements: [string, unknown[]?][]): Promise<void> {
  await db.transaction(async (m) => {
    await m.query('ALTER TABLE audit_records DISABLE TRIGGER USER');
    for (const [sql, params] of statements) await m.query(sql, params);
    await m.query('ALTER TABLE audit_records ENABLE TRIGGER USER');
  });
}

/** An INSERT of a record that links to `prevHash` with a correct hash and matching lookup columns: a careful forgery. */
export function forgedInsert(sequence: number, prevHash: string, record: AuditRecord): [string, unknown[]] {
  const json = canonicalJson(record);
  const f = recordFields(record);
  return [
    `INSERT INTO audit_records (sequence, event_id, event_time, event_name, event_source, username, principal_arn, access_key_id,
       read_only, resource_types, resource_names, record, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [sequence, f.eventId, f.eventTime, f.eventName, f.eventSource, f.username, f.principalArn, f.accessKeyId, f.readOnly, f.resourceTypes, f.resourceNames, json, prevHash, chainHash(prevHash, json, sequence)],
  ];
}
