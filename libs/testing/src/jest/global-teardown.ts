import { RUNNING_KEY } from './global-setup';

type Stoppable = { name: string; stop(): Promise<void> };

export default async function globalTeardown(): Promise<void> {
  const running = ((globalThis as Record<string, unknown>)[RUNNING_KEY] ?? []) as Stoppable[];
  const results = await Promise.allSettled(running.map((server) => server.stop()));
  results.forEach((result, i) => {
    if (result.status === 'rejected') process.stderr.write(`[cairn test teardown] stopping ${running[i].name} failed: ${String(result.reason)}\n`);
  });
  running.length = 0;
}
