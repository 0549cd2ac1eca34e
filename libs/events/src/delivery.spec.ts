import { Wakeup, handleWithRetry } from './delivery';
import { nextBackoff } from './event-log';
import { createEnvelope } from './event-map';

const event = createEnvelope('test', 'repository.deleted', { repositoryId: 'r', repositoryName: 'n', accountId: 'a', actorArn: 'arn' });
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('Wakeup', () => {
  it('returns early when woken, and keeps a wake that came while nobody waited', async () => {
    const wakeup = new Wakeup();
    const started = Date.now();
    const waiting = wakeup.wait(10_000);
    wakeup.wake();
    await waiting;
    wakeup.wake();
    await wakeup.wait(10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('otherwise waits the full time', async () => {
    const started = Date.now();
    await new Wakeup().wait(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});

describe('handleWithRetry', () => {
  it('retries with growing pauses until the handler succeeds', async () => {
    const pauses: number[] = [];
    let calls = 0;
    const handled = await handleWithRetry(
      async () => {
        if (++calls < 4) throw new Error('not yet');
      },
      [event],
      { isStopped: () => false, pause: async (ms) => void pauses.push(ms), backoff: { initialMs: 10, maxMs: 25 }, logger: silent, groupId: 'g' },
    );
    expect(handled).toBe(true);
    expect(pauses).toEqual([10, 20, 25]);
  });

  it('gives up without success when the subscription stops', async () => {
    let stopped = false;
    const handled = await handleWithRetry(
      async () => {
        throw new Error('down');
      },
      [event],
      { isStopped: () => stopped, pause: async () => void (stopped = true), backoff: { initialMs: 1, maxMs: 1 }, logger: silent, groupId: 'g' },
    );
    expect(handled).toBe(false);
  });

  it('doubles the backoff up to its maximum', () => {
    const backoff = { initialMs: 100, maxMs: 500 };
    expect([0, 100, 200, 400, 500].map((ms) => nextBackoff(ms, backoff))).toEqual([100, 200, 400, 500, 500]);
  });
});
