// RESULTS.md for the merge benchmark. Verdicts use this run's unrounded figures.
import { GOAL1_RATIO } from './goals/merge.mjs';
import { GOAL2_LIMIT_MS } from './goals/conflicts.mjs';
import { LINES } from './lib/scenario.mjs';

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const ms = (v) => (isNum(v) ? (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`) : 'n/a');
const x = (r) => (isNum(r) ? `${r.toFixed(2)}×` : 'n/a');
const mb = (b) => (isNum(b) ? `${(b / 1e6).toFixed(1)} MB` : 'n/a');
const n0 = (v) => (isNum(v) ? Math.round(v).toLocaleString('en') : 'n/a');
const ok = (g) => g && !g.error;
const failed = (g) => (g?.error ? `failed: ${g.error.split('\n')[0]}` : 'not run (an earlier step failed or the time budget ran out)');
const verdict = (met) => (met ? '**met**' : '**not met**');
const p5090 = (s) => `p50 ${ms(s?.p50)}, p90 ${ms(s?.p90)}`;

const CPU_COLUMNS = ['git-protocol', 'api-gateway', 'policy', 'db-policy', 'repo-metadata', 'db-metadata', 'git-storage', 'db-events'];
const sumCpu = (cpu) => (cpu ? Object.values(cpu).filter(isNum).reduce((a, b) => a + b, 0) : NaN);
const cpuRow = (label, cpu) => `| ${label} | ${CPU_COLUMNS.map((c) => (isNum(cpu?.[c]) ? cpu[c].toFixed(1) : 'n/a')).join(' | ')} | ${isNum(sumCpu(cpu)) ? sumCpu(cpu).toFixed(1) : 'n/a'} |`;
const cpuHeader = () => [`| call | ${CPU_COLUMNS.join(' | ')} | all stack processes |`, `|---|${CPU_COLUMNS.map(() => '---:').join('|')}|---:|`];

export function renderReport({ results: r, machine: m, scale, quick }) {
  const L = [];
  const setup = r.setup;
  const { g1, g2, g3 } = r;
  L.push('# Cairn merge benchmarks — results', '');
  L.push(
    `Written by \`node bench/merges/run.mjs${quick ? ' --quick' : ''}\` on ${m.date}. **Scale measured: ${scale.name}**${
      quick
        ? ` — scaled down: ${n0(setup?.tipFiles)} files, ${scale.changed} changed files, ${scale.conflicts} conflicting files, ${n0(scale.divergence)} commits of divergence (the goals ask for 50,000, 500, 200 and 10,000); run without \`--quick\` for the goals' scale`
        : ''
    }.`,
  );
  L.push('Every ratio compares figures measured in this same run, on this machine, from the same client process.', '');
  if (r.timeout) L.push(`**${r.timeout}.**`, '');
  if (r.fatal) L.push(`**The run stopped early: ${r.fatal.split('\n')[0]}**`, '');

  // ------------------------------------------------------------------ summary
  L.push('## Summary', '', '| # | what | target | Cairn (AWS SDK) | baseline, same run | verdict |', '|---|---|---|---|---|---|');
  if (ok(g1)) {
    const gap = g1.met ? ` — ${x(g1.ratio)}` : ` — ${x(g1.ratio)}: ${ms(g1.merge.p50 - GOAL1_RATIO * g1.mergeTree.p50)} above ${GOAL1_RATIO} × raw`;
    L.push(
      `| 1 | MergeBranchesByThreeWay (conflictDetailLevel LINE_LEVEL, git merge-tree's semantics), pull request of ${n0(g1.prChanges.total)} changed files into a fresh destination branch, ${n0(setup.tipFiles)}-file repository (${g1.merge.n} samples) | p50 ≤ ${GOAL1_RATIO}× raw | ${p5090(g1.merge)} | \`git merge-tree --write-tree <dest> <source>\` spawned per run on Cairn's storage copy: ${p5090(g1.mergeTree)} | ${verdict(g1.met)}${gap}${g1.errors.merge ? ` (${g1.errors.merge} failed calls)` : ''}${g1.check?.wrong ? ` (${g1.check.wrong} merges differ from git's)` : ''} |`,
    );
    L.push(`| 1 | context: MergeBranchesByThreeWay with no conflictDetailLevel (CodeCommit's default, FILE_LEVEL: a file both sides changed is a conflict, so these destinations share no file with the pull request) | — | ${p5090(g1.mergeFileLevel)} (${x(g1.fileLevelRatio)} the raw merge-tree) | | |`);
    L.push(`| 1 | context: the raw git pipeline of a merge commit (\`merge-base --all\`, \`merge-tree --write-tree\`, \`commit-tree\`, spawned in turn) | — | | ${p5090(g1.pipeline)}; MergeBranchesByThreeWay is ${x(g1.pipelineRatio)} of it | |`);
    L.push(`| 1 | context: GetMergeOptions on the same kind of pair | — | ${p5090(g1.options)} (${x(g1.optionsRatio)} the raw merge-tree) | | |`);
    L.push(`| 1 | context: CreateUnreferencedMergeCommit (THREE_WAY_MERGE) on the same kind of pair: the same merge commit, no branch move | — | ${p5090(g1.unreferenced)} | | |`);
    L.push(`| 1 | context: GetBranch (the fixed cost of a request) | — | ${p5090(g1.getBranch)} | | |`);
  } else L.push(`| 1 | MergeBranchesByThreeWay vs git merge-tree | p50 ≤ ${GOAL1_RATIO}× raw | ${failed(g1)} | | not measured |`);
  if (ok(g2)) {
    for (const [k, o] of Object.entries(g2.ops)) {
      if (o.raw) L.push(`| 2 | context: ${o.label} | — | | ${p5090(o)} | |`);
      else if (o.listing)
        L.push(
          `| 2 | ${o.label}, ${g2.expected} conflicting files | p50 < ${ms(GOAL2_LIMIT_MS)} per call | each call: ${p5090(o.perCall)}; the whole listing: ${p5090(o)} (${o.n} listings) | | ${verdict(o.met)} per call${o.met ? ` — ${ms(GOAL2_LIMIT_MS - o.perCall.p50)} of margin` : ` — ${ms(o.perCall.p50 - GOAL2_LIMIT_MS)} over`}; the whole listing takes ${ms(o.p50)} p50, ${o.listingUnderLimit ? 'also under' : `${ms(o.p50 - GOAL2_LIMIT_MS)} over`} ${ms(GOAL2_LIMIT_MS)}${o.errors ? ` (${o.errors} failed listings)` : ''} |`,
        );
      else L.push(`| 2 | ${o.label}, ${g2.expected} conflicting files | p50 < ${ms(GOAL2_LIMIT_MS)} | ${p5090(o)} (${o.n} samples) | | ${verdict(o.met)}${o.met ? ` — ${ms(GOAL2_LIMIT_MS - o.p50)} of margin` : ` — ${ms(o.p50 - GOAL2_LIMIT_MS)} over`}${o.errors ? ` (${o.errors} failed calls)` : ''} |`);
      void k;
    }
    if (g2.oneCallAllError) L.push(`| 2 | GetMergeConflicts, maxConflictFiles ${g2.expected} | p50 < ${ms(GOAL2_LIMIT_MS)} | refused: ${g2.oneCallAllError} | | not measured |`);
  } else L.push(`| 2 | GetMergeConflicts / DescribeMergeConflicts / BatchDescribeMergeConflicts | p50 < 1 s | ${failed(g2)} | | not measured |`);
  if (ok(g3)) {
    const c = g3.calls;
    L.push(`| 3 | GetMergeOptions, tips ${n0(g3.sourceAhead)} / ${n0(g3.destinationAhead)} commits past their merge base (${c.options.n} calls) | succeeds | ${p5090(c.options)} | \`git merge-base --all\`: ${p5090(c.mergeBase)} | ${verdict(c.options.n === scale.divergenceOptionsSamples && !g3.tipsDivergenceExceeded)} |`);
    L.push(`| 3 | MergeBranchesByThreeWay, same pair (${c.merge.n} merges, each into its own copy of the destination) | succeeds | ${p5090(c.merge)} | \`git merge-tree --write-tree\`: ${p5090(c.mergeTree)} | ${verdict(c.merge.n === scale.divergenceMerges && !g3.tipsDivergenceExceeded)}${g3.tipsDivergenceExceeded ? ' — TipsDivergenceExceededException' : ''} |`);
  } else L.push(`| 3 | GetMergeOptions / MergeBranchesByThreeWay at ${n0(scale.divergence)} commits of divergence | succeeds | ${failed(g3)} | | not measured |`);
  L.push('');

  // ------------------------------------------------------------------ statements
  L.push('## Verdicts', '');
  if (ok(g1)) {
    L.push(
      `- **Goal 1 (MergeBranchesByThreeWay within ${GOAL1_RATIO}× \`git merge-tree\`): ${g1.met ? 'met' : 'not met'}.** p50 ${ms(g1.merge.p50)} against ${ms(g1.mergeTree.p50)}: ${x(g1.ratio)}${g1.met ? '' : `, ${ms(g1.merge.p50 - GOAL1_RATIO * g1.mergeTree.p50)} over the ${GOAL1_RATIO}× line (${ms(GOAL1_RATIO * g1.mergeTree.p50)})`}. Of Cairn's p50, about ${ms(g1.getBranch.p50)} is the fixed cost of any request (GetBranch p50); the rest is ${ms(g1.merge.p50 - g1.getBranch.p50)}, ${x((g1.merge.p50 - g1.getBranch.p50) / g1.mergeTree.p50)} the raw merge-tree. Along the way (p50s): GetMergeOptions (the analysis alone) ${ms(g1.options.p50)}, CreateUnreferencedMergeCommit (analysis + commit, no branch move) ${ms(g1.unreferenced?.p50)}, MergeBranchesByThreeWay (+ target check and branch move) ${ms(g1.merge.p50)}; with CodeCommit's default FILE_LEVEL ${ms(g1.mergeFileLevel?.p50)} (${x(g1.fileLevelRatio)}). ${g1.check?.wrong ? `**${g1.check.wrong} of ${g1.check.checked} merge commits differ from git's (see the problems below).**` : `Even a merge with no cost beyond the raw merge-tree would take the fixed cost plus it, ${ms(g1.getBranch.p50 + g1.mergeTree.p50)} (${x((g1.getBranch.p50 + g1.mergeTree.p50) / g1.mergeTree.p50)}): at this size the ${GOAL1_RATIO}× target needs the per-request cost under ${ms((GOAL1_RATIO - 1) * g1.mergeTree.p50)}. All ${g1.check?.checked} merge commits checked (MergeBranchesByThreeWay at both levels, CreateUnreferencedMergeCommit): parents (destination, source), the tree \`git merge-tree\` gives, and the branch moved to it (left alone for the unreferenced ones).`}`,
    );
  } else L.push(`- **Goal 1: not measured** (${failed(g1)}).`);
  if (ok(g2)) {
    const limited = Object.values(g2.ops).filter((o) => !o.raw);
    const callP50 = (o) => (o.listing ? o.perCall.p50 : o.p50);
    const worst = limited.reduce((a, b) => (callP50(b) > callP50(a) ? b : a));
    const listing = limited.find((o) => o.listing);
    L.push(
      `- **Goal 2 (each conflict call under ${ms(GOAL2_LIMIT_MS)} p50 with ${g2.expected} conflicting files): ${g2.met ? 'met' : 'not met'}.** Slowest call p50: ${worst.label}, ${ms(callP50(worst))}${g2.met ? ` (${ms(GOAL2_LIMIT_MS - callP50(worst))} of margin)` : ` (${ms(callP50(worst) - GOAL2_LIMIT_MS)} over)`}; ${limited.filter((o) => !o.met).length} of ${limited.length} kinds of call over the line.${listing ? ` Listing all ${g2.expected} with the default page takes ${listing.perCall.n / Math.max(1, listing.n)} call${listing.perCall.n === listing.n ? '' : 's'}, ${ms(listing.p50)} p50 in all${listing.listingUnderLimit ? '' : ` (${ms(listing.p50 - GOAL2_LIMIT_MS)} over ${ms(GOAL2_LIMIT_MS)})`}.` : ''}${g2.oneCallAllError ? ` GetMergeConflicts with maxConflictFiles ${g2.expected} was refused (${g2.oneCallAllError}).` : ''} Measured under the load averages listed below, on 2 shared cores; the CPU per call (goal 2 section) is the less noisy figure.`,
    );
  } else L.push(`- **Goal 2: not measured** (${failed(g2)}).`);
  if (ok(g3)) {
    L.push(
      `- **Goal 3 (no divergence cap below 10,000 commits): ${g3.met ? 'met' : 'not met'}${quick ? ' at the quick scale only' : ''}.** ${n0(g3.sourceAhead)} / ${n0(g3.destinationAhead)} commits of divergence: GetMergeOptions ${g3.calls.options.n}/${scale.divergenceOptionsSamples} succeeded (p50 ${ms(g3.calls.options.p50)}), MergeBranchesByThreeWay ${g3.calls.merge.n}/${scale.divergenceMerges} (p50 ${ms(g3.calls.merge.p50)}); ${g3.tipsDivergenceExceeded ? '**TipsDivergenceExceededException was raised**' : 'no TipsDivergenceExceededException'}.${g3.errors?.length ? ` Errors: ${g3.errors.join('; ')}` : ''}`,
    );
  } else L.push(`- **Goal 3: not measured** (${failed(g3)}).`);
  const problems = [...(g1?.problems ?? []).map((p) => `goal 1: ${p}`), ...(g2?.problems ?? []).map((p) => `goal 2: ${p}`), ...(g3?.problems ?? []).map((p) => `goal 3: ${p}`)];
  L.push('', `**Answers checked against git: ${problems.length === 0 ? 'no discrepancy found' : `${problems.length} problem(s)`}.**`);
  for (const p of problems) L.push(`- ${p}`);
  L.push('');

  // ------------------------------------------------------------------ machine
  L.push('## Machine', '', '| | |', '|---|---|');
  L.push(`| date | ${m.date} |`, `| code measured | ${m.code} |`, `| CPU | ${m.cpu} |`, `| memory | ${m.memory} |`, `| kernel | ${m.kernel} |`, `| Node | ${m.node} |`, `| git | ${m.git} |`);
  L.push(`| client | ${m.sdk} (default Node HTTP handler with keep-alive, maxAttempts 1 so no retry hides a failure) |`);
  L.push(`| load average (1/5/15 min) | ${(m.loads ?? []).map((l) => `${l.phase}: ${l.load}`).join('; ')} |`);
  L.push(`| other work | ${m.otherStacks} other Cairn stack(s) were running when this run started; the machine (${m.cores ?? '?'} cores) was shared with other work throughout, so absolute times are noisy. The calls of a sample are interleaved and their order rotates, so noise hits both sides of a ratio alike. |`);
  L.push(`| run time | ${isNum(m.totalSeconds) ? (m.totalSeconds / 60).toFixed(1) : 'n/a'} min |`, '');

  // ------------------------------------------------------------------ scale
  L.push('## Scale and setup', '', '| parameter | value |', '|---|---|');
  if (ok(setup)) {
    L.push(`| repository | ${n0(setup.tipFiles)} files at main (${scale.repo.dirs} × ${scale.repo.subdirs} folders × ${scale.repo.filesPerDir} text files of 20–60 lines, bench/codecommit-api/lib/bigrepo.mjs), ${n0(setup.mainCommits)} commits on main; ${n0(setup.branches)} branches; ${n0(setup.objects)} objects, ${mb(setup.packBytes)} pack |`);
    L.push(`| generated | \`git fast-import\`: main in ${ms(setup.generateMs)}, then ${n0(setup.commitsAdded)} commits on the other branches (lib/scenario.mjs) in ${ms(setup.branchesMs)} |`);
    L.push(`| loaded into Cairn | \`git push\` over HTTP (stock client): main in ${ms(setup.pushMainMs)}, the other branches in ${ms(setup.pushBranchesMs)}; storage copy: ${setup.storagePacks} pack(s), ${mb(setup.storagePackBytes)}, ${n0(setup.storageLoose)} loose objects |`);
    L.push(`| goal 1 pair | source \`pr\`: ${n0(setup.pr.modified)} files edited (one line each), ${setup.pr.added} added, ${setup.pr.deleted} deleted, in ${scale.prCommits} commits on main's tip; each destination: one commit on main's tip editing ${scale.destFiles} files of its own and ${scale.destOverlap} file(s) the pull request also edits (${LINE_GAP} lines apart, so they merge cleanly line by line) |`);
    L.push(`| goal 1 samples | ${scale.samples}, each (order rotating; one unmeasured warm-up of each first): MergeBranchesByThreeWay into \`d-s-NNN\` (LINE_LEVEL) and into \`d-f-NNN\` (no conflictDetailLevel: FILE_LEVEL; these destinations share no file with the pull request); \`git merge-tree --write-tree\` of \`d-g-NNN\` and \`pr\` by commit id; the raw pipeline on \`d-p-NNN\`; GetMergeOptions of \`pr\` into \`d-o-NNN\` and CreateUnreferencedMergeCommit of \`pr\` and \`d-u-NNN\` (both LINE_LEVEL); GetBranch main |`);
    L.push(`| goal 2 pair | (calls with conflictDetailLevel FILE_LEVEL, CodeCommit's default; the conflict set is the same at LINE_LEVEL here) \`conflict-src\` and \`conflict-dst\`: both edit line ${LINES.conflict + 1} of the same ${n0(scale.conflicts)} files, differently, and ${scale.conflictApart} files of their own; ${scale.conflictSamples} samples of each call, order rotating, after one unmeasured call of each |`);
    L.push(`| goal 3 pair | \`div-src\` and \`div-dst\`: ${n0(scale.divergence)} commits each on main's tip, each commit editing one of ${scale.divergenceFiles} files of its side (disjoint sides); ${scale.divergenceMerges} merges (no conflictDetailLevel: FILE_LEVEL, as every call of this goal) into copies \`div-dst-N\` |`);
  } else L.push(`| setup | ${failed(setup)} |`);
  L.push('');

  // ------------------------------------------------------------------ goal 1
  L.push(`## Goal 1 — MergeBranchesByThreeWay within ${GOAL1_RATIO}× \`git merge-tree --write-tree\``, '');
  if (ok(g1)) {
    L.push('| call | n | min | p50 | p90 | max | mean |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const [k, label] of [['merge', 'MergeBranchesByThreeWay, LINE_LEVEL (SDK)'], ['mergeFileLevel', 'MergeBranchesByThreeWay, default FILE_LEVEL (SDK)'], ['mergeTree', '`git merge-tree --write-tree` (spawned)'], ['pipeline', 'raw pipeline: `git merge-base --all`, `merge-tree --write-tree`, `commit-tree` (spawned in turn)'], ['options', 'GetMergeOptions, LINE_LEVEL (SDK)'], ['unreferenced', 'CreateUnreferencedMergeCommit, LINE_LEVEL (SDK)'], ['getBranch', 'GetBranch (SDK)']]) {
      const s = g1[k];
      L.push(`| ${label} | ${s.n} | ${ms(s.min)} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.max)} | ${ms(s.mean)} |`);
    }
    L.push('', `Unmeasured warm-up calls: MergeBranchesByThreeWay ${ms(g1.warmUp?.merge)} (FILE_LEVEL ${ms(g1.warmUp?.mergeFileLevel)}), git merge-tree ${ms(g1.warmUp?.mergeTree)}, GetMergeOptions ${ms(g1.warmUp?.options)}, raw pipeline ${ms(g1.warmUp?.pipeline)}, CreateUnreferencedMergeCommit ${ms(g1.warmUp?.unreferenced)}.`);
    L.push(`Errors: ${Object.entries(g1.errors).map(([k, v]) => `${k} ${v}`).join(', ')}${g1.errorMessages?.length ? ` — ${g1.errorMessages.join('; ')}` : ''}.`, '');
    L.push(`CPU ms per call by stack process (net of its idle background; git children a service ran count to it); the raw merge-tree used ${g1.rawCpuMsPerCall.toFixed(1)} ms CPU per run, the raw pipeline ${g1.pipelineCpuMsPerCall?.toFixed(1)} ms:`, '');
    L.push(...cpuHeader());
    L.push(cpuRow('MergeBranchesByThreeWay, LINE_LEVEL', g1.cpuMsPerCall.merge), cpuRow('MergeBranchesByThreeWay, default FILE_LEVEL', g1.cpuMsPerCall.mergeFileLevel), cpuRow('GetMergeOptions', g1.cpuMsPerCall.options), cpuRow('CreateUnreferencedMergeCommit', g1.cpuMsPerCall.unreferenced), cpuRow('GetBranch', g1.cpuMsPerCall.getBranch), '');
  } else L.push(failed(g1), '');

  // ------------------------------------------------------------------ goal 2
  L.push(`## Goal 2 — conflict calls with ${n0(scale.conflicts)} conflicting files, p50 under ${ms(GOAL2_LIMIT_MS)}`, '');
  if (ok(g2)) {
    L.push('| call | n | min | p50 | p90 | max | verdict |', '|---|---:|---:|---:|---:|---:|---|');
    for (const o of Object.values(g2.ops)) {
      if (o.listing) {
        L.push(`| ${o.label}: each call | ${o.perCall.n} | ${ms(o.perCall.min)} | ${ms(o.perCall.p50)} | ${ms(o.perCall.p90)} | ${ms(o.perCall.max)} | ${verdict(o.met)} |`);
        L.push(`| ${o.label}: the whole listing | ${o.n} | ${ms(o.min)} | ${ms(o.p50)} | ${ms(o.p90)} | ${ms(o.max)} | ${o.listingUnderLimit ? 'under' : 'over'} ${ms(GOAL2_LIMIT_MS)} |`);
      } else L.push(`| ${o.label} | ${o.n} | ${ms(o.min)} | ${ms(o.p50)} | ${ms(o.p90)} | ${ms(o.max)} | ${o.raw ? 'context' : verdict(o.met)} |`);
    }
    L.push('', `The first (cold) GetMergeConflicts call took ${ms(g2.coldFirstCallMs)}; \`git merge-tree --name-only\` right after it ${ms(g2.coldMergeTreeMs)}. git reports ${g2.gitConflicted} conflicted files; the default-page listing took ${g2.defaultPageListing?.calls} calls for ${g2.defaultPageListing?.files} files.`);
    if (g2.errorMessages?.length) L.push(`Errors: ${g2.errorMessages.join('; ')}`);
    L.push('', 'CPU ms per call by stack process:', '');
    L.push(...cpuHeader());
    for (const o of Object.values(g2.ops)) if (!o.raw) L.push(cpuRow(o.label, o.cpuMsPerCall));
    L.push('');
  } else L.push(failed(g2), '');

  // ------------------------------------------------------------------ goal 3
  L.push(`## Goal 3 — ${n0(scale.divergence)} commits of divergence`, '');
  if (ok(g3)) {
    L.push(`Source ${n0(g3.sourceAhead)} and destination ${n0(g3.destinationAhead)} commits past their merge base.`, '');
    L.push('| call | n | min | p50 | max |', '|---|---:|---:|---:|---:|');
    for (const [k, label] of [['options', 'GetMergeOptions (SDK)'], ['conflicts', 'GetMergeConflicts (SDK; none expected)'], ['merge', 'MergeBranchesByThreeWay (SDK)'], ['mergeBase', '`git merge-base --all` (spawned)'], ['mergeTree', '`git merge-tree --write-tree` (spawned)']]) {
      const s = g3.calls[k];
      L.push(`| ${label} | ${s?.n ?? 0} | ${ms(s?.min)} | ${ms(s?.p50)} | ${ms(s?.max)} |`);
    }
    if (g3.errors?.length) L.push('', `Errors: ${g3.errors.join('; ')}`);
    L.push('');
  } else L.push(failed(g3), '');

  if (r.idleCpuMsPerSecond) L.push(`Idle stack CPU (ms per s, subtracted from the CPU figures): ${Object.entries(r.idleCpuMsPerSecond).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}.`, '');
  return L.join('\n');
}

const LINE_GAP = LINES.dest - LINES.pr;
