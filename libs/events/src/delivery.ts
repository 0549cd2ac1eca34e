import { errorMessage, nextBackoff, type Backoff, type EventBatchHandler, type EventHandler, type EventsLogger } from './event-log';
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
 * Calls the handler with the events until it resolves. Returns false, without handling, when the
 * subscription stops first: the caller then must not commit the events' position.
 */
export async function handleWithRetry(handler: EventBatchHandler, events: readonly AnyEventEnvelope[], ctx: RetryContext): Promise<boolean> {
  let wait = 0;
  for (let attempt = 1; ; attempt++) {
    if (ctx.isStopped()) return false;
    try {
      await handler(events);
      return true;
    } catch (error) {
      wait = nextBackoff(wait, ctx.backoff);
      ctx.logger.warn('event handler failed; retrying', {
        groupId: ctx.groupId,
        eventId: events[0]?.id,
        eventType: events[0]?.type,
        ...(events.length > 1 ? { events: events.length } : {}),
        attempt,
        retryInMs: wait,
        error: errorMessage(error),
      });
      await ctx.pause(wait);
    }
  }
}

/** A per-event handler as a batch handler of batches of one (subscribe() delivers one event at a time). */
export function oneAtATime(handler: EventHandler): EventBatchHandler {
  return async (events) => {
    for (const event of events) await handler(event);
  };
}
