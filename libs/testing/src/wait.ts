export interface WaitForOptions {
  /** Pause between attempts. */
  intervalMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

/**
 * Polls `fn` until it returns a truthy value (which is returned) or the time is up. An attempt that
 * throws counts as "not yet"; the last error is reported on timeout.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 10_000,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const { intervalMs = 50, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${cause}`);
    }
    await delay(intervalMs);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
