// Goal 1 — serving throughput: a recorded v2 fetch request replayed into raw
// `git upload-pack --stateless-rpc` and through Cairn's /git-upload-pack, plus CPU per GB in
// Cairn's two Node hops. A minimal Node proxy without gRPC is measured as a control.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DELIM, FLUSH, GB, GIT_ENV, cpuSeconds, freePort, git, median, now, pkt } from '../lib/util.mjs';
import { replay } from '../lib/http.mjs';

/** What Cairn's libs/git gives every git it runs, so the raw baseline sees the same configuration. */
export const STORAGE_ENV = { ...GIT_ENV, GIT_NO_REPLACE_OBJECTS: '1' };

/** A clone's v2 fetch: every ref tip wanted, `done`, no haves (research appendix A). */
export async function recordFetchRequest(repoDir) {
  const out = (await git(['for-each-ref', '--format=%(objectname)'], { env: { ...STORAGE_ENV, GIT_DIR: repoDir } })).stdout;
  const wants = [...new Set(out.split('\n').filter(Boolean))];
  const lines = [pkt('command=fetch\n'), pkt('agent=git/2.39.5\n'), pkt('object-format=sha1\n'), DELIM, pkt('thin-pack\n'), pkt('ofs-delta\n'), pkt('no-progress\n')];
  for (const w of wants) lines.push(pkt(`want ${w}\n`));
  lines.push(pkt('done\n'), FLUSH);
  return { body: Buffer.concat(lines), wants: wants.length };
}

/** The request fed straight into git, output read (and discarded) by this process. */
export function rawUploadPack(repoDir, body) {
  return new Promise((resolve, reject) => {
    const started = now();
    let ttfb = NaN;
    let bytes = 0;
    let tail = '';
    const child = spawn('git', ['upload-pack', '--stateless-rpc', repoDir], { cwd: '/', env: { ...STORAGE_ENV, GIT_PROTOCOL: 'version=2' }, stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdout.on('data', (c) => {
      if (bytes === 0) ttfb = now() - started;
      bytes += c.length;
      tail = c.subarray(-16).toString('latin1');
    });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve({ status: 200, bytes, ttfbMs: ttfb, ms: now() - started, tail }) : reject(new Error(`upload-pack exited ${code}`))));
    child.stdin.end(body);
  });
}

export const uploadPackHeaders = (auth) => ({
  ...(auth ? { Authorization: auth } : {}),
  'Content-Type': 'application/x-git-upload-pack-request',
  Accept: 'application/x-git-upload-pack-result',
  'Git-Protocol': 'version=2',
});

export async function serving(ctx) {
  const { cairn, log, scale, repos } = ctx;
  const storageRepo = repos.medium.storage;
  const { body, wants } = await recordFetchRequest(storageRepo);
  ctx.fetchRequest = body;
  const headers = uploadPackHeaders(cairn.authHeader);
  const pids = { 'git-protocol': cairn.pid('git-protocol'), 'git-storage': cairn.pid('git-storage') };

  // Control: node:http → git with stream.pipeline, no gRPC (own process, so its CPU is its own).
  const proxyPort = await freePort();
  const proxy = spawn(process.execPath, [join(ctx.benchDir, 'lib', 'direct-proxy.mjs'), String(proxyPort), storageRepo], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((res, rej) => {
    proxy.stdout.once('data', res);
    proxy.once('exit', (c) => rej(new Error(`direct proxy exited ${c}`)));
  });

  // Idle CPU of the Node services over 3 s, to show how much of the per-run figure is background.
  const idle0 = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, cpuSeconds(p)]));
  await new Promise((r) => setTimeout(r, 3000));
  const idleRate = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, (cpuSeconds(p) - idle0[n]) / 3]));

  const runs = { raw: [], cairn: [], direct: [] };
  const cpu = { 'git-protocol': [], 'git-storage': [], direct: [] };
  try {
    // One warm-up of each (page cache, JIT), then interleaved rounds so machine noise hits all alike.
    await rawUploadPack(storageRepo, body);
    await replay({ port: cairn.httpPort, path: cairn.path('medium') + '/git-upload-pack', headers, body });
    await replay({ port: proxyPort, path: '/', headers, body });
    for (let i = 0; i < scale.g1Rounds; i++) {
      runs.raw.push(await rawUploadPack(storageRepo, body));

      const before = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, cpuSeconds(p)]));
      const r = await replay({ port: cairn.httpPort, path: cairn.path('medium') + '/git-upload-pack', headers, body });
      for (const [n, p] of Object.entries(pids)) cpu[n].push(cpuSeconds(p) - before[n]);
      if (r.status !== 200) throw new Error(`Cairn answered ${r.status}`);
      runs.cairn.push(r);

      const d0 = cpuSeconds(proxy.pid);
      runs.direct.push(await replay({ port: proxyPort, path: '/', headers, body }));
      cpu.direct.push(cpuSeconds(proxy.pid) - d0);
      log(`  round ${i + 1}: raw ${runs.raw.at(-1).ms.toFixed(0)} ms, cairn ${runs.cairn.at(-1).ms.toFixed(0)} ms, direct ${runs.direct.at(-1).ms.toFixed(0)} ms`);
    }
  } finally {
    proxy.kill('SIGTERM');
  }

  const summary = (list) => {
    const ms = median(list.map((r) => r.ms));
    const bytes = median(list.map((r) => r.bytes));
    return { ms, bytes, mbps: bytes / 1e6 / (ms / 1000), ttfbMs: median(list.map((r) => r.ttfbMs)), complete: list.every((r) => r.tail.endsWith('0000')), all: list.map((r) => Math.round(r.ms)) };
  };
  const raw = summary(runs.raw);
  const viaCairn = summary(runs.cairn);
  const direct = summary(runs.direct);
  const perGB = (secs, list) => secs.reduce((a, b) => a + b, 0) / (list.reduce((a, r) => a + r.bytes, 0) / GB);
  const cpuPerGB = {
    'git-protocol': perGB(cpu['git-protocol'], runs.cairn),
    'git-storage': perGB(cpu['git-storage'], runs.cairn),
    direct: perGB(cpu.direct, runs.direct),
  };
  // Per run, to show the spread on a shared machine.
  const cpuPerGBRuns = {
    'git-protocol': cpu['git-protocol'].map((c, i) => c / (runs.cairn[i].bytes / GB)),
    'git-storage': cpu['git-storage'].map((c, i) => c / (runs.cairn[i].bytes / GB)),
    direct: cpu.direct.map((c, i) => c / (runs.direct[i].bytes / GB)),
  };
  const throughputRatio = viaCairn.mbps / raw.mbps;
  const bytesMatch = Math.abs(viaCairn.bytes - raw.bytes) <= raw.bytes * 0.001;
  return {
    wants,
    requestBytes: body.length,
    raw,
    cairn: viaCairn,
    direct,
    throughputRatio,
    directRatio: direct.mbps / raw.mbps,
    cpuPerGB,
    cpuPerGBRuns,
    idleCpuRate: idleRate,
    bytesMatch,
    met: {
      throughput: throughputRatio >= 0.9,
      cpu: cpuPerGB['git-protocol'] <= 1 && cpuPerGB['git-storage'] <= 1,
    },
  };
}
