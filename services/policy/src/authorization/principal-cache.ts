import type { CompiledPolicySet } from '../evaluation';
import type { PrincipalPolicies } from '../policies/policies.service';

/** What a decision needs to know about one principal, as read from the store. */
export interface PrincipalEntry {
  /** The bootstrap administrator may do everything. */
  administrator: boolean;
  /** Undefined when the principal does not exist (any more). */
  found: PrincipalPolicies | undefined;
  /** Its policies, compiled (once per load, not per question). */
  compiled?: CompiledPolicySet;
}

interface Cached {
  entry: PrincipalEntry;
  generation: number;
  readAt: number;
}

/**
 * Principals' policies, remembered between decisions so a decision is an in-memory evaluation
 * (decision 0019). An entry is dropped when this replica commits any IAM write (the store's
 * generation moves) and, for writes made by other replicas, after `ttlMs`: IAM changes reach
 * every replica within that time, as AWS IAM's own changes propagate within seconds.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Cached>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(principalArn: string, generation: number, now = Date.now()): PrincipalEntry | undefined {
    const cached = this.entries.get(principalArn);
    if (!cached) return undefined;
    if (cached.generation !== generation || now - cached.readAt >= this.ttlMs) {
      this.entries.delete(principalArn);
      return undefined;
    }
    return cached.entry;
  }

  /** `generation` is the store's generation read *before* the entry was loaded. */
  set(principalArn: string, entry: PrincipalEntry, generation: number, readAt = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(principalArn)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(principalArn, { entry, generation, readAt });
  }
}
