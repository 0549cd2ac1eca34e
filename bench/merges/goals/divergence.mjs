// Goal 3 — no divergence cap below 10,000 commits: a source and a destination that each moved
// `divergence` commits away from their merge base. GetMergeOptions and MergeBranchesByThreeWay
// must succeed (CodeCommit itself answers TipsDivergenceExceededException past its cap); the
// times are reported with `git merge-base` and `git merge-tree --write-tree` of the same pair.
import { CodeCommitClient, GetMergeConflictsCommand, GetMergeOptionsCommand, MergeBranchesByThreeWayCommand } from '@aws-sdk/client-codecommit';
import { now } from '../../lib/util.mjs';
import { summarize } from '../../codecommit-api/lib/common.mjs';
import { describeError, rawGit } from '../lib/common.mjs';

export async function divergenceGoal(ctx) {
  const { log, scale, repo, cairn } = ctx;
  const { repositoryName, storage, ids, mainId } = repo;
  // Its own client: a merge over this much history may take longer than the usual 60 s bound.
  const sdk = new CodeCommitClient({
    endpoint: cairn.creds.endpoint,
    region: cairn.creds.region,
    credentials: { accessKeyId: cairn.creds.accessKeyId, secretAccessKey: cairn.creds.secretAccessKey },
    maxAttempts: 1,
    requestHandler: { requestTimeout: 600_000, connectionTimeout: 5_000 },
  });
  const out = { problems: [], calls: {} };
  const problem = (msg) => {
    if (out.problems.length < 20) out.problems.push(msg);
    log(`  PROBLEM: ${msg}`);
  };
  try {
    const srcId = ids['div-src'];
    const dstId = ids['div-dst'];
    const count = async (a, b) => Number((await rawGit(storage, ['rev-list', '--count', a, `^${b}`], { timeoutMs: 300_000 })).stdout.trim());
    out.sourceAhead = await count(srcId, dstId);
    out.destinationAhead = await count(dstId, srcId);
    const base = (await rawGit(storage, ['merge-base', srcId, dstId])).stdout.trim();
    log(`  divergence: source ${out.sourceAhead} commits, destination ${out.destinationAhead} commits past their merge base`);
    if (base !== mainId) problem(`the merge base is ${base}, expected main ${mainId}`);
    if (out.sourceAhead !== scale.divergence || out.destinationAhead !== scale.divergence) problem(`divergence is ${out.sourceAhead}/${out.destinationAhead}, expected ${scale.divergence} each`);

    const calls = {
      mergeBase: [],
      mergeTree: [],
      options: [],
      conflicts: [],
      merge: [],
    };
    const errors = [];
    const timed = async (key, fn) => {
      const t = now();
      try {
        const r = await fn();
        calls[key].push(now() - t);
        return r;
      } catch (e) {
        const msg = describeError(e);
        errors.push(`${key}: ${msg}`);
        log(`  ${key} failed after ${((now() - t) / 1000).toFixed(1)} s: ${msg}`);
        if (/TipsDivergenceExceeded/.test(msg)) out.tipsDivergenceExceeded = true;
        return undefined;
      }
    };

    let expectedTree;
    for (let i = 0; i < scale.divergenceRawSamples; i++) {
      await timed('mergeBase', () => rawGit(storage, ['merge-base', '--all', dstId, srcId], { timeoutMs: 300_000 }));
      const r = await timed('mergeTree', () => rawGit(storage, ['merge-tree', '--write-tree', dstId, srcId], { allowFail: true, timeoutMs: 300_000 }));
      if (r) {
        if (r.code !== 0) problem(`git merge-tree exited ${r.code} on the divergence pair`);
        expectedTree = r.stdout.split('\n')[0];
      }
    }
    const pair = { repositoryName, sourceCommitSpecifier: 'div-src', destinationCommitSpecifier: 'div-dst' };
    for (let i = 0; i < scale.divergenceOptionsSamples; i++) {
      const r = await timed('options', () => sdk.send(new GetMergeOptionsCommand(pair)));
      if (r && [...(r.mergeOptions ?? [])].sort().join(',') !== 'SQUASH_MERGE,THREE_WAY_MERGE') problem(`GetMergeOptions: ${JSON.stringify(r.mergeOptions)}`);
      if (r && r.baseCommitId !== mainId) problem(`GetMergeOptions: base ${r.baseCommitId}, expected ${mainId}`);
    }
    const c = await timed('conflicts', () => sdk.send(new GetMergeConflictsCommand({ ...pair, mergeOption: 'THREE_WAY_MERGE' })));
    if (c && (c.mergeable !== true || (c.conflictMetadataList ?? []).length !== 0)) problem(`GetMergeConflicts: mergeable ${c.mergeable}, ${(c.conflictMetadataList ?? []).length} conflicts`);
    for (let k = 1; k <= scale.divergenceMerges; k++) {
      const dest = `div-dst-${k}`;
      const r = await timed('merge', () => sdk.send(new MergeBranchesByThreeWayCommand({ ...pair, destinationCommitSpecifier: dest, commitMessage: `Merge div-src into ${dest}\n`, authorName: 'Bench', email: 'bench@example.com' })));
      if (!r) continue;
      const commit = (await rawGit(storage, ['cat-file', 'commit', r.commitId])).stdout;
      const parents = [...commit.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((x) => x[1]).join(' ');
      const tip = (await rawGit(storage, ['rev-parse', `refs/heads/${dest}`])).stdout.trim();
      if (tip !== r.commitId) problem(`${dest} is at ${tip}, the merge returned ${r.commitId}`);
      if (parents !== `${dstId} ${srcId}`) problem(`merge into ${dest}: parents ${parents}`);
      if (expectedTree && r.treeId !== expectedTree) problem(`merge into ${dest}: tree ${r.treeId}, git merge-tree gives ${expectedTree}`);
    }
    for (const [k, v] of Object.entries(calls)) out.calls[k] = { ...summarize(v), times: v.map((x) => Math.round(x * 10) / 10) };
    out.errors = errors;
    out.tipsDivergenceExceeded = !!out.tipsDivergenceExceeded;
    out.met = errors.length === 0 && out.calls.options.n === scale.divergenceOptionsSamples && out.calls.merge.n === scale.divergenceMerges && out.problems.length === 0;
    log(`  GetMergeOptions p50 ${out.calls.options.p50?.toFixed(1)} ms; MergeBranchesByThreeWay p50 ${out.calls.merge.p50?.toFixed(1)} ms; git merge-base p50 ${out.calls.mergeBase.p50?.toFixed(1)} ms; git merge-tree p50 ${out.calls.mergeTree.p50?.toFixed(1)} ms`);
    return out;
  } finally {
    sdk.destroy();
  }
}
