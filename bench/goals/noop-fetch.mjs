// Goal 3 — no-op fetch (protocol v2) in an up-to-date clone, at 10 refs and at 100,000 refs.
// The 100k repository has its 10 branches plus ~100k refs/pull/<n>/head, as a forge keeps them:
// a v2 fetch lists only refs/heads/ and refs/tags/ (ls-refs ref-prefix), so the server must not
// pay for the rest. Refs are made on the Cairn side with `update-ref --stdin`, then `pack-refs`.
import { join } from 'node:path';
import { GIT_ENV, git, median, now, percentile } from '../lib/util.mjs';
import { generateRepo, packBytes } from '../lib/repogen.mjs';
import { STORAGE_ENV } from './serving.mjs';

export async function noopFetch(ctx) {
  const { cairn, peer, log, scale, workDir } = ctx;
  const source = join(workDir, 'src-small.git');
  // Tiny on purpose (a few KB): the point is the per-request cost, not the pack.
  await generateRepo(source, { commits: 20, filesPerCommit: 1, fileBytes: 60, dirs: 2, filesPerDir: 5, tags: 0 });
  const srcEnv = { env: { ...GIT_ENV, GIT_DIR: source } };
  for (let b = 1; b <= 9; b++) await git(['branch', `branch-${b}`, `main~${b}`], srcEnv);

  const setup = {};
  for (const name of ['noop10', 'noop100k']) {
    await cairn.createRepository(name);
    await ctx.pushIntoCairn(name, source, ['refs/heads/*:refs/heads/*'], await packBytes(source));
    setup[name] = { storage: await cairn.storagePath(name) };
  }
  const extra = scale.refs - 10;
  const storage100k = { env: { ...STORAGE_ENV, GIT_DIR: setup.noop100k.storage }, timeoutMs: 900_000 };
  const tip = (await git(['rev-parse', 'main'], storage100k)).stdout.trim();
  let input = '';
  for (let i = 1; i <= extra; i++) input += `create refs/pull/${i}/head ${tip}\n`;
  const t0 = now();
  await git(['update-ref', '--stdin'], { ...storage100k, input });
  // Without hooks: with Cairn's reference-transaction hook, pack-refs runs the hook once per
  // pruned loose ref (a shell per ref; 100k refs took over 15 minutes while building this).
  await git(['-c', 'core.hooksPath=/dev/null', 'pack-refs', '--all'], storage100k);
  const refCount = (await git(['for-each-ref', '--format=x'], storage100k)).stdout.split('\n').filter(Boolean).length;
  log(`  ${refCount} refs in noop100k (made in ${((now() - t0) / 1000).toFixed(1)} s)`);
  if (peer) {
    await peer.copyFrom('noop10', setup.noop10.storage);
    await peer.copyFrom('noop100k', setup.noop100k.storage);
  }

  // One up-to-date clone per (target, repository).
  const clones = [];
  for (const repo of ['noop10', 'noop100k']) {
    const urls = { cairn: cairn.gitUrl(repo), file: `file://${setup[repo].storage}`, ...(peer ? { peer: peer.url(repo) } : {}) };
    for (const [target, url] of Object.entries(urls)) {
      const dir = join(workDir, `noop-${target}-${repo}`);
      await git(['-c', 'protocol.version=2', 'clone', '-q', '--no-checkout', url, dir], { env: GIT_ENV });
      clones.push({ repo, target, dir, times: [] });
    }
  }
  const fetch = (c) => git(['-c', 'protocol.version=2', 'fetch', '-q', 'origin'], { cwd: c.dir, env: GIT_ENV, timeoutMs: 120_000 });
  for (const c of clones) for (let w = 0; w < 2; w++) await fetch(c);
  // Interleaved, so background load on the shared machine hits every target alike.
  for (let i = 0; i < scale.noopRuns; i++) for (const c of clones) c.times.push((await fetch(c)).ms);

  // Confirm the exchange is v2 and how many bytes the 100k-ref server sent (one traced run).
  const traced = clones.find((c) => c.repo === 'noop100k' && c.target === 'cairn');
  const trace = await git(['-c', 'protocol.version=2', 'fetch', 'origin'], { cwd: traced.dir, env: { ...GIT_ENV, GIT_TRACE_PACKET: '1' } });
  const v2 = /< version 2/.test(trace.stderr);
  const refLines = (trace.stderr.match(/fetch< [0-9a-f]{40} refs\//g) ?? []).length;

  const results = {};
  for (const c of clones) {
    results[c.repo] ??= {};
    results[c.repo][c.target] = { p50: median(c.times), p99: percentile(c.times, 99), runs: c.times.length };
  }
  const ratios = {};
  for (const repo of Object.keys(results)) {
    ratios[repo] = { vsFile: results[repo].cairn.p50 / results[repo].file.p50, vsPeer: results[repo].peer ? results[repo].cairn.p50 / results[repo].peer.p50 : NaN };
  }
  return {
    refs: { noop10: 10, noop100k: refCount },
    results,
    ratios,
    protocolV2: v2,
    refsAdvertisedAt100k: refLines,
    met: { at10: results.noop10.cairn.p50 <= 25, at100k: results.noop100k.cairn.p50 <= 25 },
  };
}
