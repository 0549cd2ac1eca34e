import { Injectable } from '@nestjs/common';
import { runGitChecked } from '@cairn/git';
import { Logger } from '@cairn/runtime';
import { RepositoryStore } from '../repositories/repository-store';

/** Reference changes a repository may gather as loose ref files before they are packed. */
export const PACK_AFTER_CHANGES = 128;

/**
 * Keeps references packed. Every ref a push or an API write creates is a loose file, and git reads
 * every one of them to list a repository's branches: 10,000 loose branches made a ListBranches page
 * cost a p50 of 152 ms against 50 ms packed (bench/codecommit-api at aec90f2). After
 * PACK_AFTER_CHANGES changes to a repository (counted in memory: a restart only delays the next
 * packing), this runs `git pack-refs --all` off the push's path, with hooks off: packing changes
 * no ref's value, so it is no change to journal, and git would otherwise run the
 * reference-transaction hook once per pruned loose ref (decision 0004).
 */
@Injectable()
export class RefPacker {
  private readonly logger = new Logger('git-storage');
  private readonly changes = new Map<string, number>();
  private readonly packing = new Map<string, Promise<void>>();

  constructor(private readonly store: RepositoryStore) {}

  /** Counts a repository's reference changes; packs (in the background) once enough gathered. */
  noteChanges(repositoryId: string, count: number): void {
    const total = (this.changes.get(repositoryId) ?? 0) + count;
    if (total < PACK_AFTER_CHANGES || this.packing.has(repositoryId)) {
      this.changes.set(repositoryId, total);
      return;
    }
    this.changes.delete(repositoryId);
    const done = this.pack(repositoryId).finally(() => this.packing.delete(repositoryId));
    this.packing.set(repositoryId, done);
  }

  /** Resolves when every packing started so far has ended (for tests and shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.packing.values());
  }

  private async pack(repositoryId: string): Promise<void> {
    try {
      if (!(await this.store.exists(repositoryId))) return;
      const gitDir = this.store.pathOf(repositoryId);
      await runGitChecked({ gitDir, subcommand: 'pack-refs', flags: ['--all'], config: { 'core.hooksPath': '/dev/null' } }, { timeoutMs: 10 * 60_000 });
    } catch (error) {
      this.logger.warn('packing references failed; they stay loose until the next attempt', { repositoryId, error });
    }
  }
}
