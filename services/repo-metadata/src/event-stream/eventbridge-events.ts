import { createHash } from 'node:crypto';
import { type AnyEventEnvelope, ZERO_OBJECT_ID } from '@cairn/events';

/** One event as EventBridge delivers CodeCommit's (source `aws.codecommit`). */
export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.codecommit';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/**
 * The EventBridge events CodeCommit emits for a Cairn event: one "Repository State Change" per
 * reference a push or an API write moved, and the pull request and comment events as they are.
 * Ids are derived from the Cairn event id, so a redelivered event yields the same ids and a
 * consumer can drop duplicates.
 */
export function eventBridgeEvents(event: AnyEventEnvelope, region: string): EventBridgeEvent[] {
  const time = event.occurredAt.replace(/\.\d{3}Z$/, 'Z');
  const base = (detailType: string, account: string, repositoryName: string, id: string): Omit<EventBridgeEvent, 'detail'> => ({
    version: '0',
    id,
    'detail-type': detailType,
    source: 'aws.codecommit',
    account,
    time,
    region,
    resources: [`arn:aws:codecommit:${region}:${account}:${repositoryName}`],
  });
  switch (event.type) {
    case 'references.updated': {
      const { accountId, repositoryId, repositoryName, actorArn, updates } = event.payload;
      return updates.map((u, i) => {
        const tag = u.ref.startsWith('refs/tags/');
        const kind = u.oldId === ZERO_OBJECT_ID ? 'referenceCreated' : u.newId === ZERO_OBJECT_ID ? 'referenceDeleted' : 'referenceUpdated';
        return {
          ...base('CodeCommit Repository State Change', accountId, repositoryName, derivedId(event.id, i)),
          detail: {
            callerUserArn: actorArn,
            event: kind,
            repositoryId,
            repositoryName,
            referenceType: tag ? 'tag' : 'branch',
            referenceName: u.ref.replace(/^refs\/(heads|tags)\//, ''),
            referenceFullName: u.ref,
            ...(kind !== 'referenceDeleted' ? { commitId: u.newId } : {}),
            ...(kind !== 'referenceCreated' ? { oldCommitId: u.oldId } : {}),
          },
        };
      });
    }
    case 'pull-request.changed': {
      const { accountId, detailType, detail } = event.payload;
      return [{ ...base(detailType, accountId, detail.repositoryNames[0] ?? '', event.id), detail: { ...detail } }];
    }
    default:
      return [];
  }
}

/** A UUID-shaped id fixed by the source event and the position in it. */
function derivedId(eventId: string, index: number): string {
  const h = createHash('sha256').update(`${eventId}/${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
