import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Logger, serviceMetrics } from '@cairn/runtime';
import { ChainVerifier } from '../chain/chain-verifier';
import { AUDIT_CONFIG, type AuditConfig } from '../config';

const intact = new Gauge({
  name: 'cairn_audit_chain_intact',
  help: 'Whether the last full verification of the audit hash chain found it intact (1) or not (0); absent before the first.',
  registers: [serviceMetrics],
});

const verifications = new Counter({
  name: 'cairn_audit_chain_verifications_total',
  help: 'Full verifications of the audit hash chain, by result (intact, broken, failed: could not run).',
  labelNames: ['result'],
  registers: [serviceMetrics],
});

const lastVerified = new Gauge({
  name: 'cairn_audit_chain_last_verification_timestamp_seconds',
  help: 'When the audit hash chain was last verified completely (Unix time).',
  registers: [serviceMetrics],
});

/**
 * Verifies the whole audit chain at start and then every CAIRN_AUDIT_VERIFY_INTERVAL_SECONDS, so a
 * record altered, removed or reordered in the database raises an alert (CairnAuditChainBroken)
 * without anyone running the verify command. Read-only: every replica may run it.
 */
@Injectable()
export class PeriodicVerificationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('audit');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    private readonly verifier: ChainVerifier,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.verifyIntervalSeconds <= 0) return;
    this.running = this.verifyOnce();
    this.timer = setInterval(() => {
      this.running ??= this.verifyOnce();
    }, this.config.verifyIntervalSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async verifyOnce(): Promise<void> {
    try {
      const result = await this.verifier.verify();
      intact.set(result.ok ? 1 : 0);
      lastVerified.set(Date.now() / 1000);
      verifications.inc({ result: result.ok ? 'intact' : 'broken' });
      if (!result.ok) this.logger.error('audit chain verification failed', { firstBadSequence: result.firstBadSequence, problem: result.problem });
    } catch (error) {
      verifications.inc({ result: 'failed' });
      this.logger.warn('audit chain verification could not run', { error });
    } finally {
      this.running = undefined;
    }
  }
}
