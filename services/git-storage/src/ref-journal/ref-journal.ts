import { Inject, Injectable } from '@nestjs/common';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { STORAGE_CONFIG, StorageConfig } from '../config';
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
}

export interface PendingPush {
  pushId: string;
  /** File the reference-transaction hook appends committed updates to. */
  refLogPath: string;
}

/**
 * The storage node's outbox. Before git runs, the push's context is written to `pending/`;
 * the hook fills in what git committed; afterwards (or, after a crash, at the next start) the
 * two become one durable entry in `ready/`, which the relay publishes and then removes.
 * So a reference change that git committed is never without its event.
 */
@Injectable()
export class RefJournal {
  private readonly pendingDir: string;
  private readonly readyDir: string;
  private readonly listeners = new Set<() => void>();

  constructor(@Inject(STORAGE_CONFIG) config: StorageConfig) {
    this.pendingDir = join(config.dataDir, 'journal', 'pending');
    this.readyDir = join(config.dataDir, 'journal', 'ready');
  }

  async init(): Promise<void> {
    await mkdir(this.pendingDir, { recursive: true });
    await mkdir(this.readyDir, { recursive: true });
    // Pushes interrupted by a crash: git may have committed refs; their hook output says which.
    for (const name of await readdir(this.pendingDir)) {
      if (name.endsWith('.json')) await this.finishPush(name.slice(0, -'.json'.length));
    }
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

  /** Turns a finished push into a journal entry; returns what it committed. */
  async finishPush(pushId: string): Promise<CommittedRefUpdate[]> {
    const metaPath = join(this.pendingDir, `${pushId}.json`);
    const refLogPath = join(this.pendingDir, `${pushId}.refs`);
    const context = JSON.parse(await readFile(metaPath, 'utf8')) as PushContext;
    const refLog = await readFile(refLogPath, 'utf8').catch(() => '');
    const updates = collapseRefLog(refLog);
    if (updates.length > 0) {
      const entry: JournalEntry = { id: pushId, occurredAt: new Date().toISOString(), ...context, updates };
      // Entries are named by time so the relay publishes them in commit order.
      const name = `${Date.now().toString().padStart(15, '0')}-${pushId}.json`;
      await writeDurably(join(this.readyDir, name), JSON.stringify(entry));
    }
    await rm(refLogPath, { force: true });
    await rm(metaPath, { force: true });
    if (updates.length > 0) for (const l of this.listeners) l();
    return updates;
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
