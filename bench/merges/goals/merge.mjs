// Goal 1 — MergeBranchesByThreeWay of a pull request (`changed` files) on the large repository,
// through the AWS SDK, against `git merge-tree --write-tree <dest> <source>` spawned per run on
// Cairn's own storage copy. Target: Cairn's p50 within 1.5× the raw command's.
//
// Every sample merges into a fresh destination branch (its own commit on top of main), so no
// sample is "already merged" and no sample finds another's merged trees already written: the SDK
// merges d-s-NNN, the raw command merges d-g-NNN, GetMergeOptions looks at d-o-NNN — pairs of the
// same shape. The order of the calls in a sample rotates so machine noise hits all alike.
//
// For context (no target on it), the raw git pipeline of a merge commit is timed too on d-p-NNN:
// `git merge-base --all`, `git merge-tree --write-tree`, `git commit-tree -p <dest> -p <source>`,
// spawned one after the other — what any git-backed service has to run at least, short of the
// ref update (a ref moved behind Cairn's back would fire its reference hook, so none is moved).
// And CreateUnreferencedMergeCommit on d-u-NNN: the same merge commit without the branch move,
// which with GetMergeOptions (the analysis alone) tells where MergeBranchesByThreeWay's time goes.
import { CreateUnreferencedMergeCommitCommand, GetBranchCommand, GetMergeOptionsCommand, MergeBranchesByThreeWayCommand } from '@aws-sdk/client-codecommit';
import { now } from '../../lib/util.mjs';
import { childrenCpuMs, cpuMeter, summarize } from '../../codecommit-api/lib/common.mjs';
import { STORAGE_ENV, addCpu, describeError, perCall, rawGit } from '../lib/common.mjs';

export const GOAL1_RATIO = 1.5;
const LINE = 'LINE_LEVEL';

