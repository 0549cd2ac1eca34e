import { EntityManager } from 'typeorm';
import { appendToOutbox, PullRequestEventDetail } from '@cairn/events';
import { PullRequestEntity, PullRequestEventEntity } from './pull-request.entity';
import { eventDetail } from './pull-request-json';

export const EVENT_SOURCE = 'pull-requests';

/** What changed: the DescribePullRequestEvents entry and the published event, made together. */
export interface PullRequestChange {
  /** PullRequestEventType, e.g. PULL_REQUEST_CREATED. */
  type: string;
  /** The event type's metadata member, e.g. { pullRequestCreatedEventMetadata: {...} }. */
  metadata: Record<string, unknown>;
  /** The EventBridge event name, e.g. pullRequestCreated. */
  event: string;
  extra?: Partial<PullRequestEventDetail>;
}

/**
 * Records a change in the transaction that made it: a row of the pull request's history and the
 * `pull-request.changed` event in the outbox, so both exist exactly when the change does.
 */
export async function recordChange(manager: EntityManager, pr: PullRequestEntity, actorArn: string, accountId: string, change: PullRequestChange): Promise<void> {
  const entry = Object.assign(new PullRequestEventEntity(), { pullRequestId: pr.pullRequestId, eventDate: new Date(), eventType: change.type, actorArn, metadata: change.metadata });
  await manager.save(entry);
  await appendToOutbox(manager, EVENT_SOURCE, 'pull-request.changed', {
    repositoryId: pr.repositoryId,
    accountId,
    detailType: 'CodeCommit Pull Request State Change',
    detail: eventDetail(pr, change.event, actorArn, change.extra),
  });
}
