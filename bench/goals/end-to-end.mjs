// Goal 2 — end to end with the real git client: clone and push of the medium repository
// through Cairn, against `file://` and against git http-backend behind apache2 (the peer).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { GB, GIT_ENV, cpuSeconds, git, median } from '../lib/util.mjs';

export async function endToEnd(ctx) {
  const { cairn, peer, log, scale, repos, workDir } = ctx;
  const client = (extra = {}) => ({ env: { ...GIT_ENV, ...extra }, timeoutMs: 900_000 });
  const pids = { 'git-protocol': cairn.pid('git-protocol'), 'git-storage': cairn.pid('git-storage') };
  const targets = {
    file: `file://${repos.medium.storage}`,
    cairn: cairn.gitUrl('medium'),
    ...(peer ? { peer: peer.url('medium') } : {}),
  };

  // Clone: same on-disk repository (the Cairn storage copy; the peer serves a byte-identical copy).
  const clone = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  const cloneCpu = { 'git-protocol': 0, 'git-storage': 0, bytes: 0 };
  for (let i = 0; i < scale.g2Rounds; i++) {
    for (const [name, url] of Object.entries(targets)) {
      const dest = join(workDir, `clone-${name}-${i}.git`);
      const before = name === 'cairn' ? Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, cpuSeconds(p)])) : null;
      const r = await git(['-c', 'protocol.version=2', 'clone', '-q', '--bare', url, dest], client());
      if (before) {
        for (const [n, p] of Object.entries(pids)) cloneCpu[n] += cpuSeconds(p) - before[n];
        cloneCpu.bytes += repos.medium.packBytes;
      }
      clone[name].push(r.ms);
      rmSync(dest, { recursive: true, force: true });
    }
    log(`  clone round ${i + 1}: ${Object.entries(clone).map(([k, v]) => `${k} ${v.at(-1).toFixed(0)} ms`).join(', ')}`);
  }

  // Push: the source repository into a fresh, empty repository every time.
  const push = { file: [], fileFsck: [], cairn: [], ...(peer ? { peer: [] } : {}) };
  const cairnFailures = [];
  const pushCpu = { 'git-protocol': 0, 'git-storage': 0, bytes: 0 };
  const src = { env: { ...GIT_ENV, GIT_DIR: repos.medium.source }, timeoutMs: 900_000 };
  const refspecs = ['refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*'];
  let seq = 0;
  for (let i = 0; i < scale.g2Rounds; i++) {
    // Plain git repository, default configuration.
    {
      const dest = join(workDir, `push-file-${seq++}.git`);
      await git(['init', '-q', '--bare', dest]);
      push.file.push((await git(['push', '-q', `file://${dest}`, ...refspecs], src)).ms);
      rmSync(dest, { recursive: true, force: true });
    }
    // The same, with receive.fsckObjects on as Cairn configures its repositories: separates git's own cost.
    {
      const dest = join(workDir, `push-file-${seq++}.git`);
      await git(['init', '-q', '--bare', dest]);
      await git(['config', 'receive.fsckObjects', 'true'], { env: { ...GIT_ENV, GIT_DIR: dest } });
      push.fileFsck.push((await git(['push', '-q', `file://${dest}`, ...refspecs], src)).ms);
      rmSync(dest, { recursive: true, force: true });
    }
    // Cairn, with the stock client as a user runs it; after a failure, later rounds are skipped.
    if (cairnFailures.length === 0) {
      const name = `push-${i}-${Date.now()}`;
      await cairn.createRepository(name);
      const timeoutMs = 60_000 + (repos.medium.packBytes / 10e6) * 1000;
      const before = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, cpuSeconds(p)]));
      try {
        push.cairn.push((await git(['push', '-q', cairn.gitUrl(name), ...refspecs], { ...src, timeoutMs })).ms);
        for (const [n, p] of Object.entries(pids)) pushCpu[n] += cpuSeconds(p) - before[n];
        pushCpu.bytes += repos.medium.sourcePackBytes;
      } catch (e) {
        const reason = /timed out/.test(e.message) ? `no answer within ${(timeoutMs / 1000).toFixed(0)} s (hung)` : (e.stderr || e.message).trim().split('\n').slice(0, 3).join(' / ');
        cairnFailures.push({ round: i + 1, afterMs: e.ms, error: reason });
      }
    }
    if (peer) {
      const name = `push-${seq++}`;
      await peer.createEmpty(name);
      push.peer.push((await git(['push', '-q', peer.url(name), ...refspecs], src)).ms);
      rmSync(peer.dir(name), { recursive: true, force: true });
    }
    log(`  push round ${i + 1}: ${Object.entries(push).map(([k, v]) => `${k} ${v.length ? v.at(-1).toFixed(0) + ' ms' : 'failed'}`).join(', ')}`);
  }

  const med = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, median(v)]));
  const cloneMed = med(clone);
  const pushMed = med(push);
  const result = {
    cairnPushFailures: cairnFailures,
    packBytes: repos.medium.packBytes,
    clone: { median: cloneMed, all: clone },
    push: { median: pushMed, all: push },
    pushCpuPerGB: { 'git-protocol': pushCpu['git-protocol'] / (pushCpu.bytes / GB), 'git-storage': pushCpu['git-storage'] / (pushCpu.bytes / GB) },
    cloneCpuPerGB: { 'git-protocol': cloneCpu['git-protocol'] / (cloneCpu.bytes / GB), 'git-storage': cloneCpu['git-storage'] / (cloneCpu.bytes / GB) },
    ratios: {
      cloneVsFile: cloneMed.cairn / cloneMed.file,
      cloneVsPeer: peer ? cloneMed.cairn / cloneMed.peer : NaN,
      peerCloneVsFile: peer ? cloneMed.peer / cloneMed.file : NaN,
      pushVsFile: pushMed.cairn / pushMed.file,
      pushVsFileFsck: pushMed.cairn / pushMed.fileFsck,
      pushVsPeer: peer ? pushMed.cairn / pushMed.peer : NaN,
      peerPushVsFile: peer ? pushMed.peer / pushMed.file : NaN,
    },
  };
  const r = result.ratios;
  result.met = {
    clone: r.cloneVsFile <= 1.1 && (!peer || r.cloneVsPeer <= 1),
    push: cairnFailures.length === 0 && r.pushVsFile <= 1.1 && (!peer || r.pushVsPeer <= 1),
  };
  return result;
}
