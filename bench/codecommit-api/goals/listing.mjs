// Goal 2 — ListRepositories over 10,000 repositories and ListBranches over 10,000 branches:
// every page under 50 ms p99. Each full listing is walked with nextToken, timing every page.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CreateRepositoryCommand, GetBranchCommand, GetRepositoryCommand, ListBranchesCommand, ListRepositoriesCommand } from '@aws-sdk/client-codecommit';
import { GIT_ENV, git, now, run } from '../../lib/util.mjs';
import { childrenCpuMs, cpuMeter, pool, summarize } from '../lib/common.mjs';
import { refState, settleRefs } from '../lib/refs.mjs';

const STORAGE_ENV = { ...GIT_ENV, GIT_NO_REPLACE_OBJECTS: '1' };
const pad = (n, w) => String(n).padStart(w, '0');
const LIMIT_MS = 50;

/** Walks a paginated listing `times` times; returns per-page timings with their position. */
async function walk(times, call, itemsOf, log, what) {
  const pages = [];
  const listings = [];
  let items = 0;
  let errors = 0;
  const messages = new Set();
  for (let rep = 0; rep < times; rep++) {
    let nextToken;
    let n = 0;
    let seen = 0;
    const t0 = now();
    try {
      do {
        const t = now();
        const r = await call(nextToken);
        pages.push({ page: n, ms: now() - t });
        seen += itemsOf(r).length;
        nextToken = r.nextToken || undefined;
        n++;
      } while (nextToken && n < 10_000);
    } catch (e) {
      errors++;
      if (messages.size < 3) messages.add(`${e.name ?? 'Error'}: ${String(e.message).slice(0, 200)}`);
      continue;
    }
    listings.push({ ms: now() - t0, pages: n, items: seen });
    items = seen;
    if (rep === 0) log(`    ${what}: ${n} pages, ${seen} items, ${(now() - t0).toFixed(0)} ms`);
  }
  const byPosition = {};
  for (const p of pages) (byPosition[p.page] ??= []).push(p.ms);
  const positions = Object.entries(byPosition).map(([page, ms]) => ({ page: Number(page), ...summarize(ms) }));
  const worst = positions.reduce((w, p) => (!w || p.p99 > w.p99 ? p : w), undefined);
  const all = summarize(pages.map((p) => p.ms));
  return {
    listings: listings.length,
    pagesPerListing: listings[0]?.pages ?? 0,
    items,
    all,
    positions,
    worst,
    listing: summarize(listings.map((l) => l.ms)),
    errors,
    errorMessages: [...messages],
    pagesOver: pages.filter((p) => p.ms >= LIMIT_MS).length,
    pagesTotal: pages.length,
    // Every page position's p99 (nearest rank over the repetitions) under the limit.
    met: errors === 0 && listings.length > 0 && positions.every((p) => p.p99 < LIMIT_MS),
  };
}

export async function createRepositories(ctx) {
  const { sdk, log, scale } = ctx;
  const n = scale.repositories;
  const times = [];
  const failed = [];
  const messages = new Set();
  const started = now();
  let done = 0;
  await pool(n, scale.createConcurrency, async (i) => {
    const name = `bulk-${pad(i, 5)}`;
    const t = now();
    try {
      await sdk.send(new CreateRepositoryCommand({ repositoryName: name }));
      times.push(now() - t);
    } catch (e) {
      failed.push(name);
      if (messages.size < 3) messages.add(`${e.name ?? 'Error'}: ${String(e.message).slice(0, 200)}`);
    }
    if (++done % 1000 === 0) log(`    ${done}/${n} created (${((now() - started) / 1000).toFixed(0)} s)`);
  });
  const wallMs = now() - started;
  // A create that failed under load is retried once, alone; both counts are reported.
  let retriedOk = 0;
  for (const name of failed) {
    try {
      await sdk.send(new CreateRepositoryCommand({ repositoryName: name }));
      retriedOk++;
    } catch (e) {
      if (e.name === 'RepositoryNameExistsException') retriedOk++;
    }
  }
  return { n, concurrency: scale.createConcurrency, wallMs, perSecond: times.length / (wallMs / 1000), latency: summarize(times), failed: failed.length, retriedOk, errorMessages: [...messages] };
}

