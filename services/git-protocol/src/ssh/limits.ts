import type { ServerChannel } from 'ssh2';
import { normalizeAddress } from '@cairn/runtime';

/**
 * How many holders each key (an IAM user, a source address) has at once, each bounded by
 * `limit` (0: no bound). Every slot handed out is returned exactly once, however often its
 * release is called, so a session that ends by several paths at once cannot free two slots.
 */
export class ConcurrencyLimit {
  private readonly held = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** A release function when `key` is under its limit, or undefined when the limit is reached. */
  tryAcquire(key: string): (() => void) | undefined {
    const count = this.held.get(key) ?? 0;
    if (this.limit > 0 && count >= this.limit) return undefined;
    this.held.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }

  count(key: string): number {
    return this.held.get(key) ?? 0;
  }

  /** Keys holding at least one slot (a gauge of how many users or addresses are connected). */
  get size(): number {
    return this.held.size;
  }
}

/** Calls `onIdle` once no `touch()` came for `ms` (0: never). */
export class IdleTimer {
  private readonly timer?: NodeJS.Timeout;

  constructor(ms: number, onIdle: () => void) {
    if (ms > 0) {
      this.timer = setTimeout(onIdle, ms);
      this.timer.unref();
    }
  }

  touch(): void {
    this.timer?.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** A one-shot timer that does not keep the process alive (0 ms: none). */
export function deadline(ms: number, fn: () => void): NodeJS.Timeout | undefined {
  if (ms <= 0) return undefined;
  const timer = setTimeout(fn, ms);
  timer.unref();
  return timer;
}

/**
 * Calls `onData` for every chunk that crosses a channel, in (`received`, from the client) or out
 * (`sent`, to it), with its size, without reading the channel: a `data` listener would make it
 * flow, and the exec handler holds the client's bytes until it knows where they go. Incoming
 * chunks pass through `push`, which ssh2 calls for each CHANNEL_DATA; outgoing ones through `write`.
 */
export function observeChannelData(channel: ServerChannel, onData: (direction: 'received' | 'sent', bytes: number) => void): void {
  const push = channel.push.bind(channel);
  channel.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk !== null) onData('received', byteLength(chunk));
    return push(chunk, encoding);
  };
  const write = channel.write.bind(channel) as (...args: unknown[]) => boolean;
  channel.write = ((...args: unknown[]) => {
    onData('sent', byteLength(args[0]));
    return write(...args);
  }) as ServerChannel['write'];
}

function byteLength(chunk: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk);
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

/** The source address as one key whatever the socket family (IPv4-mapped IPv6 is IPv4). */
export function addressKey(remoteAddress: string | undefined): string {
  return remoteAddress ? normalizeAddress(remoteAddress) : 'unknown';
}

/** 600 → "10 min", 21600 → "6 h", 45 → "45 s". */
export function formatSeconds(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
