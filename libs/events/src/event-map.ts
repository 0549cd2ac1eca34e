import { randomUUID } from 'node:crypto';
import { currentTraceparent } from '@cairn/runtime';

/** A git object id of all zeros: in a reference update, the ref was created (oldId) or deleted (newId). */
export const ZERO_OBJECT_ID = '0000000000000000000000000000000000000000';

/**
 * Every event Cairn publishes, by name, with its payload. This is the one place an event is defined:
 * producers and consumers both take their types from here.
 */
export interface EventMap {
  'repository.created': {
    repositoryId: string;
    repositoryName: string;
    accountId: string;
    arn: string;
    actorArn: string;
  };
  'repository.deleted': {
    repositoryId: string;
    repositoryName: string;
    accountId: string;
    actorArn: string;
  };
  'repository.renamed': {
    repositoryId: string;
    oldName: string;
    newName: string;
    accountId: string;
    actorArn: string;
  };
  /** Description, encryption key or tags changed; `changes` names what. */
  'repository.updated': {
    repositoryId: string;
    repositoryName: string;
    accountId: string;
    actorArn: string;
    changes: ('description' | 'kmsKeyId' | 'tags' | 'defaultBranch')[];
  };
  /** One per push (or API write), listing every reference it moved. */
  'references.updated': {
    repositoryId: string;
    repositoryName: string;
    accountId: string;
    actorArn: string;
    updates: { ref: string; oldId: string; newId: string }[];
    /** Commits new to the repository (reachable from the new tips, from no ref before), when storage could count them. */
    commits?: number;
    /** The repository's size on disk after the change, in bytes, when storage could read it. */
    repositorySizeBytes?: number;
  };
  /** A request that was audited (allowed or denied): one CloudTrail record. */
  'audit.recorded': {
    /** The repository the request was about, when there is one (the partition key). */
    repositoryId?: string;
    record: AuditRecord;
  };
  /** A change to a pull request, its approvals or its comments. */
  'pull-request.changed': {
    repositoryId: string;
    accountId: string;
    /** EventBridge's detail-type. */
    detailType: 'CodeCommit Pull Request State Change' | 'CodeCommit Comment on Pull Request';
    detail: PullRequestEventDetail;
  };
}

/**
 * The `detail` of CodeCommit's EventBridge pull-request events ("CodeCommit Pull Request State
 * Change", "CodeCommit Comment on Pull Request"), which rules and triggers match on.
 */
export interface PullRequestEventDetail {
  /** pullRequestCreated, pullRequestSourceBranchUpdated, pullRequestStatusChanged, pullRequestMergeStatusUpdated,
   * pullRequestApprovalRuleCreated|Updated|Deleted|Overridden, pullRequestApprovalStateChanged,
   * commentOnPullRequestCreated, commentOnPullRequestUpdated. */
  event: string;
  pullRequestId: string;
  repositoryNames: string[];
  title: string;
  author: string;
  callerUserArn: string;
  pullRequestStatus: 'Open' | 'Closed';
  isMerged: 'True' | 'False';
  sourceReference: string;
  destinationReference: string;
  sourceCommit: string;
  destinationCommit: string;
  mergeBase?: string;
  revisionId: string;
  creationDate: string;
  lastModifiedDate: string;
  notificationBody: string;
  approvalStatus?: 'APPROVE' | 'REVOKE';
  overrideStatus?: 'OVERRIDE' | 'REVOKE';
  approvalRuleId?: string;
  approvalRuleName?: string;
  commentId?: string;
  inReplyTo?: string;
}

/**
 * One audited request, as CloudTrail records it (`eventVersion` 1.08 fields). Producers redact
 * secrets from requestParameters before the record leaves them.
 */
export interface AuditRecord {
  eventVersion: '1.08';
  /** uuid, unique per request; consumers drop a record they already stored. */
  eventID: string;
  /** ISO 8601. */
  eventTime: string;
  /** codecommit.amazonaws.com, iam.amazonaws.com or sts.amazonaws.com. */
  eventSource: string;
  /** The operation, or GitPull / GitPush for git traffic. */
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  userIdentity: { type: string; principalId?: string; arn?: string; accountId?: string; accessKeyId?: string; userName?: string };
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  /** For git: protocol (http/ssh, v0/v2), refs and commits pushed, shallow, bytes. */
  additionalEventData?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
  requestID: string;
  eventType: 'AwsApiCall';
  readOnly: boolean;
  resources: { ARN: string; accountId: string; type: string }[];
  recipientAccountId: string;
  managementEvent: boolean;
  eventCategory: 'Management';
}

export type EventType = keyof EventMap;

export interface EventEnvelope<K extends EventType = EventType> {
  /** uuid; consumers drop an id they have already handled (delivery is at least once). */
  id: string;
  type: K;
  /** ISO 8601, when the change was made (not when it was published). */
  occurredAt: string;
  /** Name of the service that made the change. */
  source: string;
  payload: EventMap[K];
  /** W3C trace context of the request that made the change, when it was traced: consumers continue its trace. */
  traceparent?: string;
}

/** Any event, as a union discriminated by `type`, so `switch (event.type)` narrows the payload. */
export type AnyEventEnvelope = { [K in EventType]: EventEnvelope<K> }[EventType];

// A Record over the keys makes adding an event to EventMap without listing it here a compile error.
const EVENT_TYPE_SET: Record<EventType, true> = {
  'repository.created': true,
  'repository.deleted': true,
  'repository.renamed': true,
  'repository.updated': true,
  'references.updated': true,
  'pull-request.changed': true,
  'audit.recorded': true,
};

export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as EventType[];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENT_TYPE_SET, value);
}

export function createEnvelope<K extends EventType>(source: string, type: K, payload: EventMap[K], occurredAt = new Date()): EventEnvelope<K> {
  const traceparent = currentTraceparent();
  return { id: randomUUID(), type, occurredAt: occurredAt.toISOString(), source, payload, ...(traceparent ? { traceparent } : {}) };
}

/**
 * The key that keeps one repository's events in order on a partitioned log (a Kafka message key).
 * Events about no repository have none and may go to any partition.
 */
export function partitionKeyOf(envelope: EventEnvelope): string | undefined {
  const payload = envelope.payload as { repositoryId?: unknown };
  return typeof payload.repositoryId === 'string' && payload.repositoryId ? payload.repositoryId : undefined;
}

/**
 * Reads an envelope from its JSON form (a log record), checking the fields every consumer relies on.
 * The payload's shape is trusted: only Cairn's own relays write to the log.
 */
export function parseEnvelope(json: string | Buffer): AnyEventEnvelope {
  const value = JSON.parse(json.toString()) as Partial<EventEnvelope>;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof value.id !== 'string' ||
    !isEventType(value.type) ||
    typeof value.occurredAt !== 'string' ||
    typeof value.source !== 'string' ||
    typeof value.payload !== 'object' ||
    value.payload === null
  ) {
    throw new Error(`not a Cairn event envelope: ${json.toString().slice(0, 200)}`);
  }
  return value as AnyEventEnvelope;
}
