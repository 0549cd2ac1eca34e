import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditRepository, LOOKUP_CONDITIONS, type LookupKey, type LookupQuery, type StoredRecord } from '../chain/audit.repository';
import { canonicalJson } from '../chain/canonical-json';
import { resourceNameOf } from '../chain/record-fields';
import { auditError } from '../errors';

/** One element of LookupEvents' `Events`, as the CloudTrail model shapes it. */
export interface LookedUpEvent {
  EventId: string;
  EventName: string;
  /** "true" or "false": a string in the model. */
  ReadOnly: string;
  AccessKeyId?: string;
  /** Epoch seconds. */
  EventTime: number;
  EventSource: string;
  Username?: string;
  Resources: { ResourceType?: string; ResourceName?: string }[];
  /** The stored record, as JSON text. */
  CloudTrailEvent: string;
}

export interface LookupEventsOutput {
  Events: LookedUpEvent[];
  NextToken?: string;
}

const DEFAULT_MAX_RESULTS = 50;

/**
 * CloudTrail LookupEvents over the stored records: newest first, at most one lookup attribute,
 * StartTime and EndTime inclusive. Unlike CloudTrail there is no 90-day window: every stored
 * record can be found (retention, when configured, is what bounds it).
 */
@Injectable()
export class LookupEventsService {
  constructor(private readonly repository: AuditRepository) {}

  async lookupEvents(input: Record<string, unknown>): Promise<LookupEventsOutput> {
    const attribute = lookupAttribute(input.LookupAttributes);
    const startTime = timestamp(input, 'StartTime');
    const endTime = timestamp(input, 'EndTime');
    if (startTime && endTime && startTime.getTime() > endTime.getTime()) {
      throw auditError('InvalidTimeRangeException', 'Start time must be before or equal to end time.');
    }
    const maxResults = input.MaxResults ?? DEFAULT_MAX_RESULTS;
    if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50) {
      throw auditError('InvalidMaxResultsException', 'MaxResults must be an integer from 1 through 50.');
    }
    const category = input.EventCategory;
    if (category !== undefined && category !== null && category !== 'insight') {
      throw auditError('InvalidEventCategoryException', `Event category ${JSON.stringify(category)} is not valid: the only category is insight.`);
    }
    const query = fingerprint(attribute, startTime, endTime);
    const after = input.NextToken === undefined || input.NextToken === null ? undefined : decodeToken(input.NextToken, query);
    // Cairn makes no Insights events; asking for them finds none.
    if (category === 'insight') return { Events: [] };

    const rows = await this.repository.lookup({ attribute, startTime, endTime, after, limit: maxResults + 1 });
    const page = rows.slice(0, maxResults);
    const last = page[page.length - 1];
    return {
      Events: page.map(toEvent),
      ...(rows.length > maxResults && last ? { NextToken: encodeToken({ t: last.eventTime.getTime(), s: last.sequence, q: query }) } : {}),
    };
  }
}

function lookupAttribute(value: unknown): LookupQuery['attribute'] {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw auditError('InvalidLookupAttributesException', 'LookupAttributes must be a list.');
  if (value.length === 0) return undefined;
  if (value.length > 1) throw auditError('InvalidLookupAttributesException', 'You can specify only one lookup attribute.');
  const { AttributeKey: key, AttributeValue: attributeValue } = (value[0] ?? {}) as Record<string, unknown>;
  if (typeof key !== 'string' || !Object.hasOwn(LOOKUP_CONDITIONS, key)) {
    throw auditError('InvalidLookupAttributesException', `AttributeKey must be one of ${Object.keys(LOOKUP_CONDITIONS).join(', ')}.`);
  }
  if (typeof attributeValue !== 'string' || attributeValue.length < 1 || attributeValue.length > 2000) {
    throw auditError('InvalidLookupAttributesException', 'AttributeValue must be a string of 1 to 2000 characters.');
  }
  if (key === 'ReadOnly') {
    const flag = attributeValue.toLowerCase();
    if (flag !== 'true' && flag !== 'false') throw auditError('InvalidLookupAttributesException', 'The ReadOnly attribute value must be true or false.');
    return { key, value: flag };
  }
  return { key: key as LookupKey, value: attributeValue };
}

/** awsJson timestamps are epoch seconds (fractions allowed). */
function timestamp(input: Record<string, unknown>, name: 'StartTime' | 'EndTime'): Date | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw auditError('SerializationException', `${name} must be a timestamp in epoch seconds.`);
  const date = new Date(value * 1000);
  if (Number.isNaN(date.getTime())) throw auditError('InvalidTimeRangeException', `${name} is out of range.`);
  return date;
}

function toEvent(row: StoredRecord): LookedUpEvent {
  const record = JSON.parse(row.record) as { resources?: { ARN?: unknown; type?: unknown }[] };
  const resources = Array.isArray(record.resources) ? record.resources.filter((r) => typeof r === 'object' && r !== null) : [];
  return {
    EventId: row.eventId,
    EventName: row.eventName,
    ReadOnly: String(row.readOnly),
    ...(row.accessKeyId ? { AccessKeyId: row.accessKeyId } : {}),
    EventTime: row.eventTime.getTime() / 1000,
    EventSource: row.eventSource,
    ...(row.username ? { Username: row.username } : {}),
    Resources: resources.map((r) => ({
      ...(typeof r.type === 'string' ? { ResourceType: r.type } : {}),
      ...(resourceNameOf(r.ARN) ? { ResourceName: resourceNameOf(r.ARN)! } : {}),
    })),
    CloudTrailEvent: row.record,
  };
}

interface PageToken {
  /** Event time (ms) and sequence of the last event returned. */
  t: number;
  s: number;
  /** The query the token belongs to: a token is only good with the parameters it was made for. */
  q: string;
}

function fingerprint(attribute: LookupQuery['attribute'], startTime: Date | undefined, endTime: Date | undefined): string {
  const query = canonicalJson({ attribute, start: startTime?.getTime(), end: endTime?.getTime() });
  return createHash('sha256').update(query).digest('base64url').slice(0, 16);
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(raw: unknown, query: string): LookupQuery['after'] {
  try {
    if (typeof raw === 'string') {
      const { t, s, q } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<PageToken>;
      if (Number.isSafeInteger(t) && Number.isSafeInteger(s) && q === query) return { eventTime: new Date(t!), sequence: s! };
    }
  } catch {
    // falls through to the modelled error
  }
  throw auditError('InvalidNextTokenException', 'The NextToken is not valid, or was made for other lookup parameters.');
}
