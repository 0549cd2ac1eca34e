// RESULTS.md for the CodeCommit API benchmark. Every verdict is computed from this run's
// unrounded figures; ratios print with two decimals and are never rounded in Cairn's favour.
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const ms = (v) => (isNum(v) ? (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`) : 'n/a');
const x = (r) => (isNum(r) ? `${r.toFixed(2)}×` : 'n/a');
const mb = (b) => (isNum(b) ? `${(b / 1e6).toFixed(1)} MB` : 'n/a');
const n0 = (v) => (isNum(v) ? Math.round(v).toLocaleString('en') : 'n/a');
const ok = (g) => g && !g.error;
const failed = (g) => (g?.error ? `failed: ${g.error.split('\n')[0]}` : 'not run (an earlier step failed or the time budget ran out)');
const verdict = (met) => (met ? '**met**' : '**not met**');
const LIMIT = 50;
const sec = (v) => (isNum(v) ? `${(v / 1000).toFixed(1)} s` : 'n/a');
const kb = (b) => (isNum(b) ? `${Math.round(b / 1024).toLocaleString('en')} KiB` : 'n/a');
const f1 = (v) => (isNum(v) ? v.toFixed(1) : 'n/a');
const pct = (r) => (isNum(r) ? `${(r * 100).toFixed(0)}%` : 'n/a');
const signedPct = (r) => (isNum(r) ? `${r >= 0 ? '+' : '−'}${Math.abs(r * 100).toFixed(0)}%` : 'n/a');

/** When (ms after the push returned) the settle wait first saw refs matching `pred`. */
const firstAt = (settle, pred) => settle?.timeline?.find(pred)?.atMs;

/** Whether git-storage had packed the branch refs itself when a listing started: all, partly, none. */
function autoPacked(state, branches) {
  const start = state?.start;
  if (!start || start.packedHeads === 0) return 'none';
  return start.looseHeads === 0 && start.packedHeads >= branches ? 'all' : 'partly';
}

/** A ListBranches state as the summary names it, with the ref files measured when it started. */
function branchStateLabel(br, state) {
  const st = br.states[state];
  if (state === 'packed') return `after an explicit \`git pack-refs --all\` (${n0(st.start?.looseHeads)} loose branch refs)`;
  const how = { all: 'git-storage had packed them all itself', partly: `git-storage had packed ${n0(st.start?.packedHeads)} of them itself`, none: 'git-storage had not packed them' }[autoPacked(st, br.setup.branches)];
  return `as pushed, as Cairn left it (${n0(st.start?.looseHeads)} loose branch refs when the listing started; ${how})`;
}

/** The processes that do most of an API call's work, for the CPU tables. */
const CPU_COLUMNS = ['git-protocol', 'api-gateway', 'policy', 'db-policy', 'repo-metadata', 'db-metadata', 'git-storage', 'db-events', 'audit', 'db-audit'];
/** The processes an API call waits for (the rest — event log, audit, metrics — work after it answered). */
const REQUEST_PATH = ['git-protocol', 'api-gateway', 'policy', 'db-policy', 'repo-metadata', 'db-metadata', 'git-storage'];
/** Where each call's CloudTrail record goes: the event log, the audit service and its database. */
const AUDIT_PATH = ['db-events', 'audit', 'db-audit'];
const cpuRow = (label, cpu, extra = '') => `| ${label} | ${CPU_COLUMNS.map((c) => (isNum(cpu?.[c]) ? cpu[c].toFixed(1) : 'n/a')).join(' | ')} | ${isNum(sumCpu(cpu)) ? sumCpu(cpu).toFixed(1) : 'n/a'} |${extra}`;
const sumCpu = (cpu) => (cpu ? Object.values(cpu).filter(isNum).reduce((a, b) => a + b, 0) : NaN);

export function renderReport({ results: r, machine: m, scale, quick }) {
  const L = [];
  const g1 = r.g1;
  const large = r.setupLarge;
  L.push('# Cairn CodeCommit API benchmarks — results', '');
  L.push(`Written by \`node bench/codecommit-api/run.mjs${quick ? ' --quick' : ''}\` on ${m.date}. **Scale measured: ${scale.name}**${quick ? ` — scaled down: the large repository has ${n0(large?.tipFiles)} files and ${n0(large?.commitCount)} commits (the goal asks for ≥ 50,000 and ≥ 10,000) and ${n0(scale.repositories)} repositories are listed (the goal asks for 10,000); run without \`--quick\` for the goal's scale` : ''}.`);
  L.push('Every ratio compares figures measured in this same run, on this machine, from the same client process; verdicts use the unrounded values.', '');
  if (r.timeout) L.push(`**${r.timeout}.**`, '');
  if (r.fatal) L.push(`**The run stopped early: ${r.fatal.split('\n')[0]}**`, '');

  // ------------------------------------------------------------------ machine
  L.push('## Machine', '', '| | |', '|---|---|');
  L.push(`| date | ${m.date} |`);
  L.push(`| code measured | ${m.code} |`);
  L.push(`| CPU | ${m.cpu} |`, `| memory | ${m.memory} |`, `| kernel | ${m.kernel} |`, `| Node | ${m.node} |`, `| git | ${m.git} |`, `| client | ${m.sdk} (default Node HTTP handler with keep-alive, maxAttempts 1 so no retry hides a failure) |`);
  L.push(`| peer (branch-push baseline only) | ${m.peerProblem ? `not available: ${m.peerProblem}` : 'apache2 (mpm_event + mod_cgid) running `git http-backend`, config bench/peer/httpd.conf'} |`);
  L.push(`| load average (1/5/15 min) | ${(m.loads ?? []).map((l) => `${l.phase}: ${l.load}`).join('; ')} |`);
  const cores = Number.parseInt(m.cpu, 10);
  const load1 = (m.loads ?? []).map((l) => Number.parseFloat(String(l.load))).filter(isNum);
  const busy = load1.filter((v) => v > cores).length;
  L.push(`| other work | ${m.otherStacks} other Cairn stack(s) were running when this run started. The machine (${cores} cores) is shared with other benchmark and test runs this run does not control: the 1-minute load average was above ${cores} at ${busy} of the ${load1.length} marks above (highest ${load1.length ? Math.max(...load1).toFixed(2) : 'n/a'}), this run's own work included, so absolute times are noisy. Cairn and raw git calls are interleaved one by one (alternating which goes first) so that noise hits both sides of each ratio alike. |`);
  L.push(`| run time | ${isNum(m.totalSeconds) ? (m.totalSeconds / 60).toFixed(1) : 'n/a'} min |`, '');

  // ------------------------------------------------------------------ scale
  L.push('## Scale', '', '| parameter | value |', '|---|---|');
  if (ok(large)) {
    L.push(`| large repository | ${n0(large.tipFiles)} files at the tip of main (${scale.repo.dirs} × ${scale.repo.subdirs} folders × ${scale.repo.filesPerDir} files of 20–60 lines, plus one file added every ${scale.repo.addEvery}th commit), ${n0(large.commitCount)} commits (each later commit edits ${scale.repo.editsPerCommit} files); ${n0(large.objects)} objects, ${mb(large.packBytes)} pack |`);
    L.push(`| generated | \`git fast-import\` from one generated stream in ${ms(large.generateMs)} |`);
    L.push(`| loaded into Cairn | ${large.method} in ${ms(large.pushMs)}; Cairn's storage copy: ${large.packs} pack(s), ${mb(large.storagePackBytes)}, ${large.loose} loose objects (not repacked) |`);
  } else L.push(`| large repository | ${failed(large)} |`);
  L.push(`| samples | ${scale.samples} per content variant (+5 warm-up), each one Cairn call and one raw git call; large GetDifferences: ${scale.bigDiffListings} full listings |`);
  L.push(`| repositories | ${n0(scale.repositories)} created with CreateRepository (plus \`large\` and \`branchy\`), ${scale.createConcurrency} in flight; each full listing walked ${scale.repoListings} times (by name) and ${Math.max(2, Math.ceil(scale.repoListings / 2))} times (by last-modified date) |`);
  L.push(`| branches | ${n0(scale.branches)} in one repository (one commit), created locally with \`git update-ref --stdin\` and pushed in one \`git push\`; each full listing walked ${scale.branchListings} times per state |`, '');

  // ------------------------------------------------------------------ summary
  L.push('## Summary', '', '| # | call | target | Cairn (AWS SDK) | baseline, same run | verdict |', '|---|---|---|---|---|---|');
  if (ok(g1)) {
    for (const [, v] of Object.entries(g1.variants)) {
      const gap = v.met ? '' : ` — ${x(v.ratio)}, ${x(v.ratio - 2)} over (${ms(v.cairn.p50 - 2 * v.raw.p50)} above 2 × raw)`;
      const perPage = v.listing ? `, one call (a page of 100 of ${n0(v.differences.p50)} differences)` : '';
      L.push(`| 1 | ${v.listing ? v.label.replace(', every page of the listing', '') : v.label}${perPage} | p50 ≤ 2× raw | p50 ${ms(v.cairn.p50)}, p99 ${ms(v.cairn.p99)} | ${v.rawLabel}: p50 ${ms(v.raw.p50)}, p99 ${ms(v.raw.p99)}; GetRepository right after: p50 ${ms(v.floor?.p50)} | ${verdict(v.met)}${v.listing && v.met ? ` per call (${x(v.ratio)}), but one call answers only a page of what the raw command prints — see the next row` : ''}${gap}${v.errors || v.mismatches ? ` (${v.errors} errors, ${v.mismatches} answers differing from git)` : ''} |`);
      if (v.listing) {
        const lmet = v.listingRatio <= 2;
        L.push(`| 1 | the same comparison, whole listing (every page with NextToken: the same answer the raw command prints) | p50 ≤ 2× raw | p50 ${ms(v.listing.p50)}, p99 ${ms(v.listing.p99)} (${v.listings} listings) | ${v.rawLabel}: p50 ${ms(v.raw.p50)} | ${verdict(lmet)}${lmet ? '' : ` — ${x(v.listingRatio)}, ${x(v.listingRatio - 2)} over (${ms(v.listing.p50 - 2 * v.raw.p50)} above 2 × raw)`} |`);
      }
    }
  } else L.push(`| 1 | GetFile / GetFolder / GetDifferences | p50 ≤ 2× raw | ${failed(g1)} | | not measured |`);
  const repos = r.g2repos;
  if (ok(repos)) {
    for (const [key, label] of [['byName', 'by name'], ['byDate', 'by lastModifiedDate, descending']]) {
      const w = repos[key];
      L.push(`| 2 | ListRepositories, ${n0(w.items)} repositories, ${label}: ${w.pagesPerListing} pages × ${w.listings} listings | every page p99 < ${LIMIT} ms | pages p50 ${ms(w.all.p50)}, p99 ${ms(w.all.p99)}; worst page position p99 ${ms(w.worst?.p99)} (page ${(w.worst?.page ?? 0) + 1}) | GetRepository (no listing): p50 ${ms(repos.floor.p50)}, p99 ${ms(repos.floor.p99)} | ${verdict(w.met)}${w.met ? ` — ${ms(LIMIT - w.worst?.p99)} of margin at the worst page position; slowest single page ${ms(w.all.max)}` : ` — ${w.pagesOver} of ${w.pagesTotal} pages ≥ ${LIMIT} ms; worst position p99 ${ms(w.worst?.p99 - LIMIT)} over`}${w.errors ? `; ${w.errors} listings failed` : ''} |`);
    }
  } else L.push(`| 2 | ListRepositories | every page p99 < ${LIMIT} ms | ${failed(repos)} | | not measured |`);
  const br = r.g2branches;
  if (ok(br)) {
    for (const [state, s] of Object.entries(br.states)) {
      const w = s.pages;
      L.push(`| 2 | ListBranches, ${n0(w.items)} branches, ${branchStateLabel(br, state)}: ${w.pagesPerListing} pages × ${w.listings} listings | every page p99 < ${LIMIT} ms | pages p50 ${ms(w.all.p50)}, p99 ${ms(w.all.p99)}; worst page position p99 ${ms(w.worst?.p99)} (page ${(w.worst?.page ?? 0) + 1}) | \`git for-each-ref\` of every branch: p50 ${ms(s.rawForEachRef.p50)}; GetBranch: p50 ${ms(s.getBranch.p50)} | ${verdict(s.met)}${s.met ? '' : ` — ${w.pagesOver} of ${w.pagesTotal} pages ≥ ${LIMIT} ms; worst position p99 ${ms(w.worst?.p99 - LIMIT)} over`}${w.errors ? `; ${w.errors} listings failed` : ''} |`);
    }
  } else L.push(`| 2 | ListBranches | every page p99 < ${LIMIT} ms | ${failed(br)} | | not measured |`);
  L.push('');

  // ------------------------------------------------------------------ goal 1
  L.push('## Goal 1 — GetFile, GetFolder, GetDifferences vs raw git', '');
  if (ok(g1)) {
    L.push(`Each sample is one call through Cairn (the AWS SDK v3 client: SigV4 signing, HTTP to git-protocol → api-gateway → policy (signature, authorization) → repo-metadata (name → id) → git-storage (git)) and the equivalent git command spawned from the same Node process on Cairn's own storage copy of the repository, same commit(s) and path, alternating which runs first. Commits are drawn at random from the whole history. Answers are compared (file bytes, entry counts, difference counts).`, '');
    L.push('| call | Cairn p50 | Cairn p99 | Cairn max | raw git | raw p50 | raw p99 | p50 ratio | GetRepository right after, p50 / p99 | errors | answers ≠ git |', '|---|---|---|---|---|---|---|---|---|---|---|');
    for (const v of Object.values(g1.variants)) L.push(`| ${v.label}${v.listing ? ', per page' : ''} | ${ms(v.cairn.p50)} | ${ms(v.cairn.p99)} | ${ms(v.cairn.max)} | ${v.rawLabel} | ${ms(v.raw.p50)} | ${ms(v.raw.p99)} | ${x(v.ratio)} | ${ms(v.floor?.p50)} / ${ms(v.floor?.p99)} | ${v.errors} | ${v.mismatches} |`);
    L.push(`| floor: GetRepository on the same repository (reads no content), ${g1.floor.n} calls before the variants | ${ms(g1.floor.p50)} | ${ms(g1.floor.p99)} | ${ms(g1.floor.max)} | — | | | | | | |`, '');
    L.push('GetRepository is the same API path without any content read (SigV4 verification, authorization, name lookup, the HTTP and gRPC hops): after each variant it is timed again (up to 100 calls) so every content call has a floor measured under the same machine conditions.', '');
    const big = Object.values(g1.variants).find((v) => v.listing);
    if (big) {
      L.push(`Large comparison (${big.span} commits apart, ${n0(big.differences.p50)} differences, default page of 100): page 1 p50 ${ms(big.firstPage.p50)}, last page (${big.lastPosition + 1}) p50 ${ms(big.lastPage.p50)}; the whole listing p50 ${ms(big.listing.p50)} (p99 ${ms(big.listing.p99)}) against one raw \`git diff --raw\` of everything at ${ms(big.raw.p50)}: ${x(big.listingRatio)}. Each page is a separate call that resolves both commits again, restarts \`git diff-tree\` from the beginning and skips the earlier pages' records; a listing of ${big.listing && big.lastPosition + 1} pages is that many calls, each paying the fixed API cost and a \`diff-tree\` run (git-storage CPU ${isNum(big.cpuMsPerCall?.['git-storage']) ? big.cpuMsPerCall['git-storage'].toFixed(1) : 'n/a'} ms per page, about what the raw command spends on the whole diff: ${isNum(big.rawCpuMsPerCall) ? big.rawCpuMsPerCall.toFixed(1) : 'n/a'} ms).`, '');
    }
    L.push('CPU per call, in ms, by process (utime+stime, plus reaped children — for git-storage that is the git processes it ran), over the measured calls, net of each process\'s idle background (with nothing asked of the stack, after setup: the lowest of three 5 s windows — ' + fmtCpu(r.idleCpuMsPerSecond) + ' ms per second); raw git: CPU of the spawned git per call:', '');
    L.push(`| call | ${CPU_COLUMNS.join(' | ')} | all stack processes | raw git |`, `|---|${CPU_COLUMNS.map(() => '---').join('|')}|---|---|`);
    L.push(cpuRow('GetRepository (floor)', g1.floor.cpuMsPerCall, ' — |'));
    for (const v of Object.values(g1.variants)) L.push(cpuRow(v.label + (v.listing ? ', per page' : ''), v.cpuMsPerCall, ` ${isNum(v.rawCpuMsPerCall) ? v.rawCpuMsPerCall.toFixed(1) : 'n/a'} |`));
    L.push('', 'CPU times come from /proc at 10 ms granularity summed over all samples; they are per-call averages, so small values are approximate.', '');
    const notMet = Object.values(g1.variants).filter((v) => !v.met);
    const bigV = Object.values(g1.variants).find((v) => v.listing);
    const listingMiss = bigV && !(bigV.listingRatio <= 2);
    if (notMet.length || listingMiss) {
      const small = Object.values(g1.variants).filter((v) => !v.listing);
      const gaps = notMet.map((v) => `${v.short}: ${x(v.ratio)} (${ms(v.cairn.p50)} against 2 × ${ms(v.raw.p50)})`);
      if (listingMiss) gaps.push(`GetDifferences ${bigV.span} apart, whole listing: ${x(bigV.listingRatio)} (${ms(bigV.listing.p50)} against 2 × ${ms(bigV.raw.p50)})`);
      L.push(`**Gap.** ${gaps.join('; ')} — target ≤ 2.00×.`, '');
      const rows = small.map((v) => {
        const budget = v.raw.p50; // what 2× allows Cairn to add
        const added = v.cairn.p50 - v.raw.p50;
        return `| ${v.short} | ${ms(v.raw.p50)} | ${ms(budget)} | ${ms(v.cairn.p50)} | ${ms(added)} | ${ms(v.floor?.p50)} | ${ms(v.cairn.p50 - (v.floor?.p50 ?? NaN))} | ${isNum(sumCpu(v.cpuMsPerCall)) ? sumCpu(v.cpuMsPerCall).toFixed(1) : 'n/a'} | ${isNum(v.cpuMsPerCall?.['git-storage']) ? v.cpuMsPerCall['git-storage'].toFixed(1) : 'n/a'} | ${isNum(v.rawCpuMsPerCall) ? v.rawCpuMsPerCall.toFixed(1) : 'n/a'} |`;
      });
      L.push('Where the time goes (p50s of this run; "budget" is what 2× lets Cairn add on top of the raw command):', '');
      L.push('| call | raw git p50 | budget | Cairn p50 | Cairn adds (Cairn − raw) | fixed API path (GetRepository p50) | content part (Cairn − GetRepository) | stack CPU per call (ms) | git-storage CPU per call, with its git (ms) | raw git CPU per call (ms) |', '|---|---|---|---|---|---|---|---|---|---|');
      L.push(...rows, '');
      const fc = g1.floor.cpuMsPerCall ?? {};
      const floorP50 = g1.floor.p50;
      const over = small.filter((v) => v.floor.p50 > v.raw.p50);
      const overText = over.length === small.length ? 'is by itself more than the whole budget' : over.length > 0 ? 'is about the whole budget' : 'takes a large part of the budget';
      const reqCpu = sumCpu(Object.fromEntries(REQUEST_PATH.map((k) => [k, fc[k]])));
      const offCpu = sumCpu(Object.fromEntries(Object.entries(fc).filter(([k]) => !REQUEST_PATH.includes(k))));
      const auditCpu = sumCpu(Object.fromEntries(AUDIT_PATH.map((k) => [k, fc[k]])));
      const reqShare = reqCpu / floorP50;
      const rawMin = Math.min(...small.map((v) => v.raw.p50));
      const rawMax = Math.max(...small.map((v) => v.raw.p50));
      L.push(`**Likely cause.** The fixed cost of an API call ${overText}: GetRepository, which reads no repository content, has a p50 of ${ms(Math.min(...small.map((v) => v.floor.p50)))}–${ms(Math.max(...small.map((v) => v.floor.p50)))} across the variants, ${x(Math.min(...small.map((v) => v.floor.p50 / v.raw.p50)))}–${x(Math.max(...small.map((v) => v.floor.p50 / v.raw.p50)))} of a variant's budget (over it for ${over.length} of ${small.length} variants). Every call goes client → git-protocol (HTTP) → api-gateway (HTTP) → policy \`VerifySignature\` (gRPC; the account, the access key and its user read from policy's PGlite, SigV4 recomputed) → policy \`Authorize\` (gRPC; answered in memory from the principal's compiled policies, which policy remembers for up to a second) → repo-metadata (gRPC; name → id from its PGlite), and for content calls on to git-storage (gRPC): four Node processes and queries on two PGlite servers before any content is read; across calls only the principal's policies, the account id and (when a policy reads them) resource tags are remembered. After answering, api-gateway publishes a CloudTrail record of the call to the event log (db-events), which the audit service stores (db-audit): off the request path, but on the same two cores. Measured on the ${g1.floor.n} GetRepository calls, net of idle background: ${f1(reqCpu)} ms of CPU per call in the request path (${fmtCpu(Object.fromEntries(REQUEST_PATH.map((k) => [k, fc[k]])))}) against a p50 of ${ms(floorP50)}${isNum(reqShare) ? (reqShare >= 0.6 ? ` — ${pct(reqShare)} of it, so most of the time is CPU work in those processes rather than waiting on I/O` : ` — ${pct(reqShare)} of the wall time; the rest is waiting (hand-offs between processes, scheduling on this shared 2-core machine)`) : ''}; and ${f1(offCpu)} ms per call outside it (${fmtCpu(Object.fromEntries(Object.entries(fc).filter(([k]) => !REQUEST_PATH.includes(k))))}), ${f1(auditCpu)} ms of it the audit record's path (db-events, audit, db-audit)${auditCpu >= 1 ? ', which competes with the next calls for the same two cores' : ''}. The content part on top (Cairn − GetRepository) is in git-storage, which spends ${small.map((v) => `${v.short} ${f1(v.cpuMsPerCall?.['git-storage'])}`).join(', ')} ms of CPU per call (with its git processes) where the raw command needs ${small.map((v) => f1(v.rawCpuMsPerCall)).join(', ')} ms: every call starts its own \`git cat-file --batch\` session (and \`git diff-tree\` for comparisons) from a large Node process and walks the path tree by tree through it. To get within 2×, Cairn may add only about the raw command's own time (${ms(rawMin)}–${ms(rawMax)} at p50 here) per call; that needs the per-call overhead cut, not tuned: e.g. short-lived caches of the verified signing key (the account, key and user are read on every call) and of the name → id mapping (invalidated by events), one fewer HTTP hop, and a long-lived \`cat-file --batch\` per repository in git-storage instead of a spawn per call. A large comparison pays the per-call cost once per page of 100: its whole listing took ${ms(Object.values(g1.variants).find((v) => v.listing)?.listing.p50)} p50 where one raw \`git diff\` took ${ms(Object.values(g1.variants).find((v) => v.listing)?.raw.p50)}.`, '');
    }
  } else L.push(failed(g1), '');

  // ------------------------------------------------------------------ goal 2
  L.push('## Goal 2 — ListRepositories and ListBranches at 10,000', '');
  const cr = r.createRepos;
  if (ok(cr)) {
    L.push(`**Creating the repositories.** ${n0(cr.n)} CreateRepository calls through the SDK, ${cr.concurrency} in flight: ${ms(cr.wallMs)} (${cr.perSecond.toFixed(1)} creates/s); per call p50 ${ms(cr.latency.p50)}, p99 ${ms(cr.latency.p99)}, max ${ms(cr.latency.max)}; ${cr.failed} failed${cr.failed ? ` (${cr.errorMessages.join('; ')}; ${cr.retriedOk} succeeded when retried alone)` : ''}. The stack ran with CAIRN_MAX_REPOSITORIES=${n0(scale.repositories + 1000)} (the default quota is 1,000 per account).`, '');
  } else L.push(`Creating the repositories: ${failed(cr)}`, '');
  if (ok(repos)) {
    L.push('### ListRepositories', '');
    L.push(`Page size is Cairn's (1,000 repositories per page, as CodeCommit). Every page of every listing is timed; "per position" groups the same page across listings, and its p99 (nearest rank over ${repos.byName.listings} listings) is what must stay under ${LIMIT} ms.`, '');
    L.push('| page | n | p50 | p99 | max |', '|---|---|---|---|---|');
    for (const p of repos.byName.positions) L.push(`| ${p.page + 1} | ${p.n} | ${ms(p.p50)} | ${ms(p.p99)} | ${ms(p.max)} |`);
    L.push(`| all pages, by name | ${repos.byName.all.n} | ${ms(repos.byName.all.p50)} | ${ms(repos.byName.all.p99)} | ${ms(repos.byName.all.max)} |`);
    L.push(`| all pages, by lastModifiedDate descending | ${repos.byDate.all.n} | ${ms(repos.byDate.all.p50)} | ${ms(repos.byDate.all.p99)} | ${ms(repos.byDate.all.max)} |`);
    L.push(`| whole listing, by name | ${repos.byName.listing.n} | ${ms(repos.byName.listing.p50)} | ${ms(repos.byName.listing.p99)} | ${ms(repos.byName.listing.max)} |`);
    L.push(`| baseline: GetRepository | ${repos.floor.n} | ${ms(repos.floor.p50)} | ${ms(repos.floor.p99)} | ${ms(repos.floor.max)} |`, '');
    L.push(`CPU per page (ms): ${fmtCpu(repos.byName.cpuMsPerPage)}.`, '');
    for (const [key, label] of [['byName', 'by name'], ['byDate', 'by date']]) {
      const w = repos[key];
      if (!w.met) {
        const firstP50 = w.positions[0]?.p50;
        const lastP50 = w.positions[w.positions.length - 1]?.p50;
        const loadHere = (m.loads ?? []).find((l) => l.phase === 'before g2repos')?.load;
        const grows = isNum(lastP50) && isNum(firstP50) && w.positions.length > 2 && w.positions[w.positions.length - 2].p50 > firstP50 * 1.3;
        L.push(`**Gap (${label}).** ${w.pagesOver} of ${w.pagesTotal} pages took ≥ ${LIMIT} ms; the worst page position's p99 is ${ms(w.worst?.p99)} (${ms(w.worst?.p99 - LIMIT)} over); across all pages p50 ${ms(w.all.p50)}, p99 ${ms(w.all.p99)}, max ${ms(w.all.max)}. Page p50 is ${x(w.all.p50 / repos.floor.p50)} the GetRepository floor (${ms(repos.floor.p50)}); ${grows ? `pages get slower further into the listing (page 1 p50 ${ms(firstP50)}, page ${w.positions.length - 1} p50 ${ms(w.positions[w.positions.length - 2].p50)}: OFFSET pagination scans and discards the earlier rows)` : `page cost does not grow with position (page 1 p50 ${ms(firstP50)}, page ${w.positions.length - 1} p50 ${ms(w.positions[w.positions.length - 2]?.p50)})`}. Likely cause: a page costs ${sumCpu(w.cpuMsPerPage ?? repos.byName.cpuMsPerPage).toFixed(1)} ms of CPU spread over ${Object.values(w.cpuMsPerPage ?? repos.byName.cpuMsPerPage).filter((v) => v >= 0.05).length} processes (${fmtCpu(w.cpuMsPerPage ?? repos.byName.cpuMsPerPage)}): the SQL page (ORDER BY ${key === 'byName' ? 'repositoryName' : 'lastModifiedDate'}, repositoryId, OFFSET/LIMIT) on repo-metadata's single PGlite connection, 1,000 entries through gRPC and JSON, plus the per-call signature and authorization work. The typical page has ~${ms(LIMIT - w.all.p50)} of headroom, and on this shared 2-core machine (load ${loadHere ?? 'n/a'} when this step began) the slowest pages use it up${w.pagesOver <= Math.max(1, 0.02 * w.pagesTotal) ? `; the ${w.pagesOver} slow page(s) out of ${w.pagesTotal} are tail outliers, not a cost of a particular page` : ''}. Cutting the per-call fixed cost (as for goal 1) widens the margin.`, '');
      }
    }
  } else L.push(`ListRepositories: ${failed(repos)}`, '');

  if (ok(br)) {
    const s = br.setup;
    L.push('### ListBranches', '');
    const b = s.baselines ?? {};
    const bl = (k, label) => (b[k]?.ms ? `${label} ${ms(b[k].ms)} (client CPU ${ms(b[k].clientCpuMs)}; Cairn ${x(s.pushMs / b[k].ms)} of it)` : `${label}: ${b[k]?.error ?? 'not measured'}`);
    L.push(`**Pushing the branches.** ${n0(s.branches)} new branches (all at one commit, so almost no objects) in one push: ${s.method}, ${ms(s.pushMs)}; the client's git used ${ms(s.clientCpuMs)} of CPU and the stack ${ms(sumCpu(s.stackCpuMs))} (in s: ${fmtCpu(Object.fromEntries(Object.entries(s.stackCpuMs ?? {}).map(([k, v]) => [k, v / 1000])), 1)}). The same push with the same client into: ${bl('file', 'a plain local bare repository (file://)')}; ${bl('fileWithCairnHooks', `a local bare repository with Cairn's hooks directory (core.hooksPath=${s.hooksPath || 'unset'}) and receive.fsckObjects=${s.fsck || 'unset'} (file://)`)}; ${bl('peer', 'the peer, git http-backend behind apache2 (bench/lib/peer.mjs, no hooks)')}. The issue sets no number for this push; it is reported because it is how the branches got there and what a migration with many branches meets.${s.pushError ? ` HTTP push error: ${s.pushError}.` : ''}`, '');
    L.push('For file:// pushes the client CPU includes the receiving side (git runs receive-pack, and the hooks, as its own child); against the peer and Cairn it is the client alone.', '');
    if (b.fileWithCairnHooks?.ms && b.file?.ms && b.fileWithCairnHooks.ms > 3 * b.file.ms) {
      const authCpu = ms((s.stackCpuMs?.policy ?? 0) + (s.stackCpuMs?.['db-policy'] ?? 0));
      const authPath = `the ${n0(s.branches)} refs' authorization questions, sent to policy in AuthorizeMany calls — policy and its database used ${authCpu} of CPU`;
      const pushRest = (explained) => {
        const rest = s.pushMs - explained;
        if (rest > 0.05 * s.pushMs) return `Peer time + hook cost = ${ms(explained)} of Cairn's ${ms(s.pushMs)}; the remaining ${ms(rest)} is Cairn's own path (${authPath} — the two Node hops, and contention between all of it on 2 cores).`;
        return `Peer time + hook cost = ${ms(explained)}, ${rest < 0 ? `${ms(-rest)} more than` : `within ${ms(rest)} of`} Cairn's ${ms(s.pushMs)}: git's own cost of this many refs over HTTP plus the hook account for the whole push through Cairn, and Cairn's own path (${authPath}; the two Node hops) adds no measurable time on top in this run.`;
      };
      const hookCost = b.fileWithCairnHooks.ms - b.file.ms;
      const explained = (b.peer?.ms ?? NaN) + hookCost;
      L.push(`Cairn's \`reference-transaction\` hook (a shell script) is the largest server-side cost: receive-pack updates each ref of a non-atomic push in its own transaction, so the hook runs twice per ref (prepared, committed) — about ${n0(2 * s.branches)} \`sh\` processes, each also running \`cat\`, for ${n0(s.branches)} refs — the local push with that hook takes ${x(b.fileWithCairnHooks.ms / b.file.ms)} the plain one (+${ms(hookCost)}, as much as ${pct(hookCost / s.pushMs)} of the push through Cairn). ${b.peer?.ms ? `Over HTTP, git itself is slow with this many refs: against the peer (no hooks) the push takes ${ms(b.peer.ms)} and the client alone uses ${ms(b.peer.clientCpuMs)} of CPU (through Cairn ${ms(s.clientCpuMs)}). ${pushRest(explained)}` : ''} Fix on Cairn's side: a hook that does not fork per ref transaction (or recording committed updates without a hook for pushes, e.g. from receive-pack's report), which matters for any push of many refs.`, '');
    }
    const ap = br.states.asPushed;
    const pk = br.states.packed;
    const st = br.settle;
    const after = s.afterPush ?? {};
    L.push(`Page size is Cairn's (100 branches per page, as CodeCommit). git-storage packs a repository's references itself: its RefPacker runs \`git pack-refs --all\` (hooks off) after every 128 reference changes, in the background once the journal relay has published the changes' \`references.updated\` event. Right after the push returned, the storage repository had ${n0(after.looseHeads)} loose and ${n0(after.packedHeads)} packed branch refs, and ${n0((after.journalPending ?? 0) + (after.journalReady ?? 0))} push(es) in git-storage's journal waiting to be published.`, '');
    if (st) {
      const journalEmptyAt = firstAt(st, (e) => e.journalPending + e.journalReady === 0);
      const packedAt = firstAt(st, (e) => e.packedHeads > 0);
      const looseGoneAt = firstAt(st, (e) => e.looseHeads === 0);
      const at = (t) => (t === st.timeline[0]?.atMs ? 'already at the first look' : `by ${sec(t)}`);
      const seen = [
        isNum(journalEmptyAt) ? `the journal was empty (the event published) ${at(journalEmptyAt)}` : 'the journal never emptied',
        isNum(packedAt) ? `packed-refs held branch refs ${at(packedAt)}` : 'no branch ref was packed',
        isNum(looseGoneAt) ? `the last loose branch ref was gone ${at(looseGoneAt)}` : `${n0(st.final.looseHeads)} loose branch refs were still there at the end of the wait`,
      ];
      L.push(`Before listing "as pushed", the bench waited for the push's changes to settle — git-storage's journal empty, no packing under way (packed-refs.lock), the ref files unchanged for ${sec(st.stableMs)}, and the stack's CPU, net of its idle background, under ${n0(st.quietCpuMs)} ms in the last second — for at most ${sec(st.maxMs)}, polling the storage repository every 250 ms: ${st.settled ? `settled after ${sec(st.waitedMs)}` : `**not settled** after ${sec(st.waitedMs)}, and the listing started anyway`} (stack CPU in the last second: ${n0(st.cpuLastSecondMs)} ms). Seen while waiting (times after the push returned): ${seen.join('; ')}.`, '');
    }
    if (ap) {
      const auto = autoPacked(ap, s.branches);
      const autoText = {
        all: `automatic packing had happened — git-storage had packed all ${n0(s.branches)} branch refs itself before the listing started, so "as pushed" is a packed repository`,
        partly: `automatic packing had happened only in part (${n0(ap.start.packedHeads)} branch refs in packed-refs, ${n0(ap.start.looseHeads)} still loose)`,
        none: 'automatic packing had not happened: the branch refs were loose, as receive-pack wrote them',
      }[auto];
      const changed = ap.end && (ap.end.looseHeads !== ap.start.looseHeads || ap.end.packedHeads !== ap.start.packedHeads);
      L.push(`When the "as pushed" listing started there were ${n0(ap.start.looseHeads)} loose and ${n0(ap.start.packedHeads)} packed branch refs (when its last listing ended: ${n0(ap.end?.looseHeads)} and ${n0(ap.end?.packedHeads)}): ${autoText}.${changed ? ' The ref files changed while it was listed, so its pages mix states.' : ''}`, '');
    }
    if (pk) {
      const sameState = ap && ap.start.looseHeads === pk.start.looseHeads && ap.start.packedHeads === pk.start.packedHeads;
      const d = ap ? (pk.pages.all.p50 - ap.pages.all.p50) / ap.pages.all.p50 : NaN;
      L.push(`The comparison is the same repository after an explicit \`git -c core.hooksPath=/dev/null pack-refs --all\` in storage, as RefPacker runs it (${ms(pk.packRefsMs)}), which left ${n0(pk.start.looseHeads)} loose and ${n0(pk.start.packedHeads)} packed branch refs. ${sameState ? `That is how the refs already were, so the two rows measure the same state twice: page p50 ${ms(ap.pages.all.p50)} and ${ms(pk.pages.all.p50)} (${signedPct(d)}), worst position p99 ${ms(ap.pages.worst?.p99)} and ${ms(pk.pages.worst?.p99)}; whatever differs between them comes from when each ran (this shared machine's load, the stack's background work), not from how the refs are kept.` : ap ? `Packing took the loose branch refs from ${n0(ap.start.looseHeads)} to ${n0(pk.start.looseHeads)}: page p50 ${ms(ap.pages.all.p50)} → ${ms(pk.pages.all.p50)} (${signedPct(d)}), raw \`for-each-ref\` of every branch p50 ${ms(ap.rawForEachRef.p50)} → ${ms(pk.rawForEachRef.p50)}, GetBranch p50 ${ms(ap.getBranch.p50)} → ${ms(pk.getBranch.p50)}.` : ''}`, '');
    }
    L.push('| state | branch refs loose / packed at the start (at the end) | pages | page p50 | page p99 | worst position p99 | pages ≥ 50 ms | page 1 p50 | last page p50 | whole listing p50 | `git for-each-ref` (every branch) p50 / p99, CPU per run | GetBranch p50 / p99 |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const [state, st2] of Object.entries(br.states)) {
      const w = st2.pages;
      const first = w.positions[0];
      const last = w.positions[w.positions.length - 1];
      L.push(`| ${state === 'asPushed' ? 'as pushed (as Cairn left it)' : 'after explicit `pack-refs --all`'} | ${n0(st2.start?.looseHeads)} / ${n0(st2.start?.packedHeads)} (${n0(st2.end?.looseHeads)} / ${n0(st2.end?.packedHeads)}) | ${w.pagesTotal} (${w.pagesPerListing} × ${w.listings}) | ${ms(w.all.p50)} | ${ms(w.all.p99)} | ${ms(w.worst?.p99)} (page ${(w.worst?.page ?? 0) + 1}) | ${w.pagesOver} | ${ms(first?.p50)} | ${ms(last?.p50)} | ${ms(w.listing.p50)} | ${ms(st2.rawForEachRef.p50)} / ${ms(st2.rawForEachRef.p99)}, ${f1(st2.rawForEachRef.cpuMsPerCall)} ms | ${ms(st2.getBranch.p50)} / ${ms(st2.getBranch.p99)} |`);
    }
    L.push('');
    for (const [state, st2] of Object.entries(br.states)) {
      L.push(`CPU per page, ${state === 'asPushed' ? 'as pushed' : 'after explicit pack-refs'} (ms): ${fmtCpu(st2.pages.cpuMsPerPage)}. CPU per GetBranch (ms): ${fmtCpu(st2.getBranch.cpuMsPerCall)}.`, '');
    }
    const bad = Object.entries(br.states).filter(([, st2]) => !st2.met);
    if (bad.length) {
      L.push(`**Gap.** ${bad.map(([state, st2]) => `${state === 'asPushed' ? 'as pushed' : 'after explicit pack-refs'}: page p99 ${ms(st2.pages.all.p99)}, worst position p99 ${ms(st2.pages.worst?.p99)} (${ms(st2.pages.worst?.p99 - LIMIT)} over the ${LIMIT} ms limit), ${st2.pages.pagesOver} of ${st2.pages.pagesTotal} pages ≥ ${LIMIT} ms`).join('; ')}.`, '');
      const [mainState, main] = bad[0];
      const pages = main.pages;
      const gb = main.getBranch;
      const fer = main.rawForEachRef;
      const gsPage = pages.cpuMsPerPage?.['git-storage'];
      const gsGet = gb.cpuMsPerCall?.['git-storage'];
      const rmPage = pages.cpuMsPerPage?.['repo-metadata'];
      const rmGet = gb.cpuMsPerCall?.['repo-metadata'];
      const extra = pages.all.p50 - gb.p50;
      const first = pages.positions[0];
      const last = pages.positions[pages.positions.length - 1];
      const lastGrows = isNum(last?.p50) && isNum(first?.p50) && last.p50 > first.p50 * 1.2;
      const rmLikeGet = isNum(rmPage) && isNum(rmGet) && rmPage <= rmGet * 1.5 + 1;
      L.push(`**Likely cause** (${mainState === 'asPushed' ? 'as pushed' : 'after explicit pack-refs'}, ${n0(main.start?.looseHeads)} loose branch refs). Every page still makes git list every branch. A page goes api-gateway → repo-metadata (name → id from its PGlite) → git-storage \`ListRefs\` with start_after and a limit of 101: git-storage spawns \`git for-each-ref\` of all ${n0(s.branches)} refs under refs/heads/ (git 2.39's for-each-ref cannot start after a name), reads its whole output (${kb(fer.outputBytes)}${main.start?.looseHeads > 0 ? `; with ${n0(main.start.looseHeads)} loose branch refs git also opens a file per loose ref` : '; from packed-refs alone, no loose ref files'}), finds the first name after the token and keeps 101; only those cross gRPC, and HEAD is read from its file. GetBranch takes the same path but lists one ref: p50 ${ms(gb.p50)} against a page p50 of ${ms(pages.all.p50)}, so listing every branch instead of one adds ${ms(extra)} per page at p50 (${pct(extra / pages.all.p50)} of the page). git-storage uses ${f1(gsPage)} ms of CPU per page (with its git) against ${f1(gsGet)} ms per GetBranch; the same \`for-each-ref\` of every branch spawned from the bench process costs ${f1(fer.cpuMsPerCall)} ms of CPU per run (p50 ${ms(fer.p50)}), ${isNum(gsPage) && isNum(fer.cpuMsPerCall) ? `so ${f1(Math.max(0, gsPage - gsGet - fer.cpuMsPerCall))} ms per page beyond the git run and a GetBranch's work is git-storage's own (reading and splitting the whole output, finding the token's place)` : ''}. repo-metadata uses ${f1(rmPage)} ms per page against ${f1(rmGet)} ms per GetBranch${rmLikeGet ? ': with only a page crossing gRPC it no longer decodes and filters the whole listing' : ': more than for one ref'}. Pages further into the listing ${lastGrows ? 'cost more' : 'cost about the same'} (page 1 p50 ${ms(first?.p50)}, page ${last ? last.page + 1 : 'n/a'} p50 ${ms(last?.p50)})${lastGrows ? ': finding the token\'s place scans the listing\'s lines from the start' : ''}. A listing of ${pages.pagesPerListing} pages therefore has git list ${n0(pages.pagesPerListing * s.branches)} refs to return ${n0(s.branches)} (whole listing p50 ${ms(pages.listing.p50)}). The rest of a page is the fixed cost of an API call that reaches git-storage: GetBranch alone has a p99 of ${ms(gb.p99)}${gb.p99 >= LIMIT ? `, over the ${LIMIT} ms limit by itself` : `, ${ms(LIMIT - gb.p99)} under the limit`}. Fix: stop listing every branch per page — e.g. read packed-refs (sorted) from the token's place and merge the few loose refs RefPacker leaves between packings (fewer than 128 changes' worth), or keep a sorted branch index per repository refreshed on each reference change${gb.p99 >= LIMIT * 0.6 ? `; and, since GetBranch alone takes ${ms(gb.p99)} at p99, cut the per-call fixed cost as for goal 1` : ''}.`, '');
    }
  } else L.push(`ListBranches: ${failed(br)}`, '');

  // ------------------------------------------------------------------ method
  L.push('## Method', '');
  L.push('- `node bench/codecommit-api/run.mjs` builds (`npx tsc -b tsconfig.build.json`), starts the real all-in-one stack from built code (services/supervisor/dist/main.js via bench/lib/cairn.mjs, as e2e/support/stack.ts does) in a temp data dir on free 127.0.0.1 ports, with CAIRN_MAX_REPOSITORIES raised, and reads admin-credentials.json. All calls use one `CodeCommitClient` from @aws-sdk/client-codecommit with the admin access key, one call at a time (no concurrency except CreateRepository).');
  L.push('- The large repository is generated with one `git fast-import` stream (bench/codecommit-api/lib/bigrepo.mjs, seeded), pushed once with `git push` over HTTP into a repository made with CreateRepository. The raw commands run on Cairn\'s own storage copy: `<dataDir>/storage/zone-a/repositories/<id[0..2]>/<id>.git`, `id` from GetRepository. The raw commands are spawned per call from the benchmark process (`child_process.spawn`, pipes, output collected), as git-storage spawns git, with no user or system git configuration. `git diff` gets `--no-renames` because GetDifferences does no rename detection (the history has no deletions, so it would find none anyway).');
  L.push('- Goal 1 variants: GetFile of a random original file at a random commit; GetFolder of the root, of a top folder, of a leaf folder; GetDifferences between a commit and its parent, between commits 25 apart (one page, checked: no NextToken), and between commits ' + (g1?.variants ? (Object.values(g1.variants).find((v) => v.listing)?.span ?? scale.bigDiffSpan) : scale.bigDiffSpan) + ' apart walked page by page with NextToken (every page a sample). Verdict: Cairn p50 ÷ raw p50 ≤ 2.00.');
  L.push(`- Goal 2: each listing is walked to the end with nextToken; every page is a sample. Verdict: for every page position, the p99 (nearest rank) over the repeated listings is under ${LIMIT} ms — with few listings that p99 is the slowest observation of that page. Repositories are created with CreateRepository (${scale.createConcurrency} in flight) before listing. Branches are pushed by one \`git push\` of \`refs/heads/*\` and listed as Cairn leaves them after the push — once the push's changes have settled (git-storage's journal empty, no packing under way, the ref files unchanged for 2 s, the stack's CPU quiet for a second; at most 60 s) — then after an explicit \`git -c core.hooksPath=/dev/null pack-refs --all\` in storage. Loose branch refs (files under refs/heads/) and packed ones (lines of packed-refs) are counted in the storage repository when each state's listing starts and ends.`);
  L.push(`- CPU per call: utime+stime+cutime+cstime from /proc/<pid>/stat of every process the supervisor started (services and the ${n0(Object.keys(r.idleCpuMsPerSecond ?? {}).filter((k) => k.startsWith('db-')).length)} PGlite servers), read before and after each variant; the raw commands' CPU is this process's cutime+cstime over the variant.`);
  L.push(`- Every step is bounded in time (git commands 60 s–15 min, SDK requests 60 s, the whole run ${scale.budgetMinutes} min, after which it stops and reports what it measured). The temp dir is removed at the end unless \`--keep\`.`, '');

  L.push('## Not measured, and why', '');
  const notes = [];
  if (quick) notes.push(`The goal's scale: this was a \`--quick\` run (${n0(large?.tipFiles)} files / ${n0(large?.commitCount)} commits; ${n0(scale.repositories)} repositories). Run without \`--quick\` for ≥ 50,000 files, ≥ 10,000 commits and 10,000 repositories.`);
  for (const [id, g] of Object.entries(r)) if (g?.error) notes.push(`${id} failed: ${g.error.split('\n')[0]}`);
  notes.push('Concurrency: every figure is one client, one call at a time; the goals are stated per call.');
  notes.push('Cold caches: all figures are warm (a warm-up precedes each variant; dropping the page cache would disturb the other work sharing this machine).');
  notes.push('AWS CodeCommit itself: no comparison with the hosted service (no network access to it from here, and the goals are relative to raw git / absolute).');
  notes.push('ListRepositories across several accounts, and repositories with many branches *and* a large history at once: not part of the goals.');
  for (const n of notes) L.push(`- ${n}`);
  L.push('');
  return L.join('\n');
}

function fmtCpu(cpu, digits = 1) {
  if (!cpu) return 'n/a';
  const entries = Object.entries(cpu).filter(([, v]) => isNum(v) && v >= 0.05).sort((a, b) => b[1] - a[1]);
  return entries.map(([k, v]) => `${k} ${v.toFixed(digits)}`).join(', ') + ` (total ${sumCpu(cpu).toFixed(digits)})`;
}
