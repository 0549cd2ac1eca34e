import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AnyEventEnvelope } from '@cairn/events';
import { counterIncrements, pullRequestChange, repositorySize } from './derive';
import { KnownRepository, PullRequestState, RepositorySize } from './platform.entities';

export interface CounterRow {
  counter: string;
  repository: string;
  dimension: string;
  value: number;
}

/** The platform metrics' durable state: counters, repositories and pull request states. */
@Injectable()
export class PlatformStore {
  constructor(private readonly db: DataSource) {}

  /** Applies one event inside the caller's transaction (the one that marks it handled). */
  async apply(event: AnyEventEnvelope, m: EntityManager): Promise<void> {
    await this.trackRepository(event, m);
    for (const inc of counterIncrements(event)) await this.increment(m, inc.counter, inc.repositoryId, inc.dimension, inc.by);
    const size = repositorySize(event);
    if (size) await m.save(RepositorySize, { repositoryId: size.repositoryId, sizeBytes: String(size.bytes) });
    const change = pullRequestChange(event);
    if (!change) return;
    const before = await m.findOneBy(PullRequestState, { pullRequestId: change.pullRequestId });
    const wasOpen = before?.open ?? false;
    const wasMerged = before?.merged ?? false;
    const open = change.open ?? wasOpen;
    const merged = change.merged ?? wasMerged;
    if (!before && change.open) await this.increment(m, 'pull_requests_created', change.repositoryId, '', 1);
    if (merged && !wasMerged) await this.increment(m, 'pull_requests_merged', change.repositoryId, '', 1);
    else if (wasOpen && !open && !merged) await this.increment(m, 'pull_requests_closed', change.repositoryId, '', 1);
    await m.save(PullRequestState, { pullRequestId: change.pullRequestId, repositoryId: change.repositoryId, open, merged });
  }

  /** Every counter with its repository's current name ('' when not per repository or unknown). */
  async counters(): Promise<CounterRow[]> {
    const rows = (await this.db.query(
      `SELECT c.counter, COALESCE(r.repository_name, '') AS repository, c.dimension, c.value
         FROM repository_counters c LEFT JOIN known_repositories r ON r.repository_id = c.repository_id AND c.repository_id <> ''`,
    )) as { counter: string; repository: string; dimension: string; value: string }[];
    return rows.map((r) => ({ ...r, value: Number(r.value) }));
  }

  /** Per repository that has had pull requests: how many are open (0 included, so a series exists). */
  async openPullRequests(): Promise<{ repository: string; open: number }[]> {
    const rows = (await this.db.query(
      `SELECT COALESCE(r.repository_name, p.repository_id) AS repository, (count(*) FILTER (WHERE p.open))::int AS open
         FROM pull_request_states p LEFT JOIN known_repositories r ON r.repository_id = p.repository_id
        GROUP BY 1`,
    )) as { repository: string; open: number }[];
    return rows;
  }

  /** The size of each repository that exists, by its current name. */
  async repositorySizes(): Promise<{ repository: string; bytes: number }[]> {
    const rows = (await this.db.query(
      `SELECT r.repository_name AS repository, s.size_bytes AS bytes
         FROM repository_sizes s JOIN known_repositories r ON r.repository_id = s.repository_id
        WHERE NOT r.deleted`,
    )) as { repository: string; bytes: string }[];
    return rows.map((r) => ({ repository: r.repository, bytes: Number(r.bytes) }));
  }

  async repositoryCount(): Promise<number> {
    return this.db.getRepository(KnownRepository).countBy({ deleted: false });
  }

  private async trackRepository(event: AnyEventEnvelope, m: EntityManager): Promise<void> {
    switch (event.type) {
      case 'repository.created':
        await m.save(KnownRepository, { repositoryId: event.payload.repositoryId, repositoryName: event.payload.repositoryName, deleted: false });
        return;
      case 'repository.renamed':
        await m.update(KnownRepository, { repositoryId: event.payload.repositoryId }, { repositoryName: event.payload.newName });
        return;
      case 'repository.deleted':
        await m.update(KnownRepository, { repositoryId: event.payload.repositoryId }, { deleted: true });
        return;
      default:
        return;
    }
  }

  private async increment(m: EntityManager, counter: string, repositoryId: string, dimension: string, by: number): Promise<void> {
    if (by <= 0) return;
    await m.query(
      `INSERT INTO repository_counters (counter, repository_id, dimension, value) VALUES ($1, $2, $3, $4)
       ON CONFLICT (counter, repository_id, dimension) DO UPDATE SET value = repository_counters.value + EXCLUDED.value`,
      [counter, repositoryId, dimension, by],
    );
  }
}
