// Goal 2 — ListRepositories over 10,000 repositories and ListBranches over 10,000 branches:
// every page under 50 ms p99. Each full listing is walked with nextToken, timing every page.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CreateRepositoryCommand, GetBranchCommand, GetRepositoryCommand, ListBranchesCommand, ListRepositoriesCommand } from '@aws-sdk/client-codecommit';
import { GIT_ENV, git, now, run } from '../../lib/util.mjs';
import { childrenCpuMs, cpuMeter, pool, summarize } from '../lib/common.mjs';

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
  const stackCpuMs = meter.stop();
  const clientCpuMs = childrenCpuMs() - c;
  log(`  pushed ${n} branches in ${(pushMs / 1000).toFixed(1)} s (${method}); client git CPU ${(clientCpuMs / 1000).toFixed(1)} s`);
  return { branches: n, pushMs, method, pushError, baselines, hooksPath, fsck, clientCpuMs, stackCpuMs, storage };
}

/** ListBranches over the whole listing, as pushed (loose refs) and after `git pack-refs --all`. */
export async function listBranches(ctx, setup) {
  const { sdk, log, scale, procs } = ctx;
  const env = { ...STORAGE_ENV, GIT_DIR: setup.storage };
  const out = { setup, states: {} };
  const looseBefore = (await run('find', [join(setup.storage, 'refs', 'heads'), '-type', 'f'], { env: process.env })).stdout.split('\n').filter(Boolean).length;
  for (const state of ['loose', 'packed']) {
    if (state === 'packed') {
      // Cairn has no housekeeping yet; pack the refs as housekeeping would.
      await run('git', ['pack-refs', '--all'], { env });
    }
    const looseRefs = (await run('find', [join(setup.storage, 'refs', 'heads'), '-type', 'f'], { env: process.env })).stdout.split('\n').filter(Boolean).length;
    const r = { looseRefs };
    const meter = cpuMeter(procs);
    r.pages = await walk(scale.branchListings, (nextToken) => sdk.send(new ListBranchesCommand({ repositoryName: 'branchy', nextToken })), (x) => x.branches ?? [], log, `ListBranches (${state})`);
    r.pages.cpuMsPerPage = perCall(meter.stop(), r.pages.pagesTotal);
    // Same-run baselines: the raw listing storage runs for every page (every branch, same
    // format), spawned per call on the storage copy; and GetBranch, one small API call.
    const raw = [];
    const rawArgs = ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'];
    for (let i = 0; i < 3; i++) await run('git', rawArgs, { env });
    for (let i = 0; i < 50; i++) raw.push((await run('git', rawArgs, { env })).ms);
    r.rawForEachRef = summarize(raw);
    const g = [];
    for (let i = 0; i < 5; i++) await sdk.send(new GetBranchCommand({ repositoryName: 'branchy', branchName: 'main' }));
    for (let i = 0; i < 100; i++) {
      const s = now();
      await sdk.send(new GetBranchCommand({ repositoryName: 'branchy', branchName: `branch-${pad((i * 97) % (setup.branches - 1), 5)}` }));
      g.push(now() - s);
    }
    r.getBranch = summarize(g);
    r.met = r.pages.met;
    out.states[state] = r;
    log(`  ListBranches (${state}, ${looseRefs} loose refs): page p50 ${r.pages.all.p50.toFixed(1)} ms p99 ${r.pages.all.p99.toFixed(1)} ms (worst position p99 ${r.pages.worst?.p99.toFixed(1)} ms); raw for-each-ref p50 ${r.rawForEachRef.p50.toFixed(1)} ms; GetBranch p50 ${r.getBranch.p50.toFixed(1)} ms`);
  }
  out.looseBefore = looseBefore;
  out.met = out.states.loose.met && out.states.packed.met;
  return out;
}

function perCall(cpu, n) {
  return Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / n]));
}
