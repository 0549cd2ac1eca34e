#!/usr/bin/env node
// The CodeCommit API issue's performance goals: `node bench/codecommit-api/run.mjs [--quick]`.
//
//  1. GetFile, GetFolder, GetDifferences on a large repository (≥ 50,000 files, ≥ 10,000
//     commits): p50 within 2× the equivalent raw git command spawned per call.
//  2. ListRepositories over 10,000 repositories and ListBranches over 10,000 branches: every
//     page under 50 ms p99.
//
// Builds (`npx tsc -b tsconfig.build.json`), starts the real all-in-one stack from built code in
// a temp data dir on free loopback ports (bench/lib/cairn.mjs, as e2e/support/stack.ts does),
// generates the large repository with `git fast-import` and pushes it once, measures with the
// AWS SDK v3, and writes bench/codecommit-api/RESULTS.md and results.json.
//
// Flags: --quick (scaled down), --no-build, --keep (keep the temp dir), --render (rewrite
// RESULTS.md from results.json without measuring).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cairn } from '../lib/cairn.mjs';
import { Peer } from '../lib/peer.mjs';
import { GIT_ENV, git, killActiveChildren, loadAverage, now, run } from '../lib/util.mjs';
import { generateBigRepo } from './lib/bigrepo.mjs';
import { measureIdle, sdkClient, stackProcesses } from './lib/common.mjs';
import { content } from './goals/content.mjs';
import { createRepositories, listBranches, listRepositories, setupBranches } from './goals/listing.mjs';
import { renderReport } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');

const SCALES = {
  full: {
    name: 'full',
    repo: { dirs: 25, subdirs: 40, filesPerDir: 50, commits: 10_000, editsPerCommit: 3, addEvery: 10 },
    samples: 300,
    bigDiffSpan: 1000,
    bigDiffListings: 10,
    repositories: 10_000,
    createConcurrency: 16,
    repoListings: 100,
    branches: 10_000,
    branchListings: 5,
    budgetMinutes: 75,
  },
  quick: {
    name: 'quick',
    repo: { dirs: 10, subdirs: 20, filesPerDir: 50, commits: 2_000, editsPerCommit: 3, addEvery: 10 },
    samples: 100,
    bigDiffSpan: 300,
    bigDiffListings: 6,
    repositories: 2_000,
    createConcurrency: 16,
    repoListings: 30,
    branches: 10_000,
    branchListings: 3,
    budgetMinutes: 30,
  },
};
const scale = quick ? SCALES.quick : SCALES.full;