export async function listRepositories(ctx) {
  const { sdk, log, scale, procs } = ctx;
  const out = {};
  const meter = cpuMeter(procs);
  out.byName = await walk(scale.repoListings, (nextToken) => sdk.send(new ListRepositoriesCommand({ nextToken })), (r) => r.repositories ?? [], log, 'ListRepositories (by name, ascending)');
  out.byName.cpuMsPerPage = perCall(meter.stop(), out.byName.pagesTotal);
  const meter2 = cpuMeter(procs);
  out.byDate = await walk(Math.max(2, Math.ceil(scale.repoListings / 2)), (nextToken) => sdk.send(new ListRepositoriesCommand({ nextToken, sortBy: 'lastModifiedDate', order: 'descending' })), (r) => r.repositories ?? [], log, 'ListRepositories (lastModifiedDate, descending)');
  out.byDate.cpuMsPerPage = perCall(meter2.stop(), out.byDate.pagesTotal);
  // Same-run floor: one small API call that reads one repository row.
  const t = [];
  const name = 'bulk-00000';
  for (let i = 0; i < 5; i++) await sdk.send(new GetRepositoryCommand({ repositoryName: name }));
  for (let i = 0; i < 100; i++) {
    const s = now();
    await sdk.send(new GetRepositoryCommand({ repositoryName: name }));
    t.push(now() - s);
  }
  out.floor = summarize(t);
  out.met = out.byName.met && out.byDate.met;
  log(`  ListRepositories: page p50 ${out.byName.all.p50.toFixed(1)} ms p99 ${out.byName.all.p99.toFixed(1)} ms (worst position p99 ${out.byName.worst?.p99.toFixed(1)} ms); by date p99 ${out.byDate.all.p99.toFixed(1)} ms; GetRepository floor p50 ${out.floor.p50.toFixed(1)} ms`);
  return out;
}

/**
 * A repository with one commit and `branches` branches, pushed to Cairn in one `git push`; the
 * same push into a local bare repository (file://) is the same-run baseline.
 */
