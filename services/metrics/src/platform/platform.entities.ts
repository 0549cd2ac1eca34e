import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A durable counter per repository: how many pushes, pulls, bytes, pull requests… the events
 * reported. Updated in the same transaction that records the event as handled (the inbox), so a
 * redelivered event never counts twice and a restart loses nothing.
 */
@Entity({ name: 'repository_counters' })
export class RepositoryCounter {
  /** One of COUNTERS' keys. */
  @PrimaryColumn({ type: 'text', name: 'counter' })
  counter!: string;

  /** The repository id, or '' for counters that are not per repository. */
  @PrimaryColumn({ type: 'text', name: 'repository_id' })
  repositoryId!: string;

  /** A second label, e.g. the operation a denial was for; '' when the counter has none. */
  @PrimaryColumn({ type: 'text', name: 'dimension' })
  dimension!: string;

  /** bigint: read back as a string. */
  @Column({ type: 'bigint', name: 'value' })
  value!: string;
}

/** Repositories by id, for the `repository` label (names change on rename; ids do not). */
@Entity({ name: 'known_repositories' })
export class KnownRepository {
  @PrimaryColumn({ type: 'text', name: 'repository_id' })
  repositoryId!: string;

  @Column({ type: 'text', name: 'repository_name' })
  repositoryName!: string;

  /** Deleted repositories keep their counters (they happened) but leave the repository count. */
  @Column({ type: 'boolean', name: 'deleted', default: false })
  deleted!: boolean;
}

/**
 * Each repository's size as of its latest reference change. A repository's events arrive in order
 * (one partition per repository), so the last one applied is the newest.
 */
@Entity({ name: 'repository_sizes' })
export class RepositorySize {
  @PrimaryColumn({ type: 'text', name: 'repository_id' })
  repositoryId!: string;

  /** bigint: read back as a string. */
  @Column({ type: 'bigint', name: 'size_bytes' })
  sizeBytes!: string;
}

/** The last known state of each pull request, for the number open now. */
@Entity({ name: 'pull_request_states' })
export class PullRequestState {
  @PrimaryColumn({ type: 'text', name: 'pull_request_id' })
  pullRequestId!: string;

  @Column({ type: 'text', name: 'repository_id' })
  repositoryId!: string;

  @Column({ type: 'boolean', name: 'open' })
  open!: boolean;

  @Column({ type: 'boolean', name: 'merged' })
  merged!: boolean;
}

export const PLATFORM_ENTITIES = [RepositoryCounter, KnownRepository, RepositorySize, PullRequestState];
