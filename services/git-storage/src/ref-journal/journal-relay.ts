import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from '@cairn/runtime';
import { JournalEntry, RefJournal } from './ref-journal';
import { PushStats, PushStatsReader } from './push-stats';
import { RefPacker } from '../housekeeping/ref-packer';

/** What the relay needs of an event log: publish a batch, resolve once it is durable. */
export interface EnvelopePublisher {
  publish(envelopes: ReferencesUpdatedEnvelope[]): Promise<void>;
}

export interface ReferencesUpdatedEnvelope {
  id: string;
  type: 'references.updated';
  occurredAt: string;
  source: string;
  payload: Omit<JournalEntry, 'id' | 'occurredAt' | 'traceparent'> & PushStats;
  traceparent?: string;
}

export const ENVELOPE_PUBLISHER = Symbol('ENVELOPE_PUBLISHER');

/**
 * Publishes journal entries in order, removing each only after the event log took it
 * (at-least-once; consumers dedupe by event id, which is the push id).
 */
@Injectable()
export class JournalRelay implements OnApplicationShutdown {
  private readonly logger = new Logger('git-storage');
  private running = false;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private failures = 0;

  constructor(
    private readonly journal: RefJournal,
    private readonly stats: PushStatsReader,
    private readonly packer: RefPacker,
    @Inject(ENVELOPE_PUBLISHER) private readonly publisher: EnvelopePublisher | null,
  ) {}

  start(): void {
    if (!this.publisher) {
      this.logger.warn('no event log configured: reference changes stay in the journal');
      return;
    }
    this.journal.onReady(() => this.kick());
    this.kick();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      for (const { name, entry } of await this.journal.readyEntries()) {
        const { id, occurredAt, traceparent, ...change } = entry;
        // Read again if the publish is retried: the numbers are as of the publish, not the push.
        const payload = { ...change, ...(await this.stats.read(change.repositoryId, change.updates)) };
        await this.publisher!.publish([{ id, type: 'references.updated', occurredAt, source: 'git-storage', payload, ...(traceparent ? { traceparent } : {}) }]);
        await this.journal.remove(name);
        this.packer.noteChanges(change.repositoryId, change.updates.length);
      }
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      const delay = Math.min(30_000, 200 * 2 ** this.failures);
      this.logger.warn('publishing reference changes failed; will retry', { error, delayMs: delay });
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.kick(), delay);
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