const t0 = Date.now();
const log = (msg) => process.stderr.write(`[cc-bench +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

const results = {};
const machine = { loads: [] };
let cairn;
let peer;
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
  workDir = mkdtempSync(join(tmpdir(), 'cairn-ccbench-'));
  // The peer (apache2 + git http-backend, for the branch-push baseline) runs as www-data.
  chmodSync(workDir, 0o755);
  log(`work dir ${workDir}`);
  // The default quota is 1,000 repositories per account; the supervisor passes the environment on.
  process.env.CAIRN_MAX_REPOSITORIES = String(scale.repositories + 1000);
  cairn = new Cairn(root, join(workDir, 'cairn-data'));
  log('starting Cairn…');
  await cairn.start();
  sdk = sdkClient(cairn.creds);
  const procs = stackProcesses(cairn);
  log(`Cairn on :${cairn.httpPort}; processes: ${Object.keys(procs).join(', ')}`);
  const ctx = { cairn, sdk, log, scale, workDir, procs };
  // The peer of the foundation benchmark (bench/lib/peer.mjs), only if apache2 is already installed.
  if (!existsSync('/usr/sbin/apache2')) ctx.peerProblem = machine.peerProblem = 'apache2 is not installed (bench/run.mjs installs it)';
  else {
    try {
      peer = new Peer(resolve(here, '..'), workDir);
      await peer.start();
      ctx.peer = peer;
    } catch (e) {
      ctx.peerProblem = machine.peerProblem = `apache2 did not start: ${e.message.split('\n')[0]}`;
      peer = undefined;
    }
  }

  const setup = await step('setupLarge', 'large repository', () => setupLarge(ctx));
  // Background CPU of the idle stack, subtracted from every CPU figure below.
  await new Promise((r) => setTimeout(r, 5000));
  results.idleCpuMsPerSecond = await measureIdle(procs);
  log(`  idle stack CPU (ms per s): ${Object.entries(results.idleCpuMsPerSecond).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  if (!setup.error) {
    ctx.large = setup;
    await step('g1', 'GetFile / GetFolder / GetDifferences vs raw git', () => content(ctx));
  }
  const created = await step('createRepos', `${scale.repositories} CreateRepository calls`, () => createRepositories(ctx));
  if (!created.error) await step('g2repos', 'ListRepositories', () => listRepositories(ctx));
  const branches = await step('setupBranches', `${scale.branches} branches`, () => setupBranches(ctx));
  if (!branches.error) await step('g2branches', 'ListBranches', () => listBranches(ctx, branches));
}

async function setupLarge() {
  const source = join(workDir, 'large-src.git');
  log(`  generating ${scale.repo.dirs * scale.repo.subdirs * scale.repo.filesPerDir} files, ${scale.repo.commits} commits with git fast-import…`);
  let t = now();
  const gen = await generateBigRepo(source, scale.repo);
  const generateMs = now() - t;
  const count = (await git(['count-objects', '-v'], { env: { ...GIT_ENV, GIT_DIR: source } })).stdout;
  const packBytes = Number(/^size-pack: (\d+)/m.exec(count)[1]) * 1024;
  const objects = Number(/^in-pack: (\d+)/m.exec(count)[1]);
  log(`  ${gen.files} files at the tip, ${objects} objects, ${(packBytes / 1e6).toFixed(1)} MB in ${(generateMs / 1000).toFixed(1)} s; pushing into Cairn`);
  const repositoryName = 'large';
  await cairn.createRepository(repositoryName);
  t = now();
  let method = 'one `git push` over HTTP (stock client)';
  let pushError;
  try {
    await git(['push', '-q', cairn.gitUrl(repositoryName), 'main'], { env: { ...GIT_ENV, GIT_DIR: source }, timeoutMs: 900_000 });
  } catch (e) {
    pushError = (e.stderr || e.message).trim().split('\n').slice(0, 3).join(' / ');
    log(`  push over HTTP failed: ${pushError}; pushing into the storage repository locally`);
    await git(['push', '-q', `file://${await cairn.storagePath(repositoryName)}`, 'main'], { env: { ...GIT_ENV, GIT_DIR: source }, timeoutMs: 900_000 });
    method = 'local push into the storage repository (file://), after the HTTP push failed';
  }
  const pushMs = now() - t;
  const storage = await cairn.storagePath(repositoryName);
  const senv = { ...GIT_ENV, GIT_DIR: storage };
  const commits = (await git(['rev-list', '--reverse', 'main'], { env: senv, timeoutMs: 120_000 })).stdout.split('\n').filter(Boolean);
  const tipFiles = (await git(['ls-tree', '-r', '--name-only', 'main'], { env: senv, timeoutMs: 120_000 })).stdout.split('\n').filter(Boolean).length;
  const storageCount = (await git(['count-objects', '-v'], { env: senv })).stdout;
  const storagePackBytes = Number(/^size-pack: (\d+)/m.exec(storageCount)[1]) * 1024;
  const packs = Number(/^packs: (\d+)/m.exec(storageCount)[1]);
  const loose = Number(/^count: (\d+)/m.exec(storageCount)[1]);
  log(`  pushed in ${(pushMs / 1000).toFixed(1)} s (${method}); storage has ${commits.length} commits, ${tipFiles} files at main, ${packs} pack(s), ${loose} loose objects`);
  rmSync(source, { recursive: true, force: true });
  return { repositoryName, storage, commits, commitCount: commits.length, tipFiles, objects, packBytes, storagePackBytes, packs, loose, generateMs, pushMs, method, pushError };
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
    await peer?.stop();
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
  // commit lists are large and only needed while measuring
  if (results.setupLarge?.commits) results.setupLarge.commits = results.setupLarge.commits.length;
  const data = { results, machine, scale, quick };
  writeFileSync(join(here, 'results.json'), JSON.stringify(data, null, 1));
  writeFileSync(join(here, 'RESULTS.md'), renderReport(data));
  log(`wrote bench/codecommit-api/RESULTS.md${keep && workDir ? `; kept ${workDir}` : ''}`);
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
