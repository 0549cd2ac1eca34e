import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const created = new Set<string>();
let cleanupRegistered = false;

/** Set by the jest global setup: one folder for the run's temp dirs, removed by its teardown. */
export const TEST_TMP_ROOT_ENV = 'CAIRN_TEST_TMP_ROOT';

/**
 * A fresh empty directory. Under jest it lies in the run's temp root, which the global teardown
 * removes; elsewhere it is removed when the process exits (unless keep: true). A test needs no
 * cleanup of its own.
 */
export function makeTempDir(prefix = 'cairn-test-', options: { keep?: boolean } = {}): string {
  const root = process.env[TEST_TMP_ROOT_ENV];
  const dir = mkdtempSync(join(root && existsSync(root) ? root : tmpdir(), prefix));
  if (!options.keep && !root) {
    created.add(dir);
    if (!cleanupRegistered) {
      cleanupRegistered = true;
      process.once('exit', () => {
        for (const d of created) rmSync(d, { recursive: true, force: true });
      });
    }
  }
  return dir;
}

/** Where tools fetched for tests are kept between runs: outside the clone, so `git clean` keeps them. */
export function cacheDir(...parts: string[]): string {
  const base = process.env.CAIRN_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cairn');
  return join(base, ...parts);
}