export async function mergeGoal(ctx) {
  const { sdk, log, scale, repo, procs } = ctx;
  const { repositoryName, storage, ids, mainId } = repo;
  const sourceId = ids.pr;
  const raw = (args, opts) => rawGit(storage, args, opts);
  const mergeTree = (destId) => raw(['merge-tree', '--write-tree', destId, sourceId], { allowFail: true, timeoutMs: 300_000 });
  // LINE_LEVEL: the conflict semantics of git merge-tree, so Cairn and the baseline do the same
  // merge (files both sides edited apart merge). `detail` null: none sent, CodeCommit's default FILE_LEVEL.
  const sdkMerge = (dest, detail = LINE) =>
    sdk.send(new MergeBranchesByThreeWayCommand({ repositoryName, sourceCommitSpecifier: 'pr', destinationCommitSpecifier: dest, conflictDetailLevel: detail ?? undefined, commitMessage: `Merge pull request into ${dest}\n`, authorName: 'Bench', email: 'bench@example.com' }));
  const options = (dest) => sdk.send(new GetMergeOptionsCommand({ repositoryName, sourceCommitSpecifier: 'pr', destinationCommitSpecifier: dest, conflictDetailLevel: LINE }));
  const unreferenced = (dest) =>
    sdk.send(new CreateUnreferencedMergeCommitCommand({ repositoryName, sourceCommitSpecifier: 'pr', destinationCommitSpecifier: dest, mergeOption: 'THREE_WAY_MERGE', conflictDetailLevel: LINE, commitMessage: `Merge pull request into ${dest}\n`, authorName: 'Bench', email: 'bench@example.com' }));
  const getBranch = () => sdk.send(new GetBranchCommand({ repositoryName, branchName: 'main' }));
  const pipeline = async (destId) => {
    const base = (await raw(['merge-base', '--all', destId, sourceId])).stdout.trim();
    if (base !== mainId) throw new Error(`merge base ${base}, expected ${mainId}`);
    const merged = await mergeTree(destId);
    if (merged.code !== 0) throw new Error(`git merge-tree exited ${merged.code}`);
    const tree = merged.stdout.split('\n')[0];
    return (await raw(['commit-tree', '-p', destId, '-p', sourceId, '-m', 'Merge pull request', tree], { env: { ...STORAGE_ENV, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' } })).stdout.trim();
  };

  const out = { problems: [] };
  const problem = (msg) => {
    if (out.problems.length < 20) out.problems.push(msg);
    log(`  PROBLEM: ${msg}`);
  };

  // The pull request as git sees it.
  const diff = (await raw(['diff', '--no-renames', '--name-status', mainId, sourceId], { timeoutMs: 120_000 })).stdout.split('\n').filter(Boolean);
  out.prChanges = { total: diff.length, modified: diff.filter((l) => l.startsWith('M')).length, added: diff.filter((l) => l.startsWith('A')).length, deleted: diff.filter((l) => l.startsWith('D')).length };
  log(`  pull request: ${out.prChanges.total} changed files (${out.prChanges.modified} M, ${out.prChanges.added} A, ${out.prChanges.deleted} D)`);
  if (out.prChanges.total !== scale.changed) problem(`the pull request changes ${out.prChanges.total} files, not ${scale.changed}`);

  // Warm-up: the whole path once each (JIT, connections, caches), on branches not measured.
  for (let i = 0; i < 20; i++) await getBranch();
  const warm = {};
  let t = now();
  await sdkMerge('d-w-0');
  warm.merge = now() - t;
  t = now();
  await mergeTree(ids['d-w-1']);
  warm.mergeTree = now() - t;
  t = now();
  await options('d-w-2');
  warm.options = now() - t;
  t = now();
  await pipeline(ids['d-w-3']);
  warm.pipeline = now() - t;
  t = now();
  await unreferenced('d-w-4');
  warm.unreferenced = now() - t;
  t = now();
  await sdkMerge('d-w-5', null);
  warm.mergeFileLevel = now() - t;
  out.warmUp = warm;

  const kinds = ['merge', 'mergeFileLevel', 'mergeTree', 'pipeline', 'options', 'unreferenced', 'getBranch'];
  const times = Object.fromEntries(kinds.map((k) => [k, []]));
  const cpu = { merge: {}, mergeFileLevel: {}, options: {}, unreferenced: {}, getBranch: {} };
  let rawCpu = 0;
  let pipelineCpu = 0;
  const merges = [];
  const unrefs = [];
  const errors = Object.fromEntries(kinds.map((k) => [k, 0]));
  const errorMessages = [];
  const N = scale.samples;
  const started = now();
  for (let i = 0; i < N; i++) {
    const n = String(i).padStart(3, '0');
    const calls = {
      merge: async () => {
        const dest = `d-s-${n}`;
        const meter = cpuMeter(procs);
        const t0 = now();
        const r = await sdkMerge(dest);
        times.merge.push(now() - t0);
        addCpu(cpu.merge, meter.stop());
        merges.push({ dest, destId: ids[dest], commitId: r.commitId, treeId: r.treeId });
      },
      mergeFileLevel: async () => {
        const dest = `d-f-${n}`;
        const meter = cpuMeter(procs);
        const t0 = now();
        const r = await sdkMerge(dest, null);
        times.mergeFileLevel.push(now() - t0);
        addCpu(cpu.mergeFileLevel, meter.stop());
        merges.push({ dest, destId: ids[dest], commitId: r.commitId, treeId: r.treeId });
      },
      mergeTree: async () => {
        const c0 = childrenCpuMs();
        const t0 = now();
        const r = await mergeTree(ids[`d-g-${n}`]);
        times.mergeTree.push(now() - t0);
        rawCpu += childrenCpuMs() - c0;
        if (r.code !== 0) throw new Error(`git merge-tree exited ${r.code} (a conflict?) for d-g-${n}: ${r.stdout.slice(0, 300)}`);
      },
      pipeline: async () => {
        const c0 = childrenCpuMs();
        const t0 = now();
        await pipeline(ids[`d-p-${n}`]);
        times.pipeline.push(now() - t0);
        pipelineCpu += childrenCpuMs() - c0;
      },
      options: async () => {
        const dest = `d-o-${n}`;
        const meter = cpuMeter(procs);
        const t0 = now();
        const r = await options(dest);
        times.options.push(now() - t0);
        addCpu(cpu.options, meter.stop());
        const got = [...(r.mergeOptions ?? [])].sort().join(',');
        if (got !== 'SQUASH_MERGE,THREE_WAY_MERGE') problem(`GetMergeOptions ${dest}: options ${got || '(none)'}, expected SQUASH_MERGE,THREE_WAY_MERGE`);
        if (r.sourceCommitId !== sourceId || r.destinationCommitId !== ids[dest] || r.baseCommitId !== mainId) problem(`GetMergeOptions ${dest}: commit ids ${r.sourceCommitId}/${r.destinationCommitId}/${r.baseCommitId}, expected ${sourceId}/${ids[dest]}/${mainId}`);
      },
      unreferenced: async () => {
        const dest = `d-u-${n}`;
        const meter = cpuMeter(procs);
        const t0 = now();
        const r = await unreferenced(dest);
        times.unreferenced.push(now() - t0);
        addCpu(cpu.unreferenced, meter.stop());
        unrefs.push({ dest, destId: ids[dest], commitId: r.commitId, treeId: r.treeId });
      },
      getBranch: async () => {
        const meter = cpuMeter(procs);
        const t0 = now();
        await getBranch();
        times.getBranch.push(now() - t0);
        addCpu(cpu.getBranch, meter.stop());
      },
    };
    // Rotate the order: each kind goes first, second… equally often.
    const order = kinds.map((_, j) => kinds[(i + j) % kinds.length]);
    for (const k of order) {
      try {
        await calls[k]();
      } catch (e) {
        errors[k]++;
        if (errorMessages.length < 5) errorMessages.push(`${k} #${i}: ${describeError(e)}`);
        log(`  ${k} #${i} failed: ${describeError(e)}`);
      }
    }
  }
  out.wallMs = now() - started;
  out.samples = N;
  for (const k of kinds) out[k] = { ...summarize(times[k]), times: times[k].map((v) => Math.round(v * 10) / 10) };
  out.errors = errors;
  out.errorMessages = errorMessages;
  out.cpuMsPerCall = { merge: perCall(cpu.merge, times.merge.length), mergeFileLevel: perCall(cpu.mergeFileLevel, times.mergeFileLevel.length), options: perCall(cpu.options, times.options.length), unreferenced: perCall(cpu.unreferenced, times.unreferenced.length), getBranch: perCall(cpu.getBranch, times.getBranch.length) };
  out.rawCpuMsPerCall = rawCpu / Math.max(1, times.mergeTree.length);
  out.pipelineCpuMsPerCall = pipelineCpu / Math.max(1, times.pipeline.length);
  out.pipelineRatio = out.merge.p50 / out.pipeline.p50;
  out.ratio = out.merge.p50 / out.mergeTree.p50;
  out.optionsRatio = out.options.p50 / out.mergeTree.p50;
  out.fileLevelRatio = out.mergeFileLevel.p50 / out.mergeTree.p50;
  out.met = out.ratio <= GOAL1_RATIO && errors.merge === 0;
  log(`  MergeBranchesByThreeWay p50 ${out.merge.p50.toFixed(1)} ms p90 ${out.merge.p90.toFixed(1)} ms; git merge-tree p50 ${out.mergeTree.p50.toFixed(1)} ms p90 ${out.mergeTree.p90.toFixed(1)} ms → ${out.ratio.toFixed(2)}×; at the default FILE_LEVEL p50 ${out.mergeFileLevel.p50.toFixed(1)} ms; raw pipeline p50 ${out.pipeline.p50.toFixed(1)} ms; CreateUnreferencedMergeCommit p50 ${out.unreferenced.p50.toFixed(1)} ms; GetMergeOptions p50 ${out.options.p50.toFixed(1)} ms; GetBranch p50 ${out.getBranch.p50.toFixed(1)} ms`);

  // Checks, outside the timed part: each merge is the commit git would make.
  let checked = 0;
  let wrong = 0;
  for (const m of merges) {
    const tip = (await raw(['rev-parse', `refs/heads/${m.dest}`])).stdout.trim();
    const commit = (await raw(['cat-file', 'commit', m.commitId])).stdout;
    const tree = /^tree ([0-9a-f]{40})$/m.exec(commit)?.[1];
    const parents = [...commit.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((x) => x[1]);
    const expected = await mergeTree(m.destId);
    const expectedTree = expected.stdout.split('\n')[0];
    const issues = [];
    if (tip !== m.commitId) issues.push(`branch at ${tip}, merge returned ${m.commitId}`);
    if (tree !== m.treeId) issues.push(`commit tree ${tree} ≠ returned treeId ${m.treeId}`);
    if (parents.join(' ') !== `${m.destId} ${sourceId}`) issues.push(`parents ${parents.join(' ')}, expected ${m.destId} ${sourceId}`);
    if (expected.code !== 0 || expectedTree !== m.treeId) issues.push(`git merge-tree gives ${expectedTree} (exit ${expected.code}), Cairn ${m.treeId}`);
    checked++;
    if (issues.length) {
      wrong++;
      problem(`merge into ${m.dest}: ${issues.join('; ')}`);
    }
  }
  // CreateUnreferencedMergeCommit: the same commit, and the destination branch left alone.
  for (const m of unrefs) {
    const tip = (await raw(['rev-parse', `refs/heads/${m.dest}`])).stdout.trim();
    const commit = (await raw(['cat-file', 'commit', m.commitId])).stdout;
    const parents = [...commit.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((x) => x[1]);
    const expected = (await mergeTree(m.destId)).stdout.split('\n')[0];
    const issues = [];
    if (tip !== m.destId) issues.push(`the branch moved to ${tip}`);
    if (parents.join(' ') !== `${m.destId} ${sourceId}`) issues.push(`parents ${parents.join(' ')}`);
    if (expected !== m.treeId) issues.push(`tree ${m.treeId}, git merge-tree gives ${expected}`);
    checked++;
    if (issues.length) {
      wrong++;
      problem(`CreateUnreferencedMergeCommit ${m.dest}: ${issues.join('; ')}`);
    }
  }
  out.check = { checked, wrong };
  log(`  checked ${checked} merge commits (MergeBranchesByThreeWay at both levels and CreateUnreferencedMergeCommit) against git merge-tree: ${wrong} differ`);
  return out;
}