export async function setupBranches(ctx) {
  const { cairn, sdk, log, scale, workDir, procs } = ctx;
  const n = scale.branches;
  const dir = join(workDir, 'branchy');
  mkdirSync(dir);
  const env = { ...GIT_ENV, GIT_DIR: join(dir, '.git') };
  await git(['init', '-q', '-b', 'main', dir]);
  await git(['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '--allow-empty', '-m', 'one commit'], { cwd: dir, env });
  const head = (await git(['rev-parse', 'HEAD'], { env })).stdout.trim();
  // main plus n − 1 more: n branches in all.
  const lines = Array.from({ length: n - 1 }, (_, i) => `create refs/heads/branch-${pad(i, 5)} ${head}\n`).join('');
  await run('git', ['update-ref', '--stdin'], { env, input: lines });

  await sdk.send(new CreateRepositoryCommand({ repositoryName: 'branchy' }));
  const storage = await cairn.storagePath('branchy');
  const senv = { ...STORAGE_ENV, GIT_DIR: storage };
  const hooksPath = (await run('git', ['config', '--get', 'core.hooksPath'], { env: senv, allowFail: true })).stdout.trim();
  const fsck = (await run('git', ['config', '--get', 'receive.fsckObjects'], { env: senv, allowFail: true })).stdout.trim();

  // Baselines: the same push with the same client into (a) a plain local bare repository,
  // (b) one with Cairn's own hooks directory and receive settings (file://), (c) the peer.
  const baselines = {};
  const baseline = async (label, url, prepare) => {
    try {
      await prepare?.();
      const c0 = childrenCpuMs();
      const ms = (await git(['push', '-q', url, 'refs/heads/*:refs/heads/*'], { env, timeoutMs: 600_000 })).ms;
      baselines[label] = { ms, clientCpuMs: childrenCpuMs() - c0 };
      log(`  baseline push (${label}): ${(ms / 1000).toFixed(1)} s`);
    } catch (e) {
      baselines[label] = { error: String(e.message).split('\n')[0].slice(0, 300) };
    }
  };
  const plain = join(workDir, 'branchy-plain.git');
  await baseline('file', `file://${plain}`, () => git(['init', '-q', '--bare', plain]));
  const hooked = join(workDir, 'branchy-hooks.git');
  await baseline('fileWithCairnHooks', `file://${hooked}`, async () => {
    await git(['init', '-q', '--bare', hooked]);
    if (hooksPath) await git(['config', 'core.hooksPath', hooksPath], { env: { ...GIT_ENV, GIT_DIR: hooked } });
    if (fsck) await git(['config', 'receive.fsckObjects', fsck], { env: { ...GIT_ENV, GIT_DIR: hooked } });
  });
  if (ctx.peer) {
    // The peer keeps its repositories without hooks, as a stock git http-backend host does.
    await baseline('peer', ctx.peer.url('branchy'), () => ctx.peer.createEmpty('branchy'));
  } else baselines.peer = { error: ctx.peerProblem ?? 'peer not available' };
  for (const d of [plain, hooked]) rmSync(d, { recursive: true, force: true });

  let method = 'one `git push` over HTTP (stock client)';
  let pushError;
  const c = childrenCpuMs();
  const meter = cpuMeter(procs);
  const t = now();
  try {
    await git(['push', '-q', cairn.gitUrl('branchy'), 'refs/heads/*:refs/heads/*'], { env, timeoutMs: 900_000 });
  } catch (e) {
    pushError = (e.stderr || e.message).trim().split('\n').slice(0, 3).join(' / ');
    log(`  branch push over HTTP failed: ${pushError}; pushing into the storage repository locally`);
    await git(['push', '-q', `file://${storage}`, 'refs/heads/*:refs/heads/*'], { env, timeoutMs: 900_000 });
    method = 'local push into the storage repository (file://), after the HTTP push failed';
  }
  const pushMs = now() - t;
  const pushEnded = now();
  const journalDir = join(cairn.storageDir, 'journal');
  // What the push left, the moment the client's git returned: git-storage packs a repository's
  // refs itself (RefPacker) once the push's event is published, so this changes on its own.
  const afterPush = refState(storage, journalDir);
  const stackCpuMs = meter.stop();
  const clientCpuMs = childrenCpuMs() - c;
  log(`  pushed ${n} branches in ${(pushMs / 1000).toFixed(1)} s (${method}); client git CPU ${(clientCpuMs / 1000).toFixed(1)} s; right after: ${afterPush.looseHeads} loose, ${afterPush.packedHeads} packed branch refs, journal ${afterPush.journalPending} pending / ${afterPush.journalReady} ready`);
  return { branches: n, pushMs, method, pushError, baselines, hooksPath, fsck, clientCpuMs, stackCpuMs, storage, journalDir, pushEnded, afterPush };
}

/**
 * ListBranches over the whole listing in two states. "As pushed": the repository as Cairn itself
 * leaves it after the push — git-storage packs a repository's refs after 128 reference changes,
 * in the background once the push's event is published, so the bench first waits (bounded) for
 * that to settle and records the ref files actually present when the listing starts and ends.
 * "Packed": after an explicit `git pack-refs --all` in the storage repository (hooks off, as
 * git-storage's RefPacker runs it), the comparison.
 */
export async function listBranches(ctx, setup) {
  const { sdk, log, scale, procs } = ctx;
  const env = { ...STORAGE_ENV, GIT_DIR: setup.storage };
  const out = { setup, states: {} };
  log(`  waiting (at most 60 s) for the push's reference changes to settle…`);
  out.settle = await settleRefs({ gitDir: setup.storage, journalDir: setup.journalDir, procs, sinceMs: setup.pushEnded, maxMs: 60_000 });
  const f = out.settle.final;
  log(`  ${out.settle.settled ? 'settled' : 'not settled'} after ${(out.settle.waitedMs / 1000).toFixed(1)} s: ${f.looseHeads} loose, ${f.packedHeads} packed branch refs, journal ${f.journalPending} pending / ${f.journalReady} ready${f.packing ? ', packing under way' : ''}; stack CPU over the last second ${out.settle.cpuLastSecondMs.toFixed(0)} ms`);
  for (const state of ['asPushed', 'packed']) {
    const r = {};
    if (state === 'packed') {
      // Hooks off, as git-storage packs: with the reference-transaction hook on, pack-refs runs it
      // for every loose ref it prunes (decision 0004).
      const packed = await run('git', ['-c', 'core.hooksPath=/dev/null', 'pack-refs', '--all'], { env, timeoutMs: 600_000 });
      r.packRefsMs = packed.ms;
    }
    r.start = refState(setup.storage, setup.journalDir);
    r.looseRefs = r.start.looseHeads;
    const meter = cpuMeter(procs);
    r.pages = await walk(scale.branchListings, (nextToken) => sdk.send(new ListBranchesCommand({ repositoryName: 'branchy', nextToken })), (x) => x.branches ?? [], log, `ListBranches (${state})`);
    r.pages.cpuMsPerPage = perCall(meter.stop(), r.pages.pagesTotal);
    r.end = refState(setup.storage, setup.journalDir);
    // Same-run baselines: the raw listing storage runs for every page (every branch, same
    // format), spawned per call on the storage copy; and GetBranch, one small API call that
    // takes the same path to git-storage and lists one ref.
    const raw = [];
    const rawArgs = ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'];
    for (let i = 0; i < 3; i++) await run('git', rawArgs, { env });
    const c0 = childrenCpuMs();
    let rawBytes = 0;
    for (let i = 0; i < 50; i++) {
      const res = await run('git', rawArgs, { env });
      raw.push(res.ms);
      rawBytes = Buffer.byteLength(res.stdout);
    }
    r.rawForEachRef = { ...summarize(raw), cpuMsPerCall: (childrenCpuMs() - c0) / 50, outputBytes: rawBytes };
    const g = [];
    for (let i = 0; i < 5; i++) await sdk.send(new GetBranchCommand({ repositoryName: 'branchy', branchName: 'main' }));
    const gm = cpuMeter(procs);
    for (let i = 0; i < 100; i++) {
      const s = now();
      await sdk.send(new GetBranchCommand({ repositoryName: 'branchy', branchName: `branch-${pad((i * 97) % (setup.branches - 1), 5)}` }));
      g.push(now() - s);
    }
    r.getBranch = { ...summarize(g), cpuMsPerCall: perCall(gm.stop(), g.length) };
    r.met = r.pages.met;
    out.states[state] = r;
    log(`  ListBranches (${state}, ${r.start.looseHeads} loose refs at the start, ${r.end.looseHeads} at the end): page p50 ${r.pages.all.p50.toFixed(1)} ms p99 ${r.pages.all.p99.toFixed(1)} ms (worst position p99 ${r.pages.worst?.p99.toFixed(1)} ms); raw for-each-ref p50 ${r.rawForEachRef.p50.toFixed(1)} ms; GetBranch p50 ${r.getBranch.p50.toFixed(1)} ms`);
  }
  out.met = Object.values(out.states).every((s) => s.met);
  return out;
}

function perCall(cpu, n) {
  return Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / n]));
}
