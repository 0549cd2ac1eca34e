// Top self-time functions of a .cpuprofile (as written by profile-preload.cjs).
import { readFileSync } from 'node:fs';

export function topFunctions(file, n = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const selfByFn = new Map();
  let idle = 0;
  for (const [id, count] of counts) {
    const f = byId.get(id).callFrame;
    if (f.functionName === '(idle)') {
      idle += count;
      continue;
    }
    const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, '').replace(/.*\/(services|libs)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    selfByFn.set(key, (selfByFn.get(key) ?? 0) + count);
  }
  const busy = total - idle;
  return {
    busySamples: busy,
    top: [...selfByFn.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([fn, c]) => ({ fn, pctOfBusy: (100 * c) / busy })),
  };
}
