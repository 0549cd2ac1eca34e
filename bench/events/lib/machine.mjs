// Is anything else heavy running on this 2-core machine? Other benchmarks, jest runs, Cairn stacks.
import { readFileSync, readdirSync } from 'node:fs';

/** Other benchmarks (bench/…/run.mjs, npm run bench), jest runs or Cairn stacks running now, except `exclude` pids and this process. */
export function otherHeavyProcesses(exclude = new Set()) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!/^\d+$/.test(entry) || pid === process.pid || pid === process.ppid || exclude.has(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      if (/bench\/([\w-]+\/)?run\.mjs|npm run bench|services\/supervisor\/dist\/main\.js|node_modules\/\.bin\/jest/.test(cmd) && !cmd.includes('bench/events/run.mjs')) found.push(`${entry}: ${cmd.slice(0, 120)}`);
    } catch {
      /* gone */
    }
  }
  return found;
}
