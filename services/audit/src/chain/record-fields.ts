import type { AuditRecord } from '@cairn/events';

/** The columns of a stored record that LookupEvents filters on, all taken from the record itself. */
export interface RecordFields {
  /** The record's eventID; undefined when it has none (the event's id is stored instead). */
  eventId: string | undefined;
  /** The record's eventTime; undefined when it has none that parses (the event's time is stored instead). */
  eventTime: Date | undefined;
  eventName: string;
  eventSource: string;
  username: string | null;
  principalArn: string | null;
  accessKeyId: string | null;
  readOnly: boolean;
  /** `resources[].type`, for ResourceType lookups. */
  resourceTypes: string[];
  /** Every resource's name and its ARN, so a ResourceName lookup matches either. */
  resourceNames: string[];
}

type Identity = Partial<AuditRecord['userIdentity']>;

export function recordFields(record: Partial<AuditRecord>): RecordFields {
  const identity: Identity = typeof record.userIdentity === 'object' && record.userIdentity !== null ? record.userIdentity : {};
  const resources = Array.isArray(record.resources) ? record.resources.filter((r) => typeof r === 'object' && r !== null) : [];
  const eventTime = typeof record.eventTime === 'string' ? new Date(record.eventTime) : undefined;
  return {
    eventId: text(record.eventID) ?? undefined,
    eventTime: eventTime && !Number.isNaN(eventTime.getTime()) ? eventTime : undefined,
    eventName: text(record.eventName) ?? '',
    eventSource: text(record.eventSource) ?? '',
    username: usernameOf(identity),
    principalArn: text(identity.arn),
    accessKeyId: text(identity.accessKeyId),
    readOnly: record.readOnly === true,
    resourceTypes: unique(resources.map((r) => text(r.type))),
    resourceNames: unique(resources.flatMap((r) => [resourceNameOf(r.ARN), text(r.ARN)])),
  };
}

/**
 * LookupEvents' Username: the IAM user's name, an assumed role's session name, a federated user's
 * name, and "root" for the account itself (CloudTrail's `Root` identity).
 */
export function usernameOf(identity: Identity): string | null {
  const arn = text(identity.arn) ?? '';
  if (identity.type === 'Root' || /^arn:[^:]*:iam::\d*:root$/.test(arn)) return 'root';
  const assumed = /^arn:[^:]*:sts::\d*:assumed-role\/[^/]+\/(.+)$/.exec(arn);
  if (assumed) return assumed[1];
  const federated = /^arn:[^:]*:sts::\d*:federated-user\/(.+)$/.exec(arn);
  if (federated) return federated[1];
  return text(identity.userName) ?? (/^arn:[^:]*:iam::\d*:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] ?? null);
}

/** The name in an ARN's resource part: `arn:aws:codecommit:r:a:my-repo` → my-repo, `…:user/path/alice` → alice. */
export function resourceNameOf(arn: unknown): string | null {
  if (typeof arn !== 'string') return null;
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return text(arn);
  const resource = parts.slice(5).join(':');
  return text(resource.slice(resource.lastIndexOf('/') + 1));
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}
