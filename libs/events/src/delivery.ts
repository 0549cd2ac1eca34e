import { errorMessage, nextBackoff, type Backoff, type EventHandler, type EventsLogger } from './event-log';
import type { AnyEventEnvelope } from './event-map';

/**
 * A pause that can be cut short. A wake() that comes while nobody waits is kept, so the next wait()
 * returns at once: a kick that lands during a publish is not lost.
 */
export class Wakeup {
  private resolvePending: (() => void) | undefined;
  private woken = false;

  wait(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        this.resolvePending = undefined;
        resolve();
      };
      this.resolvePending = done;
    });
  }

  wake(): void {
    if (this.resolvePending) this.resolvePending();
    else this.woken = true;
  }
}

export interface RetryContext {
  isStopped(): boolean;
  /** Waits between attempts; must return early when the subscription stops. */
  pause(ms: number): Promise<void>;
  backoff: Backoff;
  logger: EventsLogger;
  groupId: string;
}

/**
 * Calls the handler until it resolves. Returns false, without handling, when the subscription
 * stops first: the caller then must not commit the event's position.
 */
export async function handleWithRetry(handler: EventHandler, event: AnyEventEnvelope, ctx: RetryContext): Promise<boolean> {
  let wait = 0;
  for (let attempt = 1; ; attempt++) {
    if (ctx.isStopped()) return false;
    try {
      await handler(event);
      return true;
    } catch (error) {
      wait = nextBackoff(wait, ctx.backoff);
      ctx.logger.warn('event handler failed; retrying', {
        groupId: ctx.groupId,
        eventId: event.id,
        eventType: event.type,
        attempt,
        retryInMs: wait,
        error: errorMessage(error),
      });
      await ctx.pause(wait);
    }
  }
}
