import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { STORAGE_CONFIG, StorageConfig } from '../config';
import { currentTraceparent, Logger } from '@cairn/runtime';
import { collapseRefLog, CommittedRefUpdate } from './ref-log';

export interface PushContext {
  repositoryId: string;
  repositoryName: string;
  accountId: string;
  actorArn: string;
}

/** A journal entry: one push's committed reference changes, waiting to be published. */
export interface JournalEntry extends PushContext {
  id: string;
  occurredAt: string;
  updates: CommittedRefUpdate[];
  /** Trace context of the push, when traced: the references.updated event continues its trace. */
  traceparent?: string;
}

export interface PendingPush {
  pushId: string;
  /** File the reference-transaction hook appends committed updates to. */
  refLogPath: string;
}

/** The git process of a push, as recorded when it started: enough to know it again after a restart. */
interface PushProcess {
  pid: number;
  /** Start time from /proc/<pid>/stat, so a reused pid is not mistaken for it. */
  startTime: string;
  /** The repository, whose quarantine directories a dead push may have left behind. */
  gitDir: string;
}

/**
 * The storage node's outbox. Before git runs, the push's context is written to `pending/`;
 * the hook fills in what git committed; afterwards (or, after a crash, at the next start) the
 * two become one durable entry in `ready/`, which the relay publishes and then removes.
 * So a reference change that git committed is never without its event.
 *
 * git runs in its own process group, so when this service is killed a push's git can outlive
 * it for a while (it notices the closed connection only when it next reads or writes) and may
 * still commit. A pending push whose git is still running is therefore finished only once that
 * process is gone; then the quarantine directories it may have left (git leaves them when it
 * dies of a signal) are removed.
 */
@Injectable()
export class RefJournal implements OnApplicationShutdown {
  private readonly logger = new Logger('git-storage');
  private readonly pendingDir: string;
  private readonly readyDir: string;
  private readonly listeners = new Set<() => void>();
  private readonly startedAt = Date.now();
  /** Pushes of an earlier incarnation whose git is still running. */
  private readonly orphans = new Map<string, PushProcess>();
  private orphanTimer?: NodeJS.Timeout;

  constructor(@Inject(STORAGE_CONFIG) config: StorageConfig) {
    this.pendingDir = join(config.dataDir, 'journal', 'pending');
    this.readyDir = join(config.dataDir, 'journal', 'ready');
  }

  async init(): Promise<void> {
    await mkdir(this.pendingDir, { recursive: true });
    await mkdir(this.readyDir, { recursive: true });
    // Pushes interrupted by a crash: git may have committed refs; their hook output says which.
    for (const name of await readdir(this.pendingDir)) {
      if (!name.endsWith('.json')) continue;
      const pushId = name.slice(0, -'.json'.length);
      const git = await this.readProcess(pushId);
      if (git && isRunning(git)) this.orphans.set(pushId, git);
      else await this.recover(pushId, git);
    }
    if (this.orphans.size > 0) {
      this.logger.warn('git processes of interrupted pushes are still running; their pushes are finished when they end', { pushes: this.orphans.size });
      this.orphanTimer = setInterval(() => void this.reapOrphans(), 250);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.orphanTimer);
  }

  onReady(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async beginPush(context: PushContext): Promise<PendingPush> {
    const pushId = randomUUID();
    await writeDurably(join(this.pendingDir, `${pushId}.json`), JSON.stringify(context));
    return { pushId, refLogPath: join(this.pendingDir, `${pushId}.refs`) };
  }

  /** Records the git process serving a push (see the class comment). */
  async attachProcess(pushId: string, pid: number | undefined, gitDir: string): Promise<void> {
    const startTime = pid === undefined ? undefined : processStartTime(pid);
    if (pid === undefined || startTime === undefined) return;
    const record: PushProcess = { pid, startTime, gitDir };
    await writeFile(join(this.pendingDir, `${pushId}.process`), JSON.stringify(record));
  }

  /** Turns a finished push into a journal entry; returns what it committed. */
  async finishPush(pushId: string): Promise<CommittedRefUpdate[]> {
    const metaPath = join(this.pendingDir, `${pushId}.json`);
    const refLogPath = join(this.pendingDir, `${pushId}.refs`);
    const context = JSON.parse(await readFile(metaPath, 'utf8')) as PushContext;
    const refLog = await readFile(refLogPath, 'utf8').catch(() => '');
    const updates = collapseRefLog(refLog);
    if (updates.length > 0) {
      const traceparent = currentTraceparent();
      const entry: JournalEntry = { id: pushId, occurredAt: new Date().toISOString(), ...context, updates, ...(traceparent ? { traceparent } : {}) };
      // Entries are named by time so the relay publishes them in commit order.
      const name = `${Date.now().toString().padStart(15, '0')}-${pushId}.json`;
      await writeDurably(join(this.readyDir, name), JSON.stringify(entry));
    }
    await rm(refLogPath, { force: true });
    await rm(join(this.pendingDir, `${pushId}.process`), { force: true });
    await rm(metaPath, { force: true });
    if (updates.length > 0) for (const l of this.listeners) l();
    return updates;
  }

  private async readProcess(pushId: string): Promise<PushProcess | undefined> {
    try {
      return JSON.parse(await readFile(join(this.pendingDir, `${pushId}.process`), 'utf8')) as PushProcess;
    } catch {
      return undefined;
    }
  }

  private reaping = false;

  private async reapOrphans(): Promise<void> {
    if (this.reaping) return;
    this.reaping = true;
    try {
      for (const [pushId, git] of this.orphans) {
        if (isRunning(git)) continue;
        this.orphans.delete(pushId);
        await this.recover(pushId, git);
      }
      if (this.orphans.size === 0) clearInterval(this.orphanTimer);
    } catch (error) {
      this.logger.error('finishing an interrupted push failed', { error });
    } finally {
      this.reaping = false;
    }
  }

  /** Finishes a push of an earlier incarnation and removes what its git left in the repository. */
  private async recover(pushId: string, git: PushProcess | undefined): Promise<void> {
    await this.finishPush(pushId);
    if (!git) return;
    // Another interrupted push to the same repository may still be using its quarantine.
    if ([...this.orphans.values()].some((o) => o.gitDir === git.gitDir)) return;
    const objects = join(git.gitDir, 'objects');
    const names = await readdir(objects).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith('tmp_objdir-'))) {
      const path = join(objects, name);
      // Quarantines made since this process started belong to pushes it is serving now.
      const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: Infinity }));
      if (mtimeMs < this.startedAt) await rm(path, { recursive: true, force: true });
    }
  }

  async readyEntries(): Promise<{ name: string; entry: JournalEntry }[]> {
    const names = (await readdir(this.readyDir)).filter((n) => n.endsWith('.json')).sort();
    return Promise.all(names.map(async (name) => ({ name, entry: JSON.parse(await readFile(join(this.readyDir, name), 'utf8')) as JournalEntry })));
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.readyDir, name), { force: true });
  }
}

/** Write to a temporary name, fsync, then rename: the file is either whole or absent. */
async function writeDurably(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp-${randomUUID()}`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after it are plain.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isRunning(git: PushProcess): boolean {
  return processStartTime(git.pid) === git.startTime;
}
