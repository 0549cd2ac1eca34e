// audit.recorded payloads shaped like the ones Cairn's producers write: CloudTrail 1.08 records
// built with libs/events' own auditRecord()/userIdentityOf(), as git-protocol's GitAudit and
// api-gateway's ApiAudit build them. A fixed mix: git pushes and pulls (with additionalEventData)
// and CodeCommit API calls, over 64 repositories (the partition key) and 8 users.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';

const require = createRequire(import.meta.url);
const { auditRecord, userIdentityOf, createEnvelope } = require('@cairn/events');

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const REPOS = Array.from({ length: 64 }, (_, i) => ({ id: randomUUID(), name: `service-${String(i).padStart(2, '0')}` }));
const USERS = Array.from({ length: 8 }, (_, i) => ({
  type: 'IAMUser',
  userId: `AIDA${String(i).padStart(16, '0')}`,
  arn: `arn:aws:iam::${ACCOUNT}:user/dev-${i}`,
  accountId: ACCOUNT,
  name: `dev-${i}`,
}));
const API = ['GetRepository', 'GetBranch', 'GetFile', 'CreatePullRequest', 'GetDifferences', 'ListBranches', 'PutFile', 'CreateCommit'];
const hex = (n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[(Math.random() * 16) | 0];
  return s;
};

/** The i-th record of the mix and the repository id it is about (the envelope's partition key). */
export function sampleRecord(i) {
  const repo = REPOS[i % REPOS.length];
  const user = USERS[i % USERS.length];
  const arn = `arn:aws:codecommit:${REGION}:${ACCOUNT}:${repo.name}`;
  const common = {
    accountId: ACCOUNT,
    eventSource: 'codecommit.amazonaws.com',
    awsRegion: REGION,
    sourceIPAddress: `10.0.${(i >> 8) & 255}.${i & 255}`,
    requestID: randomUUID(),
    resources: [{ ARN: arn, accountId: ACCOUNT, type: 'AWS::CodeCommit::Repository' }],
  };
  const kind = i % 10;
  let record;
  if (kind < 3) {
    record = auditRecord({
      ...common,
      eventName: kind === 0 ? 'GitPush' : 'GitPull',
      userAgent: 'git/2.39.5',
      userIdentity: userIdentityOf(user),
      requestParameters: { repositoryName: repo.name },
      responseElements: null,
      additionalEventData: {
        protocol: 'http',
        gitProtocolVersion: kind === 0 ? 0 : 2,
        ...(kind === 0 ? { referenceUpdates: [{ ref: 'refs/heads/main', oldId: hex(40), newId: hex(40) }], deniedReferences: [] } : {}),
      },
      readOnly: kind !== 0,
    });
  } else {
    const op = API[i % API.length];
    record = auditRecord({
      ...common,
      eventName: op,
      userAgent: 'aws-cli/2.17.0 md/Botocore#1.35.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe sid/8f2e command/codecommit.' + op.toLowerCase(),
      userIdentity: userIdentityOf(user, `AKIA${String(i % 97).padStart(16, '0')}`),
      requestParameters: { repositoryName: repo.name, ...(op === 'GetFile' ? { filePath: `src/module-${i % 50}/index.ts`, commitSpecifier: 'main' } : {}) },
      responseElements: op === 'CreatePullRequest' ? { pullRequest: { pullRequestId: String(i), title: `change ${i}` } } : null,
      readOnly: op.startsWith('Get') || op.startsWith('List'),
    });
  }
  return { record, repositoryId: repo.id };
}

/** The payload of an audit.recorded event, as AuditPublisher.record builds it. */
export function samplePayload(i) {
  const { record, repositoryId } = sampleRecord(i);
  return { repositoryId, record };
}

/** A whole envelope (for the baselines that publish without an outbox). */
export function sampleEnvelope(i, source = 'bench') {
  return createEnvelope(source, 'audit.recorded', samplePayload(i));
}
