// How a storage repository keeps its branches right now (loose ref files, packed-refs), and
// whether git-storage still has a push's reference changes to publish (its journal). Read from
// the file system without spawning anything, so it can be polled while the stack works.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpuMeter } from './common.mjs';
import { now, sleep } from '../../lib/util.mjs';

/** Files under `dir` (recursively) that are not lock files; 0 when it does not exist. */
function countLooseRefs(dir) {
  let n = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0; // absent, or removed while we looked (pack-refs prunes empty directories)
  }
  for (const e of entries) {
    if (e.isDirectory()) n += countLooseRefs(join(dir, e.name));
    else if (!e.name.endsWith('.lock')) n++;
  }
  return n;
}

function countJson(dir) {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json')).length;
  } catch {
    return 0;
  }
}

/**
 * The repository's branches as files: loose ref files under refs/heads/, branch lines in
 * packed-refs, whether a packing is under way (packed-refs.lock), and the journal entries
 * (pushes whose references.updated event git-storage has not yet published).
 */
export function refState(gitDir, journalDir) {
  let packedHeads = 0;
  try {
    for (const line of readFileSync(join(gitDir, 'packed-refs'), 'utf8').split('\n')) if (line.includes(' refs/heads/')) packedHeads++;
  } catch {
    /* no packed-refs */
  }
  return {
    looseHeads: countLooseRefs(join(gitDir, 'refs', 'heads')),
    packedHeads,
    packing: existsSync(join(gitDir, 'packed-refs.lock')),
    journalPending: countJson(join(journalDir, 'pending')),
    journalReady: countJson(join(journalDir, 'ready')),
  };
}

const same = (a, b) => a.looseHeads === b.looseHeads && a.packedHeads === b.packedHeads && a.packing === b.packing && a.journalPending === b.journalPending && a.journalReady === b.journalReady;

/**
 * Waits (at most `maxMs`) until the push's reference changes have settled: git-storage's journal
 * is empty (the references.updated event was published), no packing is under way, the ref files
 * have not changed for `stableMs`, and the stack's CPU (net of its idle background) stayed under
 * `quietCpuMs` over the last second (the event's consumers are done). Polls every `pollMs`.
 * Returns the timeline of changes (ms since `sinceMs`, the push's end) and how it ended.
 */
export async function settleRefs({ gitDir, journalDir, procs, sinceMs, maxMs = 60_000, pollMs = 250, stableMs = 2_000, quietCpuMs = 100 }) {
  const started = now();
  const timeline = [];
  let last;
  let lastChange = now();
  let meter = cpuMeter(procs);
  let meterStarted = now();
  let cpuLastSecond = NaN;
  let settled = false;
  for (;;) {
    const s = refState(gitDir, journalDir);
    const t = now();
    if (!last || !same(s, last)) {
      timeline.push({ atMs: t - sinceMs, ...s });
      last = s;
      lastChange = t;
    }
    if (t - meterStarted >= 1000) {
      const cpu = meter.stop();
      cpuLastSecond = (Object.entries(cpu).filter(([k]) => k !== 'supervisor').reduce((a, [, v]) => a + (Number.isFinite(v) ? v : 0), 0) * 1000) / (t - meterStarted);
      meter = cpuMeter(procs);
      meterStarted = t;
    }
    const refsSettled = s.journalPending === 0 && s.journalReady === 0 && !s.packing && t - lastChange >= stableMs;
    if (refsSettled && cpuLastSecond < quietCpuMs) {
      settled = true;
      break;
    }
    if (t - started >= maxMs) break;
    await sleep(pollMs);
  }
  const final = refState(gitDir, journalDir);
  return { settled, waitedMs: now() - started, maxMs, stableMs, quietCpuMs, cpuLastSecondMs: cpuLastSecond, timeline, final };
}
