import { Injectable } from '@nestjs/common';
import { runGitChecked } from '@cairn/git';
import { Logger } from '@cairn/runtime';
import { ZERO_ID } from '../content/git-objects';
import { RepositoryStore } from '../repositories/repository-store';
import type { CommittedRefUpdate } from './ref-log';

/** What a push (or an API write) added, for the platform metrics. */
export interface PushStats {
  /** Commits the repository did not have before: reachable from the new tips, from no ref before the change. */
  commits?: number;
  /** The repository's objects on disk after the change (packs and loose objects), in bytes. */
  repositorySizeBytes?: number;
}

/**
 * Reads a change's stats from the repository, when its event is published (off the push's path,
 * milliseconds after it). "No ref before the change" is every other ref as it is now plus the
 * updated refs' old ids; a ref created in between from the pushed commits would hide them, which
 * only a race of two pushes within those milliseconds can do. Stats are best effort: a repository
 * deleted in between, or a git failure, leaves them out of the event rather than holding it back.
 */
@Injectable()
export class PushStatsReader {
  private readonly logger = new Logger('git-storage');

  constructor(private readonly store: RepositoryStore) {}

  async read(repositoryId: string, updates: readonly CommittedRefUpdate[]): Promise<PushStats> {
    try {
      const dir = await this.store.require(repositoryId);
      const [commits, repositorySizeBytes] = await Promise.all([newCommits(dir, updates), sizeOnDisk(dir)]);
      return { commits, repositorySizeBytes };
    } catch (error) {
      this.logger.warn('reading push stats failed; the event goes without them', { repositoryId, error });
      return {};
    }
  }
}

async function newCommits(dir: string, updates: readonly CommittedRefUpdate[]): Promise<number> {
  const tips = updates.map((u) => u.newId).filter((id) => id !== ZERO_ID);
  if (tips.length === 0) return 0;
  const updated = new Set(updates.map((u) => u.ref));
  const refs = (await runGitChecked({ gitDir: dir, subcommand: 'for-each-ref', flags: ['--format=%(objectname) %(refname)'] }, { timeoutMs: 60_000 }))
    .toString()
    .split('\n');
  const before = updates.map((u) => u.oldId).filter((id) => id !== ZERO_ID);
  for (const line of refs) {
    const space = line.indexOf(' ');
    if (space > 0 && !updated.has(line.slice(space + 1))) before.push(line.slice(0, space));
  }
  const stdin = [...tips, ...before.map((id) => `^${id}`)].join('\n') + '\n';
  const count = await runGitChecked({ gitDir: dir, subcommand: 'rev-list', flags: ['--count', '--stdin'] }, { stdin, timeoutMs: 60_000 });
  const commits = Number(count.toString().trim());
  if (!Number.isInteger(commits)) throw new Error(`git rev-list --count answered ${JSON.stringify(count.toString())}`);
  return commits;
}

/** `git count-objects -v`: loose objects (`size`) and packs (`size-pack`), both in KiB. */
async function sizeOnDisk(dir: string): Promise<number> {
  const out = (await runGitChecked({ gitDir: dir, subcommand: 'count-objects', flags: ['-v'] }, { timeoutMs: 60_000 })).toString();
  const kib = (key: string) => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
  return (kib('size') + kib('size-pack')) * 1024;
}
