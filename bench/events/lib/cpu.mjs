// CPU used by each part of goal 1's pipeline, from /proc: the producing process, the audit
// process, the Kafka broker's JVM, the PostgreSQL server (postmaster and every backend), and the
// whole machine (/proc/stat, which includes anything else running).
import { readFileSync, readdirSync } from 'node:fs';

const CLK_TCK = 100;

function stat(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), cpuMs: ((Number(f[11]) + Number(f[12])) / CLK_TCK) * 1000 };
}

function allProcesses() {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { ppid, cpuMs } = stat(entry);
      out.push({ pid: Number(entry), ppid, cpuMs, cmd: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Busy and total CPU ms of the whole machine so far. */
function machineCpu() {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const v = cpu.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busyMs: ((total - idle) / CLK_TCK) * 1000, totalMs: (total / CLK_TCK) * 1000 };
}

/**
 * A meter over the pipeline's processes: `start()` then `stop()` gives CPU ms per part and as a
 * share of one core over the wall time. The broker is this process's java child; PostgreSQL is the
 * postmaster listening on `pgPort` and its children (backends that exited in between are missed).
 */
export function pipelineCpu({ producerPid, ingestPid, pgPort }) {
  const sample = () => {
    const procs = allProcesses();
    const kafka = procs.filter((p) => p.ppid === process.pid && p.cmd.includes('kafka.Kafka'));
    const postmaster = procs.find((p) => p.cmd.includes('postgres') && p.cmd.includes(`-p ${pgPort} `));
    const pg = postmaster ? procs.filter((p) => p.pid === postmaster.pid || p.ppid === postmaster.pid) : [];
    const sum = (list) => list.reduce((a, p) => a + p.cpuMs, 0);
    const byPid = (pid) => procs.find((p) => p.pid === pid)?.cpuMs ?? NaN;
    return {
      at: Date.now(),
      parts: { producer: byPid(producerPid), 'audit ingest': byPid(ingestPid), 'Kafka broker': sum(kafka), PostgreSQL: sum(pg), 'bench (this process)': byPid(process.pid) },
      pgPids: new Map(pg.map((p) => [p.pid, p.cpuMs])),
      machine: machineCpu(),
    };
  };
  let first;
  return {
    start() {
      first = sample();
    },
    stop() {
      const last = sample();
      const seconds = (last.at - first.at) / 1000;
      const parts = {};
      for (const [k, v] of Object.entries(last.parts)) parts[k] = v - first.parts[k];
      // Backends that started during the run count from zero.
      let pg = 0;
      for (const [pid, ms] of last.pgPids) pg += ms - (first.pgPids.get(pid) ?? 0);
      parts.PostgreSQL = pg;
      const machineBusy = last.machine.busyMs - first.machine.busyMs;
      const machineTotal = last.machine.totalMs - first.machine.totalMs;
      return {
        seconds,
        ms: parts,
        coresUsed: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v / 1000 / seconds])),
        machineBusyShare: machineBusy / machineTotal,
      };
    },
  };
}
