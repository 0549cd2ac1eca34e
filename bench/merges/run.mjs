#!/usr/bin/env node
// The merge issue's performance goals: `node bench/merges/run.mjs [--quick] [--no-build]`.
//
//  1. MergeBranchesByThreeWay of a pull request changing 500 files, on a repository of 50,000
//     files: p50 within 1.5× `git merge-tree --write-tree <dest> <source>` spawned per run on the
//     same bare repository (Cairn's storage copy). GetMergeOptions and GetBranch for context.
//  2. GetMergeConflicts / DescribeMergeConflicts / BatchDescribeMergeConflicts with 200
//     conflicting files: p50 under 1 s.
//  3. No divergence cap below 10,000 commits: GetMergeOptions and MergeBranchesByThreeWay succeed
//     on tips 10,000 commits apart on each side (no TipsDivergenceExceededException).
//
// Builds (`npx tsc -b tsconfig.build.json`), starts the real all-in-one stack from built code in
// a temp data dir on free loopback ports (bench/lib/cairn.mjs), generates the repository with
// `git fast-import` (bench/codecommit-api/lib/bigrepo.mjs plus lib/scenario.mjs here), pushes it
// with a stock git client over HTTP, measures with the AWS SDK v3, and writes
// bench/merges/RESULTS.md and results.json.
//
// Flags: --quick (scaled down), --no-build, --keep (keep the temp dir), --render (rewrite
// RESULTS.md from results.json without measuring).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cairn } from '../lib/cairn.mjs';
import { GIT_ENV, git, killActiveChildren, loadAverage, now, run } from '../lib/util.mjs';
import { generateBigRepo } from '../codecommit-api/lib/bigrepo.mjs';
import { measureIdle, sdkClient, stackProcesses } from '../codecommit-api/lib/common.mjs';
import { addMergeBranches } from './lib/scenario.mjs';
import { mergeGoal } from './goals/merge.mjs';
import { conflictsGoal } from './goals/conflicts.mjs';
import { divergenceGoal } from './goals/divergence.mjs';
import { renderReport } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');

const SCALES = {
  full: {
    name: 'full',
    repo: { dirs: 25, subdirs: 40, filesPerDir: 50, commits: 1_000, editsPerCommit: 3, addEvery: 10 },
    changed: 500,
    prCommits: 5,
    destFiles: 10,
    destOverlap: 2,
    samples: 30,
    conflicts: 200,
    conflictApart: 20,
    conflictSamples: 30,
    divergence: 10_000,
    divergenceFiles: 200,
    divergenceMerges: 3,
    divergenceOptionsSamples: 5,
    divergenceRawSamples: 3,
    budgetMinutes: 45,
  },
  quick: {
    name: 'quick',
    repo: { dirs: 10, subdirs: 20, filesPerDir: 50, commits: 200, editsPerCommit: 3, addEvery: 10 },
    changed: 100,
    prCommits: 2,
    destFiles: 10,
    destOverlap: 1,
    samples: 15,
    conflicts: 50,
    conflictApart: 10,
    conflictSamples: 15,
    divergence: 1_000,
    divergenceFiles: 100,
    divergenceMerges: 2,
    divergenceOptionsSamples: 3,
    divergenceRawSamples: 3,
    budgetMinutes: 15,
  },
};
const scale = quick ? SCALES.quick : SCALES.full;

