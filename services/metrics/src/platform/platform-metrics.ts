import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge, Metric } from 'prom-client';
import { Logger, serviceMetrics } from '@cairn/runtime';
import { CounterRow, PlatformStore } from './platform-store';

/**
 * The platform metrics, read from the store at each scrape: every replica of this service shows
 * the same values (they are facts about the platform, not about a process), and a restart keeps
 * them. Per-repository metrics carry the repository's current name.
 */
@Injectable()
export class PlatformMetrics implements OnApplicationShutdown {
  private readonly logger = new Logger('metrics');
  private readonly metrics: Metric[];
  /** One read of the store per scrape, shared by every metric's collect(). */
  private snapshot?: Promise<CounterRow[]>;

  constructor(private readonly store: PlatformStore) {
    // collect() runs with `this` bound to the metric; the store is reached through these closures.
    const rows = () => this.rows();
    const perRepository = (key: string) => async function collect(this: Counter<'repository'>) {
      this.reset();
      for (const row of (await rows()).filter((r) => r.counter === key)) this.inc({ repository: row.repository }, row.value);
    };
    this.metrics = [
      new Counter({ name: 'cairn_repository_pushes_total', help: 'Pushes that updated at least one ref, per repository (from GitPush audit records).', labelNames: ['repository'], registers: [], collect: perRepository('repository_pushes') }),
      new Counter({ name: 'cairn_repository_pushed_refs_total', help: 'References updated by pushes, per repository.', labelNames: ['repository'], registers: [], collect: perRepository('repository_pushed_refs') }),
      new Counter({ name: 'cairn_repository_pushed_bytes_total', help: 'Bytes received by pushes (HTTP on the wire, SSH as channel data), per repository.', labelNames: ['repository'], registers: [], collect: perRepository('repository_pushed_bytes') }),
      new Counter({ name: 'cairn_repository_pulls_total', help: 'Fetches and clones served, per repository (from GitPull audit records).', labelNames: ['repository'], registers: [], collect: perRepository('repository_pulls') }),
      new Counter({ name: 'cairn_repository_pulled_bytes_total', help: 'Bytes sent by fetches and clones (HTTP on the wire, SSH as channel data), per repository.', labelNames: ['repository'], registers: [], collect: perRepository('repository_pulled_bytes') }),
      new Counter({ name: 'cairn_repository_reference_updates_total', help: 'Reference updates from every source (pushes, API commits, merges), per repository.', labelNames: ['repository'], registers: [], collect: perRepository('repository_reference_updates') }),
      new Counter({ name: 'cairn_repository_commits_total', help: 'Commits new to the repository, from pushes, API commits and merges, per repository.', labelNames: ['repository'], registers: [], collect: perRepository('repository_commits') }),
      new Counter({ name: 'cairn_pull_requests_created_total', help: 'Pull requests opened, per repository.', labelNames: ['repository'], registers: [], collect: perRepository('pull_requests_created') }),
      new Counter({ name: 'cairn_pull_requests_merged_total', help: 'Pull requests merged, per repository.', labelNames: ['repository'], registers: [], collect: perRepository('pull_requests_merged') }),
      new Counter({ name: 'cairn_pull_requests_closed_total', help: 'Pull requests closed without a merge, per repository.', labelNames: ['repository'], registers: [], collect: perRepository('pull_requests_closed') }),
      new Counter({
        name: 'cairn_access_denied_total',
        help: 'Audited requests refused by policy (AccessDenied), by service and operation (GitPush, GitPull or the API operation).',
        labelNames: ['event_source', 'event_name'],
        registers: [],
        async collect(this: Counter<'event_source' | 'event_name'>) {
          this.reset();
          for (const row of (await rows()).filter((r) => r.counter === 'access_denied')) {
            const [source = '', name = ''] = row.dimension.split(' ');
            this.inc({ event_source: source, event_name: name }, row.value);
          }
        },
      }),
      new Gauge({
        name: 'cairn_pull_requests_open',
        help: 'Pull requests open now, per repository.',
        labelNames: ['repository'],
        registers: [],
        async collect(this: Gauge<'repository'>) {
          this.reset();
          for (const row of await store.openPullRequests()) this.set({ repository: row.repository }, row.open);
        },
      }),
      new Gauge({
        name: 'cairn_repository_size_bytes',
        help: "A repository's objects on disk (packs and loose objects) after its latest reference change, per repository.",
        labelNames: ['repository'],
        registers: [],
        async collect(this: Gauge<'repository'>) {
          this.reset();
          for (const row of await store.repositorySizes()) this.set({ repository: row.repository }, row.bytes);
        },
      }),
      new Gauge({
        name: 'cairn_repositories',
        help: 'Repositories that exist now.',
        registers: [],
        async collect(this: Gauge) {
          this.set(await store.repositoryCount());
        },
      }),
    ];
    for (const metric of this.metrics) serviceMetrics.registerMetric(metric);
  }

  onApplicationShutdown(): void {
    for (const metric of this.metrics) serviceMetrics.removeSingleMetric((metric as unknown as { name: string }).name);
  }

  private rows(): Promise<CounterRow[]> {
    // A scrape reads every metric at once: they share one query, forgotten right after.
    if (!this.snapshot) {
      this.snapshot = this.store.counters().catch((error: unknown) => {
        this.logger.error('reading platform counters failed', { error });
        return [];
      });
      void this.snapshot.finally(() => setTimeout(() => (this.snapshot = undefined), 100));
    }
    return this.snapshot;
  }
}
