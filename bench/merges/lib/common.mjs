// Small helpers of the merge benchmark (the rest comes from bench/lib and bench/codecommit-api/lib).
import { GIT_ENV, run } from '../../lib/util.mjs';

/** The environment git-storage gives git (libs/git FIXED_ENV): GIT_ENV plus no replace objects. */
export const STORAGE_ENV = { ...GIT_ENV, GIT_NO_REPLACE_OBJECTS: '1' };

/** A raw git command on a bare repository, spawned per call as git-storage spawns its own. */
export const rawGit = (gitDir, args, opts = {}) => run('git', [`--git-dir=${gitDir}`, ...args], { env: STORAGE_ENV, timeoutMs: 120_000, ...opts });

/** Adds one cpuMeter reading (ms per process) into a running total. */
export function addCpu(total, reading) {
  for (const [k, v] of Object.entries(reading)) if (Number.isFinite(v)) total[k] = (total[k] ?? 0) + v;
}

export const perCall = (total, n) => Object.fromEntries(Object.entries(total).map(([k, v]) => [k, n > 0 ? v / n : NaN]));

/** An SDK or child-process error in one line: the exception name and message. */
export function describeError(e) {
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${String(e?.message ?? e).split('\n').slice(0, 3).join(' / ')}`.slice(0, 400);
}
