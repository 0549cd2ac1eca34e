import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from '@cairn/runtime';
import { AuditRepository } from '../chain/audit.repository';
import { ChainVerifier } from '../chain/chain-verifier';
import { AUDIT_CONFIG, type AuditConfig } from '../config';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** Records deleted per transaction, so appends never wait long for the chain lock. */
const CHUNK = 10_000;

export interface PruneResult {
  pruned: number;
  /** The checkpoint after pruning: verification starts right after it. */
  checkpointSequence: number;
  /** Set when pruning stopped because the records to prune did not verify (they are kept as evidence). */
  refused?: { firstBadSequence: number; problem: string };
}

/**
 * Retention (CAIRN_AUDIT_RETENTION_DAYS, 0 = keep forever): prunes the oldest records without
 * breaking verification. Only a prefix of the chain is ever removed, the longest one whose
 * records are all older than the cutoff, and the checkpoint row keeps the last removed record's
 * sequence and hash, which the remaining chain is verified from. A prefix is verified before it
 * is deleted; a broken one is kept and reported instead. Runs at start and then hourly.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('audit');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    private readonly repository: AuditRepository,
    private readonly verifier: ChainVerifier,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.retentionDays <= 0) return;
    const run = () => {
      this.running ??= this.prune(new Date(Date.now() - this.config.retentionDays * DAY_MS))
        .then((result) => {
          if (result.pruned > 0) this.logger.info('pruned audit records past retention', { ...result });
          if (result.refused) this.logger.error('audit records past retention do not verify; kept, not pruned', { ...result.refused });
        })
        .catch((error: unknown) => this.logger.warn('pruning audit records failed; will retry', { error }))
        .finally(() => (this.running = undefined));
    };
    run();
    this.timer = setInterval(run, HOUR_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Removes the records before `cutoff` that can go (see the class comment). */
  async prune(cutoff: Date): Promise<PruneResult> {
    let pruned = 0;
    for (;;) {
      const state = await this.repository.state();
      const firstKept = await this.repository.firstAtOrAfter(state.checkpointSequence, cutoff);
      const through = Math.min(firstKept === undefined ? state.headSequence : firstKept - 1, state.checkpointSequence + CHUNK);
      if (through <= state.checkpointSequence) return { pruned, checkpointSequence: state.checkpointSequence };
      const check = await this.verifier.verify({ throughSequence: through });
      if (!check.ok) {
        return { pruned, checkpointSequence: state.checkpointSequence, refused: { firstBadSequence: check.firstBadSequence!, problem: check.problem! } };
      }
      // false: another replica moved the checkpoint meanwhile; the next run goes on from there.
      if (!(await this.repository.pruneThrough(through, state.checkpointSequence))) return { pruned, checkpointSequence: state.checkpointSequence };
      pruned += through - state.checkpointSequence;
    }
  }
}
