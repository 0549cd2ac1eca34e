// Goal 1 — GetFile, GetFolder and GetDifferences on a large repository: p50/p99 through Cairn
// (AWS SDK v3: SigV4, authorization, HTTP round trip) against the equivalent git command spawned
// per call on Cairn's own storage copy. Target: Cairn's p50 within 2× the raw command's.
import { GetDifferencesCommand, GetFileCommand, GetFolderCommand, GetRepositoryCommand } from '@aws-sdk/client-codecommit';
import { GIT_ENV, now, run } from '../../lib/util.mjs';
import { basePaths, prng } from '../lib/bigrepo.mjs';
import { childrenCpuMs, cpuMeter, summarize } from '../lib/common.mjs';

const STORAGE_ENV = { ...GIT_ENV, GIT_NO_REPLACE_OBJECTS: '1' };
const pad = (n, w) => String(n).padStart(w, '0');

export async function content(ctx) {
  const { sdk, log, scale, large, procs } = ctx;
  const { repositoryName, storage, commits } = large; // commits: oldest first
  const shape = scale.repo;
  const paths = basePaths(shape); // exist in every commit
  const rnd = prng(7);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const env = { ...STORAGE_ENV, GIT_DIR: storage };
  const raw = (args) => run('git', args, { env, timeoutMs: 60_000 });
  const N = scale.samples;
  const out = { variants: {} };

  /**
   * Interleaves Cairn and raw git on the same input, alternating which goes first, after a
   * warm-up; checks the answers agree; meters the stack's CPU over the Cairn calls' variant.
   */
  const floorCall = () => sdk.send(new GetRepositoryCommand({ repositoryName }));
  async function compare(key, { label, short, rawLabel, samples = N, input, cairn, git, check }) {
    const times = { cairn: [], raw: [], floor: [] };
    let errors = 0;
    let mismatches = 0;
    const messages = new Set();
    for (let i = 0; i < 5; i++) {
      const x = input();
      await cairn(x);
      await git(x);
      await floorCall();
    }
    const meter = cpuMeter(procs);
    const rawCpu0 = childrenCpuMs();
    const started = now();
    for (let i = 0; i < samples; i++) {
      const x = input();
      const order = i % 2 === 0 ? ['cairn', 'raw'] : ['raw', 'cairn'];
      const answers = {};
      for (const side of order) {
        const t = now();
        try {
          answers[side] = side === 'cairn' ? await cairn(x) : await git(x);
          times[side].push(now() - t);
        } catch (e) {
          errors++;
          if (messages.size < 3) messages.add(`${side}: ${e.name ?? 'Error'}: ${String(e.message).slice(0, 200)}`);
        }
      }
      if (answers.cairn !== undefined && answers.raw !== undefined && check && !check(answers.cairn, answers.raw, x)) mismatches++;
    }
    const cpu = meter.stop();
    // The same run's floor for this variant: GetRepository (reads no content), timed right after,
    // outside the CPU window, so the CPU figures stay the content call's own.
    for (let i = 0; i < Math.min(samples, 100); i++) {
      const t = now();
      await floorCall();
      times.floor.push(now() - t);
    }
    const rawCpuMsPerCall = (childrenCpuMs() - rawCpu0) / samples;
    const wall = now() - started;
    const v = { label, short, rawLabel, cairn: summarize(times.cairn), raw: summarize(times.raw), floor: summarize(times.floor), errors, errorMessages: [...messages], mismatches, cpuMsPerCall: perCall(cpu, samples), rawCpuMsPerCall, wallMs: wall };
    v.ratio = v.cairn.p50 / v.raw.p50;
    v.met = v.ratio <= 2;
    out.variants[key] = v;
    log(`  ${key}: Cairn p50 ${v.cairn.p50.toFixed(1)} ms p99 ${v.cairn.p99.toFixed(1)} ms; raw p50 ${v.raw.p50.toFixed(1)} ms → ${v.ratio.toFixed(2)}×${errors ? `; ${errors} errors` : ''}${mismatches ? `; ${mismatches} mismatches` : ''}`);
    return v;
  }

  // Warm-up of the whole path (JIT, connection pools, caches) before anything is measured.
  for (let i = 0; i < 50; i++) await floorCall();
  for (let i = 0; i < 20; i++) await sdk.send(new GetFileCommand({ repositoryName, commitSpecifier: pick(commits), filePath: pick(paths) }));

  // The fixed cost of an API call that reads no repository content: SigV4, authorization, the
  // name → id lookup, HTTP. A floor for the content calls (also re-measured after each variant).
  {
    const times = [];
    const meter = cpuMeter(procs);
    for (let i = 0; i < N; i++) {
      const t = now();
      await floorCall();
      times.push(now() - t);
    }
    out.floor = { ...summarize(times), cpuMsPerCall: perCall(meter.stop(), N) };
    log(`  floor GetRepository: p50 ${out.floor.p50.toFixed(1)} ms p99 ${out.floor.p99.toFixed(1)} ms`);
  }

  // GetFile at a random commit of the whole history, a random one of the first commit's files.
  await compare('GetFile', {
    label: 'GetFile (random commit id, random file of ~1–2.5 KB)',
    short: 'GetFile',
    rawLabel: '`git cat-file -p <commit>:<path>`',
    input: () => ({ commit: pick(commits), path: pick(paths) }),
    cairn: async ({ commit, path }) => Buffer.from((await sdk.send(new GetFileCommand({ repositoryName, commitSpecifier: commit, filePath: path }))).fileContent),
    git: async ({ commit, path }) => Buffer.from((await raw(['cat-file', '-p', `${commit}:${path}`])).stdout),
    check: (a, b) => a.equals(b),
  });

  const folder = (key, label, short, makePath) =>
    compare(key, {
      label,
      short,
      rawLabel: '`git ls-tree <commit> <folder>/`',
      input: () => ({ commit: pick(commits), folder: makePath() }),
      cairn: async ({ commit, folder: f }) => {
        const r = await sdk.send(new GetFolderCommand({ repositoryName, commitSpecifier: commit, folderPath: f || '/' }));
        return (r.files?.length ?? 0) + (r.subFolders?.length ?? 0) + (r.symbolicLinks?.length ?? 0) + (r.subModules?.length ?? 0);
      },
      git: async ({ commit, folder: f }) => (await raw(['ls-tree', commit, ...(f ? [`${f}/`] : [])])).stdout.split('\n').filter(Boolean).length,
      check: (a, b) => a === b,
    });
  await folder('GetFolder root', `GetFolder / (${shape.dirs} folders)`, 'GetFolder /', () => '');
  await folder('GetFolder dir', `GetFolder dNN (${shape.subdirs} folders)`, 'GetFolder dNN', () => `d${pad(Math.floor(rnd() * shape.dirs), 2)}`);
  await folder('GetFolder leaf', `GetFolder dNN/sNN (${shape.filesPerDir}+ files)`, 'GetFolder dNN/sNN', () => `d${pad(Math.floor(rnd() * shape.dirs), 2)}/s${pad(Math.floor(rnd() * shape.subdirs), 2)}`);

  // GetDifferences whose answer fits one page (default MaxResults 100): one call against one diff.
  const diffs = (key, label, short, span) =>
    compare(key, {
      label,
      short,
      rawLabel: '`git diff --raw --no-renames <before> <after>`',
      input: () => {
        const k = span + Math.floor(rnd() * (commits.length - span));
        return { before: commits[k - span], after: commits[k] };
      },
      cairn: async ({ before, after }) => {
        const r = await sdk.send(new GetDifferencesCommand({ repositoryName, beforeCommitSpecifier: before, afterCommitSpecifier: after }));
        if (r.NextToken) throw new Error('expected one page');
        return r.differences.length;
      },
      git: async ({ before, after }) => (await raw(['diff', '--raw', '--no-renames', before, after])).stdout.split('\n').filter(Boolean).length,
      check: (a, b) => a === b,
    });
  await diffs('GetDifferences 1', 'GetDifferences, parent → child (≈3 changes)', 'GetDifferences parent → child', 1);
  await diffs('GetDifferences 25', 'GetDifferences, 25 commits apart (≈75 changes, one page)', 'GetDifferences 25 apart', 25);

  // A large comparison: every page of the listing (default MaxResults 100, nextToken) against
  // one raw diff that prints all of it.
  {
    const span = scale.bigDiffSpan;
    const pages = [];
    const listings = [];
    const rawTimes = [];
    const counts = [];
    let errors = 0;
    let mismatches = 0;
    const messages = new Set();
    const inputs = () => {
      const k = span + Math.floor(rnd() * (commits.length - span));
      return { before: commits[k - span], after: commits[k] };
    };
    const rawDiff = async ({ before, after }) => {
      const t = now();
      const r = await raw(['diff', '--raw', '--no-renames', before, after]);
      rawTimes.push(now() - t);
      return r.stdout.split('\n').filter(Boolean).length;
    };
    const listing = async ({ before, after }, record) => {
      let nextToken;
      let count = 0;
      const t0 = now();
      let n = 0;
      do {
        const t = now();
        const r = await sdk.send(new GetDifferencesCommand({ repositoryName, beforeCommitSpecifier: before, afterCommitSpecifier: after, NextToken: nextToken }));
        if (record) pages.push({ ms: now() - t, page: n });
        n++;
        count += r.differences.length;
        // GetDifferences spells it NextToken, as CodeCommit's API does.
        nextToken = r.NextToken || undefined;
      } while (nextToken && n < 1000);
      if (record) listings.push(now() - t0);
      return count;
    };
    const warm = inputs();
    await listing(warm, false);
    await rawDiff(warm);
    rawTimes.length = 0;
    const meter = cpuMeter(procs);
    const rawCpu0 = childrenCpuMs();
    for (let i = 0; i < scale.bigDiffListings; i++) {
      const x = inputs();
      try {
        let a;
        let b;
        if (i % 2 === 0) {
          a = await listing(x, true);
          for (let j = 0; j < 3; j++) b = await rawDiff(x);
        } else {
          for (let j = 0; j < 3; j++) b = await rawDiff(x);
          a = await listing(x, true);
        }
        counts.push(a);
        if (a !== b) mismatches++;
      } catch (e) {
        errors++;
        if (messages.size < 3) messages.add(`${e.name ?? 'Error'}: ${String(e.message).slice(0, 200)}`);
      }
    }
    const cpu = meter.stop();
    const rawCpuMsPerCall = (childrenCpuMs() - rawCpu0) / rawTimes.length;
    const floorTimes = [];
    for (let i = 0; i < 100; i++) {
      const t = now();
      await floorCall();
      floorTimes.push(now() - t);
    }
    const pageTimes = pages.map((p) => p.ms);
    const byPosition = {};
    for (const p of pages) (byPosition[p.page] ??= []).push(p.ms);
    const positions = Object.keys(byPosition).map(Number).sort((a, b) => a - b);
    const first = summarize(byPosition[0] ?? []);
    const lastPos = positions[positions.length - 1];
    const v = {
      label: `GetDifferences, ${span} commits apart, every page of the listing (${Math.round(counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length))} changes ≈ ${Math.ceil(counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length) / 100)} pages)`,
      short: `GetDifferences ${span} apart, per page`,
      rawLabel: '`git diff --raw --no-renames <before> <after>` (the whole diff, once)',
      span,
      listings: scale.bigDiffListings,
      cairn: summarize(pageTimes),
      firstPage: first,
      lastPage: summarize(byPosition[lastPos] ?? []),
      lastPosition: lastPos,
      listing: summarize(listings),
      raw: summarize(rawTimes),
      differences: summarize(counts),
      errors,
      errorMessages: [...messages],
      mismatches,
      cpuMsPerCall: perCall(cpu, pages.length),
      rawCpuMsPerCall,
      floor: summarize(floorTimes),
    };
    v.ratio = v.cairn.p50 / v.raw.p50;
    v.listingRatio = v.listing.p50 / v.raw.p50;
    v.met = v.ratio <= 2;
    out.variants[`GetDifferences ${span}`] = v;
    log(`  GetDifferences ${span} (all pages): page p50 ${v.cairn.p50.toFixed(1)} ms p99 ${v.cairn.p99.toFixed(1)} ms (first ${first.p50.toFixed(1)}, last ${v.lastPage.p50.toFixed(1)}); listing p50 ${v.listing.p50.toFixed(0)} ms; raw ${v.raw.p50.toFixed(1)} ms → page ${v.ratio.toFixed(2)}×, listing ${v.listingRatio.toFixed(2)}×`);
  }
  return out;
}

function perCall(cpu, n) {
  return Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / n]));
}
