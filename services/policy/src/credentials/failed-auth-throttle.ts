export interface ThrottleLimits {
  /** Failures of one identity from one address before that pair is refused without a check. */
  perIdentityAndAddress: number;
  /** Failures from one address, whatever identities it tries, before the address is refused. */
  perAddress: number;
  /** How long failures are remembered, and so the longest a refusal lasts. */
  windowMs: number;
  /** Entries kept at most; the oldest windows are forgotten first. */
  maxEntries: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = { perIdentityAndAddress: 10, perAddress: 100, windowMs: 5 * 60_000, maxEntries: 100_000 };

interface Window {
  startedAt: number;
  failures: number;
}

export interface ThrottleVerdict {
  throttled: boolean;
  retryAfterSeconds: number;
}

const OPEN: ThrottleVerdict = { throttled: false, retryAfterSeconds: 0 };

/**
 * Slows down password and signature guessing (decision 0019). Failures are counted per
 * (identity, source address) and per source address, never per identity alone: an attacker
 * elsewhere can then not lock the rightful owner out, while the guesser is refused before any
 * check is made. A success clears the pair's count.
 */
export class FailedAuthThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS) {}

  check(identity: string, address: string, now = Date.now()): ThrottleVerdict {
    const pair = this.current(pairKey(identity, address), now);
    const source = this.current(addressKey(address), now);
    const blocking = [pair && pair.failures >= this.limits.perIdentityAndAddress ? pair : undefined, source && source.failures >= this.limits.perAddress ? source : undefined].filter((w): w is Window => w !== undefined);
    if (blocking.length === 0) return OPEN;
    const until = Math.max(...blocking.map((w) => w.startedAt + this.limits.windowMs));
    return { throttled: true, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  recordFailure(identity: string, address: string, now = Date.now()): void {
    this.bump(pairKey(identity, address), now);
    this.bump(addressKey(address), now);
  }

  recordSuccess(identity: string, address: string): void {
    this.windows.delete(pairKey(identity, address));
  }

  private current(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window && now - window.startedAt >= this.limits.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private bump(key: string, now: number): void {
    const window = this.current(key, now);
    if (window) {
      window.failures += 1;
      return;
    }
    // Insertion order is age order: the first key is the oldest window.
    if (this.windows.size >= this.limits.maxEntries) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(key, { startedAt: now, failures: 1 });
  }
}

function pairKey(identity: string, address: string): string {
  return `${address}\n${identity}`;
}

function addressKey(address: string): string {
  return address;
}