const t0 = Date.now();
const log = (msg) => process.stderr.write(`[merge-bench +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

const results = {};
const machine = { loads: [] };
let cairn;
let sdk;
let workDir;
let finished = false;

const markLoad = (phase) => machine.loads.push({ phase, load: loadAverage(), atSeconds: (Date.now() - t0) / 1000 });

async function step(id, title, fn) {
  log(`${id}: ${title}…`);
  markLoad(`before ${id}`);
  const started = Date.now();
  try {
    results[id] = await fn();
  } catch (e) {
    log(`${id} failed: ${e.stack ?? e}`);
    results[id] = { error: String(e.message ?? e).slice(0, 2000) };
  }
  results[id].seconds = (Date.now() - started) / 1000;
  return results[id];
}

async function main() {
  Object.assign(machine, describeMachine());
  markLoad('start');
  log(`scale ${scale.name}; load average ${machine.loadStart}; other Cairn stacks running: ${machine.otherStacks}`);
  if (!args.includes('--no-build')) {
    log('building (npx tsc -b tsconfig.build.json)…');
    await run('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: root, env: process.env, timeoutMs: 900_000 });
  }
  workDir = mkdtempSync(join(tmpdir(), 'cairn-mergebench-'));
  log(`work dir ${workDir}`);
  cairn = new Cairn(root, join(workDir, 'cairn-data'));
  log('starting Cairn…');
  await cairn.start();
  sdk = sdkClient(cairn.creds);
  const procs = stackProcesses(cairn);
  log(`Cairn on :${cairn.httpPort}; processes: ${Object.keys(procs).join(', ')}`);

  const setup = await step('setup', 'repository and branches', () => setupRepository());
  if (setup.error) return;
  const ctx = { cairn, sdk, log, scale, procs, repo: setup.repo };
  await new Promise((r) => setTimeout(r, 5000));
  results.idleCpuMsPerSecond = await measureIdle(procs);
  log(`  idle stack CPU (ms per s): ${Object.entries(results.idleCpuMsPerSecond).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  await step('g1', `MergeBranchesByThreeWay of ${scale.changed} changed files vs git merge-tree`, () => mergeGoal(ctx));
  await step('g2', `merge conflicts on ${scale.conflicts} conflicting files`, () => conflictsGoal(ctx));
  await step('g3', `merges across ${scale.divergence} commits of divergence each side`, () => divergenceGoal(ctx));
}

async function setupRepository() {
  const local = join(workDir, 'source.git');
  const shape = scale.repo;
  log(`  generating ${shape.dirs * shape.subdirs * shape.filesPerDir} files, ${shape.commits} commits on main with git fast-import…`);
  let t = now();
  await generateBigRepo(local, shape);
  const generateMs = now() - t;
  t = now();
  const built = await addMergeBranches(local, scale);
  const branchesMs = now() - t;
  const env = { ...GIT_ENV, GIT_DIR: local };
  const count = (await git(['count-objects', '-v'], { env })).stdout;
  const objects = Number(/^in-pack: (\d+)/m.exec(count)[1]);
  const packBytes = Number(/^size-pack: (\d+)/m.exec(count)[1]) * 1024;
  log(`  ${Object.keys(built.ids).length} branches, ${built.commitsWritten} commits added (${(built.streamBytes / 1e6).toFixed(1)} MB stream) in ${(branchesMs / 1000).toFixed(1)} s; ${objects} objects, ${(packBytes / 1e6).toFixed(1)} MB`);

  const repositoryName = 'merges';
  await cairn.createRepository(repositoryName);
  t = now();
  await git(['push', '-q', cairn.gitUrl(repositoryName), 'refs/heads/main:refs/heads/main'], { env, timeoutMs: 900_000 });
  const pushMainMs = now() - t;
  t = now();
  await git(['push', '-q', cairn.gitUrl(repositoryName), 'refs/heads/*:refs/heads/*'], { env, timeoutMs: 900_000 });
  const pushBranchesMs = now() - t;
  log(`  pushed over HTTP: main in ${(pushMainMs / 1000).toFixed(1)} s, the other branches in ${(pushBranchesMs / 1000).toFixed(1)} s`);

  const storage = await cairn.storagePath(repositoryName);
  const senv = { ...GIT_ENV, GIT_DIR: storage };
  const stored = Object.fromEntries(
    (await git(['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/'], { env: senv, timeoutMs: 60_000 })).stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ')),
  );
  const missing = Object.keys(built.ids).filter((b) => stored[b] !== built.ids[b]);
  if (missing.length) throw new Error(`after the push, ${missing.length} branches differ in Cairn's storage, e.g. ${missing.slice(0, 3).join(', ')}`);
  const tipFiles = (await git(['ls-tree', '-r', '--name-only', 'main'], { env: senv, timeoutMs: 120_000 })).stdout.split('\n').filter(Boolean).length;
  const mainCommits = Number((await git(['rev-list', '--count', 'main'], { env: senv, timeoutMs: 120_000 })).stdout.trim());
  const storageCount = (await git(['count-objects', '-v'], { env: senv })).stdout;
  const facts = {
    storage,
    tipFiles,
    mainCommits,
    branches: Object.keys(stored).length,
    objects,
    packBytes,
    storagePackBytes: Number(/^size-pack: (\d+)/m.exec(storageCount)[1]) * 1024,
    storagePacks: Number(/^packs: (\d+)/m.exec(storageCount)[1]),
    storageLoose: Number(/^count: (\d+)/m.exec(storageCount)[1]),
    generateMs,
    branchesMs,
    commitsAdded: built.commitsWritten,
    pushMainMs,
    pushBranchesMs,
    pr: built.pr,
  };
  log(`  storage: ${tipFiles} files at main, ${mainCommits} commits on main, ${facts.branches} branches, ${facts.storagePacks} pack(s), ${facts.storageLoose} loose objects`);
  rmSync(local, { recursive: true, force: true });
  return { ...facts, repo: { repositoryName, storage, ids: built.ids, mainId: built.mainId, conflicted: built.conflicted } };
}

function describeMachine() {
  const sh = (cmd, a) => {
    try {
      return execFileSync(cmd, a, { cwd: root, env: GIT_ENV, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const head = sh('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['status', '--porcelain', '--', 'services', 'libs']).split('\n').filter(Boolean).length;
  const sdkVersion = JSON.parse(readFileSync(join(root, 'node_modules/@aws-sdk/client-codecommit/package.json'), 'utf8')).version;
  let otherStacks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('services/supervisor/dist/main.js')) otherStacks++;
    } catch {
      /* gone */
    }
  }
  return {
    date: new Date().toISOString(),
    code: `commit ${head || 'unknown'}${dirty ? ` plus ${dirty} uncommitted changed/new paths under services/ and libs/ (the working tree as built)` : ''}`,
    cores: cpus().length,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: release(),
    node: process.version,
    git: sh('git', ['--version']),
    sdk: `@aws-sdk/client-codecommit ${sdkVersion}`,
    loadStart: loadAverage(),
    otherStacks,
  };
}

async function cleanup() {
  killActiveChildren();
  try {
    sdk?.destroy();
  } catch {
    /* best effort */
  }
  try {
    await cairn?.stop();
  } catch {
    /* best effort */
  }
  if (workDir && !keep) {
    try {
      rmSync(workDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 500 });
    } catch (e) {
      log(`could not remove ${workDir}: ${e.message}`);
    }
  }
}

async function finish(code) {
  if (finished) return;
  finished = true;
  markLoad('end');
  machine.loadEnd = loadAverage();
  machine.totalSeconds = (Date.now() - t0) / 1000;
  await cleanup();
  // The branch ids and conflicted paths are only needed while measuring.
  if (results.setup?.repo) results.setup.repo = { repositoryName: results.setup.repo.repositoryName, branches: Object.keys(results.setup.repo.ids).length, conflicted: results.setup.repo.conflicted.length };
  const data = { results, machine, scale, quick };
  writeFileSync(join(here, 'results.json'), JSON.stringify(data, null, 1));
  writeFileSync(join(here, 'RESULTS.md'), renderReport(data));
  log(`wrote bench/merges/RESULTS.md${keep && workDir ? `; kept ${workDir}` : ''}`);
  process.exit(code);
}

if (args.includes('--render')) {
  const data = JSON.parse(readFileSync(join(here, 'results.json'), 'utf8'));
  writeFileSync(join(here, 'RESULTS.md'), renderReport(data));
  process.exit(0);
}

const watchdog = setTimeout(() => {
  log(`time budget of ${scale.budgetMinutes} min exhausted; stopping with what was measured`);
  results.timeout = `the run exceeded its ${scale.budgetMinutes}-minute budget; steps without figures were not measured`;
  void finish(2);
}, scale.budgetMinutes * 60_000);
watchdog.unref();
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void finish(130));

main().then(
  () => finish(0),
  (e) => {
    log(`fatal: ${e.stack ?? e}`);
    results.fatal = String(e.message ?? e).slice(0, 2000);
    return finish(1);
  },
);
