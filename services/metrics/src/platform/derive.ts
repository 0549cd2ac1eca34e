import type { AnyEventEnvelope } from '@cairn/events';

/** Counters derived from events; each key is exposed as `cairn_<key>_total`. */
export type CounterKey =
  | 'repository_pushes'
  | 'repository_pushed_refs'
  | 'repository_pushed_bytes'
  | 'repository_pulls'
  | 'repository_pulled_bytes'
  | 'repository_reference_updates'
  | 'repository_commits'
  | 'access_denied';

export interface CounterIncrement {
  counter: CounterKey;
  repositoryId: string;
  /** access_denied: `<eventSource> <eventName>`; '' otherwise. */
  dimension: string;
  by: number;
}

const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

/**
 * What an event adds to the platform counters. Pushes and pulls come from the audit records git
 * traffic leaves (they carry the refs and bytes); reference updates from every source (pushes,
 * API writes, merges); denials from any audited request refused by policy.
 */
export function counterIncrements(event: AnyEventEnvelope): CounterIncrement[] {
  switch (event.type) {
    case 'references.updated': {
      const { repositoryId, updates, commits } = event.payload;
      return [
        { counter: 'repository_reference_updates', repositoryId, dimension: '', by: updates.length },
        { counter: 'repository_commits', repositoryId, dimension: '', by: nonNegative(commits) },
      ];
    }
    case 'audit.recorded': {
      const { record } = event.payload;
      const repositoryId = event.payload.repositoryId ?? '';
      const out: CounterIncrement[] = [];
      if (record.errorCode && DENIED.has(record.errorCode)) out.push({ counter: 'access_denied', repositoryId: '', dimension: `${record.eventSource} ${record.eventName}`, by: 1 });
      if (record.errorCode || !repositoryId) return out;
      const data = record.additionalEventData ?? {};
      // Pulls: requests that fetched a pack (HTTP marks ls-refs and negotiation rounds packRequested: false).
      if (record.eventName === 'GitPush') {
        const updates = Array.isArray(data.referenceUpdates) ? data.referenceUpdates.length : 0;
        if (updates === 0) return out;
        out.push({ counter: 'repository_pushes', repositoryId, dimension: '', by: 1 }, { counter: 'repository_pushed_refs', repositoryId, dimension: '', by: updates });
        out.push({ counter: 'repository_pushed_bytes', repositoryId, dimension: '', by: nonNegative(data.bytesTransferredIn) });
      } else if (record.eventName === 'GitPull' && data.packRequested !== false) {
        out.push({ counter: 'repository_pulls', repositoryId, dimension: '', by: 1 }, { counter: 'repository_pulled_bytes', repositoryId, dimension: '', by: nonNegative(data.bytesTransferredOut) });
      }
      return out;
    }
    default:
      return [];
  }
}

/** A repository's size on disk as of an event (storage reads it when it publishes a reference change). */
export function repositorySize(event: AnyEventEnvelope): { repositoryId: string; bytes: number } | undefined {
  if (event.type !== 'references.updated' || event.payload.repositorySizeBytes === undefined) return undefined;
  return { repositoryId: event.payload.repositoryId, bytes: nonNegative(event.payload.repositorySizeBytes) };
}

/** A pull request's state after an event, when the event says something about it. */
export interface PullRequestChange {
  pullRequestId: string;
  repositoryId: string;
  open?: boolean;
  merged?: boolean;
}

export function pullRequestChange(event: AnyEventEnvelope): PullRequestChange | undefined {
  if (event.type !== 'pull-request.changed') return undefined;
  const { detail, repositoryId } = event.payload;
  const base = { pullRequestId: detail.pullRequestId, repositoryId };
  switch (detail.event) {
    case 'pullRequestCreated':
      return { ...base, open: true, merged: false };
    case 'pullRequestStatusChanged':
      return { ...base, open: detail.pullRequestStatus === 'Open' };
    case 'pullRequestMergeStatusUpdated':
      return detail.isMerged === 'True' ? { ...base, open: false, merged: true } : undefined;
    default:
      return undefined;
  }
}

function nonNegative(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
