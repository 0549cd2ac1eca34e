#!/usr/bin/env node
// Git over SSH performance goals: `node bench/ssh/run.mjs [--quick]`.
//
//  1. `git clone` over SSH vs over Cairn's HTTP endpoint vs `git clone file://` of the same
//     repository (Cairn's own storage copy): p50 and p90 of each, ratios SSH/HTTP and
//     SSH/file://. Goal: SSH p50 within 1.2× HTTP.
//  2. 64 concurrent SSH clones complete without error (wall time, per-clone times, errors),
//     with the default SSH limits in force, from several users and source addresses; the same
//     64 over HTTP for comparison; and, to show the limits at work, 64 at once from one key and
//     one address.
//
// Builds (`npx tsc -b tsconfig.build.json`), starts the real all-in-one stack from built code in
// a temp data dir on free loopback ports (bench/lib/cairn.mjs, as e2e/support/stack.ts does),
// generates the repositories with `git fast-import` (bench/codecommit-api/lib/bigrepo.mjs),
// pushes them over HTTP with a stock git client, measures with stock git and OpenSSH clients,
// and writes bench/ssh/RESULTS.md and results.json.
//
// Flags: --quick (scaled down), --no-build, --keep (keep the temp dir), --render (rewrite
// RESULTS.md from results.json without measuring).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AttachUserPolicyCommand, CreateUserCommand, GetUserCommand, IAMClient, UploadSSHPublicKeyCommand } from '@aws-sdk/client-iam';
import { Cairn } from '../lib/cairn.mjs';
import { GIT_ENV, git, gitProcessesUnder, killActiveChildren, loadAverage, now, rssSampler, run, sleep } from '../lib/util.mjs';
import { generateBigRepo } from '../codecommit-api/lib/bigrepo.mjs';
import { childrenCpuMs, cpuMeter, measureIdle, stackProcesses, summarize } from '../codecommit-api/lib/common.mjs';
import { CONCURRENT, GOAL_RATIO, renderReport } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');

const SCALES = {
  full: {
    name: 'full',
    // bench/codecommit-api's large repository: 51k files, 10k commits, ~83 MB pack.
    large: { dirs: 25, subdirs: 40, filesPerDir: 50, commits: 10_000, editsPerCommit: 3, addEvery: 10 },
    cloneSamples: 7,
    lsRemoteSamples: 30,
    // What a CI fan-out clones: 2,000 files, 1,000 commits.
    small: { dirs: 10, subdirs: 10, filesPerDir: 20, commits: 1_000, editsPerCommit: 3, addEvery: 10 },
    users: 4,
    addresses: 4,
    budgetMinutes: 25,
  },
  quick: {
    name: 'quick',
    large: { dirs: 10, subdirs: 20, filesPerDir: 50, commits: 2_000, editsPerCommit: 3, addEvery: 10 },
    cloneSamples: 3,
    lsRemoteSamples: 10,
    small: { dirs: 5, subdirs: 10, filesPerDir: 20, commits: 300, editsPerCommit: 3, addEvery: 10 },
    users: 4,
    addresses: 4,
    budgetMinutes: 12,
  },
};
const scale = quick ? SCALES.quick : SCALES.full;

const t0 = Date.now();
const log = (msg) => process.stderr.write(`[ssh-bench +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

const results = {};
const machine = { loads: [] };
let cairn;
let iam;
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

// ------------------------------------------------------------------ clients

/** git as a fresh client machine runs it; HOME is the work dir so ssh has somewhere to look. */
const clientEnv = (extra = {}) => ({ ...GIT_ENV, HOME: workDir, ...extra });

/** The ssh command git runs: one key, no agent, no config, the bench's own known_hosts; optionally from another loopback address. */
function sshCommand(key, bindAddress) {
  return [
    'ssh',
    '-i',
    key.path,
    '-o',
    `UserKnownHostsFile=${join(workDir, 'known_hosts')}`,
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-F',
    '/dev/null',
    ...(bindAddress ? ['-b', bindAddress] : []),
  ].join(' ');
}
const sshUrl = (key, name) => `ssh://${key.id}@127.0.0.1:${cairn.sshPort}/v1/repos/${name}`;

/** The three ways of cloning the same repository (bare, quiet, as a CI job would). */
function cloneCommand(method, name, storage, key) {
  const dest = join(workDir, 'clones', `${method}-${Math.random().toString(36).slice(2)}`);
  if (method === 'ssh') return { args: ['clone', '--bare', '-q', sshUrl(key, name), dest], env: clientEnv({ GIT_SSH_COMMAND: sshCommand(key) }), dest };
  if (method === 'http') return { args: ['clone', '--bare', '-q', cairn.gitUrl(name), dest], env: clientEnv(), dest };
  return { args: ['clone', '--bare', '-q', `file://${storage}`, dest], env: clientEnv(), dest };
}

async function keygen(name) {
  const path = join(workDir, 'keys', `${name}_ed25519`);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path], { env: clientEnv() });
  return path;
}

/** An IAM user with AWSCodeCommitPowerUser (or the admin, when `userName` is undefined) and an uploaded ed25519 key. */
async function sshUser(userName) {
  let name = userName;
  if (name === undefined) name = (await iam.send(new GetUserCommand({}))).User.UserName;
  else {
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser' }));
  }
  const path = await keygen(name);
  const uploaded = await iam.send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: readFileSync(`${path}.pub`, 'utf8') }));
  return { userName: name, path, id: uploaded.SSHPublicKey.SSHPublicKeyId };
}

// ------------------------------------------------------------------ setup

async function setupRepository(name, shape) {
  const source = join(workDir, `${name}-src.git`);
  let t = now();
  await generateBigRepo(source, shape);
  const generateMs = now() - t;
  await cairn.createRepository(name);
  t = now();
  await git(['push', '-q', cairn.gitUrl(name), 'main'], { env: { ...GIT_ENV, GIT_DIR: source }, timeoutMs: 900_000 });
  const pushMs = now() - t;
  const storage = await cairn.storagePath(name);
  const senv = { ...GIT_ENV, GIT_DIR: storage };
  // Cairn has no housekeeping yet: repack with bitmaps, as housekeeping would (and as bench/run.mjs
  // does), so that serving is fast and what differs between the transports shows.
  t = now();
  await git(['repack', '-adb', '-q'], { env: senv, timeoutMs: 900_000 });
  const repackMs = now() - t;
  const count = (await git(['count-objects', '-v'], { env: senv })).stdout;
  const tip = (await git(['rev-parse', 'refs/heads/main'], { env: senv })).stdout.trim();
  const commits = Number((await git(['rev-list', '--count', 'main'], { env: senv, timeoutMs: 120_000 })).stdout.trim());
  const files = (await git(['ls-tree', '-r', '--name-only', 'main'], { env: senv, timeoutMs: 120_000 })).stdout.split('\n').filter(Boolean).length;
  rmSync(source, { recursive: true, force: true });
  return {
    name,
    storage,
    tip,
    commits,
    files,
    objects: Number(/^in-pack: (\d+)/m.exec(count)[1]),
    packBytes: Number(/^size-pack: (\d+)/m.exec(count)[1]) * 1024,
    generateMs,
    pushMs,
    repackMs,
  };
}

/** The algorithms OpenSSH and Cairn's server agree on (from `ssh -v`). */
async function negotiated(key, name) {
  const r = await run('ssh', [...sshCommand(key).split(' ').slice(1), '-v', '-p', String(cairn.sshPort), `${key.id}@127.0.0.1`, `git-upload-pack '/v1/repos/${name}'`], {
    env: clientEnv(),
    input: '0000',
    allowFail: true,
    timeoutMs: 30_000,
  });
  const pick = (re) => re.exec(r.stderr)?.[1];
  return {
    kex: pick(/kex: algorithm: (\S+)/),
    hostKey: pick(/kex: host key algorithm: (\S+)/),
    cipher: pick(/kex: server->client cipher: (\S+)/),
    mac: pick(/kex: server->client cipher: \S+ MAC: (\S+)/),
    client: pick(/Local version string (\S+)/),
    server: pick(/Remote protocol version [\d.]+, remote software version (\S+)/),
  };
}

// ------------------------------------------------------------------ goal 1

async function cloneGoal(ctx) {
  const { repo, key, procs } = ctx;
  const methods = ['ssh', 'http', 'file'];
  const samples = Object.fromEntries(methods.map((m) => [m, []]));
  const cpu = Object.fromEntries(methods.map((m) => [m, []]));
  const clientCpu = Object.fromEntries(methods.map((m) => [m, []]));
  const failures = [];
  const once = async (method, record) => {
    const c = cloneCommand(method, repo.name, repo.storage, key);
    const meter = cpuMeter(procs);
    const client0 = childrenCpuMs();
    const started = now();
    try {
      await git(c.args, { env: c.env, timeoutMs: 600_000 });
      const ms = now() - started;
      const stack = meter.stop();
      const clientMs = childrenCpuMs() - client0;
      const tip = (await git(['rev-parse', 'refs/heads/main'], { env: { ...GIT_ENV, GIT_DIR: c.dest } })).stdout.trim();
      if (tip !== repo.tip) throw new Error(`cloned main is ${tip}, expected ${repo.tip}`);
      if (record) {
        samples[method].push(ms);
        cpu[method].push({ 'git-protocol': stack['git-protocol'], 'git-storage': stack['git-storage'] });
        clientCpu[method].push(clientMs);
      }
    } catch (e) {
      failures.push({ method, error: errorLine(e) });
    } finally {
      rmSync(c.dest, { recursive: true, force: true });
    }
  };
  // One warm-up each (page cache, first connection), then interleaved rounds, order rotating.
  for (const m of methods) await once(m, false);
  for (let round = 0; round < scale.cloneSamples; round++) {
    const order = methods.map((_, i) => methods[(i + round) % methods.length]);
    for (const m of order) await once(m, true);
    log(`  round ${round + 1}/${scale.cloneSamples}: ${methods.map((m) => `${m} ${(samples[m].at(-1) / 1000).toFixed(2)} s`).join(', ')}`);
  }
  const stats = Object.fromEntries(methods.map((m) => [m, summarize(samples[m])]));
  const median = (values) => summarize(values).p50;
  const cpuMedian = Object.fromEntries(
    methods.map((m) => [m, { 'git-protocol': median(cpu[m].map((c) => c['git-protocol'])), 'git-storage': median(cpu[m].map((c) => c['git-storage'])), client: median(clientCpu[m]) }]),
  );
  const ratios = { sshVsHttp: stats.ssh.p50 / stats.http.p50, sshVsFile: stats.ssh.p50 / stats.file.p50, httpVsFile: stats.http.p50 / stats.file.p50, sshVsHttpP90: stats.ssh.p90 / stats.http.p90 };
  return { samples, stats, cpu: cpuMedian, ratios, failures, met: failures.length === 0 && ratios.sshVsHttp <= GOAL_RATIO };
}

/** ls-remote: the fixed cost of one git conversation (a new SSH connection with key exchange, or HTTP requests). */
async function lsRemoteGoal(ctx) {
  const { repo, key } = ctx;
  const times = { ssh: [], http: [] };
  const errors = [];
  for (let i = 0; i < scale.lsRemoteSamples + 2; i++) {
    for (const method of i % 2 ? ['ssh', 'http'] : ['http', 'ssh']) {
      const started = now();
      try {
        if (method === 'ssh') await git(['ls-remote', sshUrl(key, repo.name)], { env: clientEnv({ GIT_SSH_COMMAND: sshCommand(key) }), timeoutMs: 60_000 });
        else await git(['ls-remote', cairn.gitUrl(repo.name)], { env: clientEnv(), timeoutMs: 60_000 });
        if (i >= 2) times[method].push(now() - started);
      } catch (e) {
        errors.push({ method, error: errorLine(e) });
      }
    }
  }
  return { ssh: summarize(times.ssh), http: summarize(times.http), ratio: summarize(times.ssh).p50 / summarize(times.http).p50, errors };
}

// ------------------------------------------------------------------ goal 2

/**
 * `CONCURRENT` clones started at once. `who(i)` gives clone i's method, key and source address.
 * Every clone is checked (main at the expected commit); errors are kept with git's last lines.
 */
async function concurrentClones(ctx, who) {
  const { small, procs } = ctx;
  const sampler = rssSampler({ 'git-protocol': procs['git-protocol'], 'git-storage': procs['git-storage'] });
  const meter = cpuMeter(procs);
  const started = now();
  const outcomes = await Promise.all(
    Array.from({ length: CONCURRENT }, async (_, i) => {
      const { method, key, address } = who(i);
      const dest = join(workDir, 'clones', `c${i}-${method}-${Math.random().toString(36).slice(2)}`);
      const url = method === 'ssh' ? sshUrl(key, small.name) : cairn.gitUrl(small.name);
      const env = method === 'ssh' ? clientEnv({ GIT_SSH_COMMAND: sshCommand(key, address) }) : clientEnv();
      const t = now();
      try {
        await git(['clone', '--bare', '-q', url, dest], { env, timeoutMs: 600_000 });
        const ms = now() - t;
        const tip = (await git(['rev-parse', 'refs/heads/main'], { env: { ...GIT_ENV, GIT_DIR: dest } })).stdout.trim();
        if (tip !== small.tip) return { ok: false, ms, error: `cloned main is ${tip}, expected ${small.tip}` };
        return { ok: true, ms };
      } catch (e) {
        return { ok: false, ms: now() - t, error: errorLine(e) };
      } finally {
        rmSync(dest, { recursive: true, force: true });
      }
    }),
  );
  const wallMs = now() - started;
  const cpu = meter.stop();
  const memory = sampler.stop();
  // No git process may stay behind for the repository (bounded wait).
  const drainStarted = now();
  let left = gitProcessesUnder(small.storage);
  while (left.length > 0 && now() - drainStarted < 30_000) {
    await sleep(250);
    left = gitProcessesUnder(small.storage);
  }
  const ok = outcomes.filter((o) => o.ok);
  const errors = outcomes.filter((o) => !o.ok);
  const messages = {};
  for (const e of errors) messages[e.error] = (messages[e.error] ?? 0) + 1;
  return {
    n: CONCURRENT,
    completed: ok.length,
    errors: errors.length,
    errorMessages: Object.entries(messages).map(([message, count]) => ({ message, count })),
    wallMs,
    perClone: summarize(ok.map((o) => o.ms)),
    cpuSeconds: { 'git-protocol': cpu['git-protocol'] / 1000, 'git-storage': cpu['git-storage'] / 1000 },
    memory: { 'git-protocol': memory['git-protocol'], 'git-storage': memory['git-storage'] },
    gitProcessesLeft: left.length,
  };
}

/** What a failed git said that matters: Cairn's own line when there is one, else git's last lines. */
function errorLine(e) {
  const lines = (e.stderr || e.message).trim().split('\n').filter((l) => l && !/^Warning: Permanently added/.test(l));
  const cairnLine = lines.find((l) => /cairn:/.test(l));
  // git's closing advice is the same for every SSH failure; what ssh said before it is the cause.
  const generic = /^(fatal: Could not read from remote repository\.|Please make sure you have the correct access rights|and the repository exists\.)$/;
  const specific = lines.filter((l) => !generic.test(l.trim()));
  return (cairnLine ?? (specific.length ? specific.slice(-2) : lines.slice(-3)).join(' / ')).trim().slice(0, 400);
}

/** How many lines of git-protocol's log contain every one of `texts` (Cairn's own account of what it refused). */
function logLines(...texts) {
  try {
    return readFileSync(join(cairn.dataDir, 'logs', 'git-protocol.log'), 'utf8')
      .split('\n')
      .filter((l) => texts.every((t) => l.includes(t))).length;
  } catch {
    return NaN;
  }
}

async function concurrencyGoal(ctx) {
  const { users, addresses } = ctx;
  // Clone i comes from user i mod U and address ⌊i / (64/A)⌋: 16 sessions per user, 16 connections
  // per address, under the defaults (20 per user, 50 per address), as 4 CI machines of 4 teams would.
  const perAddress = Math.ceil(CONCURRENT / addresses.length);
  const spread = (method) => (i) => ({ method, key: users[i % users.length], address: addresses[Math.floor(i / perAddress)] });
  log(`  ${CONCURRENT} SSH clones from ${users.length} users and ${addresses.length} addresses…`);
  const ssh = await concurrentClones(ctx, spread('ssh'));
  log(`    ${ssh.completed} completed, ${ssh.errors} errors in ${(ssh.wallMs / 1000).toFixed(1)} s`);
  log(`  ${CONCURRENT} HTTP clones…`);
  const http = await concurrentClones(ctx, spread('http'));
  log(`    ${http.completed} completed, ${http.errors} errors in ${(http.wallMs / 1000).toFixed(1)} s`);
  log(`  ${CONCURRENT} SSH clones from one key and one address (the limits at work)…`);
  const told = logLines('too many connections from this address', '"told":true');
  const untold = logLines('"told":false');
  const sessions = logLines('too many sessions for this user');
  const oneKey = await concurrentClones(ctx, () => ({ method: 'ssh', key: users[0], address: addresses[0] }));
  // Cairn's log: connections refused with the banner, and those closed unanswered (over 10 refusals in flight per address).
  oneKey.refusals = {
    sessionsPerUser: logLines('too many sessions for this user') - sessions,
    addressTold: logLines('too many connections from this address', '"told":true') - told,
    addressUnanswered: logLines('"told":false') - untold,
  };
  log(`    ${oneKey.completed} completed, ${oneKey.errors} refused or failed in ${(oneKey.wallMs / 1000).toFixed(1)} s`);
  return { ssh, http, oneKey, users: users.length, addresses, met: ssh.errors === 0 && ssh.completed === CONCURRENT && ssh.gitProcessesLeft === 0 };
}

// ------------------------------------------------------------------ main

async function main() {
  Object.assign(machine, describeMachine());
  markLoad('start');
  log(`scale ${scale.name}; load average ${machine.loadStart}; other Cairn stacks running: ${machine.otherStacks}`);
  if (!args.includes('--no-build')) {
    log('building (npx tsc -b tsconfig.build.json)…');
    await run('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: root, env: process.env, timeoutMs: 900_000 });
  }
  workDir = mkdtempSync(join(tmpdir(), 'cairn-sshbench-'));
  for (const d of ['keys', 'clones']) execFileSync('mkdir', ['-p', join(workDir, d)]);
  log(`work dir ${workDir}`);
  // The SSH limits stay at their defaults: the goal is met (or not) as shipped.
  for (const k of Object.keys(process.env)) if (k.startsWith('CAIRN_SSH_')) delete process.env[k];
  cairn = new Cairn(root, join(workDir, 'cairn-data'));
  log('starting Cairn…');
  await cairn.start();
  const c = cairn.creds;
  iam = new IAMClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, maxAttempts: 1 });
  const procs = stackProcesses(cairn);
  machine.limits = limitsInForce(cairn);
  log(`Cairn on :${cairn.httpPort} (ssh :${cairn.sshPort}); SSH limits ${JSON.stringify(machine.limits)}`);

  const setup = await step('setup', 'repositories and keys', async () => {
    const shape = scale.large;
    log(`  generating the large repository (${shape.dirs * shape.subdirs * shape.filesPerDir} files, ${shape.commits} commits) and pushing it over HTTP…`);
    const large = await setupRepository('large', shape);
    log(`  large: ${large.files} files, ${large.commits} commits, ${large.objects} objects, ${(large.packBytes / 1e6).toFixed(1)} MB pack`);
    const small = await setupRepository('small', scale.small);
    log(`  small: ${small.files} files, ${small.commits} commits, ${(small.packBytes / 1e6).toFixed(1)} MB pack`);
    const admin = await sshUser(undefined);
    const users = [];
    for (let u = 0; u < scale.users; u++) users.push(await sshUser(`ci-team-${u + 1}`));
    return { large, small, admin, users };
  });
  if (setup.error) return;
  const addresses = Array.from({ length: scale.addresses }, (_, i) => `127.0.0.${i + 1}`);
  results.negotiated = await negotiated(setup.admin, 'large').catch((e) => ({ error: e.message }));
  log(`  negotiated: ${JSON.stringify(results.negotiated)}`);
  await sleep(3000);
  results.idleCpuMsPerSecond = await measureIdle(procs, { windows: 2, ms: 3000 });
  const ctx = { repo: setup.large, small: setup.small, key: setup.admin, users: setup.users, addresses, procs };
  await step('g1', `clone over SSH vs HTTP vs file:// (${scale.cloneSamples} samples each)`, () => cloneGoal(ctx));
  await step('lsRemote', `ls-remote over SSH vs HTTP (${scale.lsRemoteSamples} samples each)`, () => lsRemoteGoal(ctx));
  await step('g2', `${CONCURRENT} concurrent clones`, () => concurrencyGoal(ctx));
}

/** The SSH limits git-protocol logged at start (its own word for what is in force). */
function limitsInForce(c) {
  try {
    const line = readFileSync(join(c.dataDir, 'logs', 'git-protocol.log'), 'utf8')
      .split('\n')
      .find((l) => l.includes('"msg":"ssh limits"'));
    const { maxSessionsPerUser, maxConnectionsPerAddress, maxAuthTries, loginGraceSeconds, idleTimeoutSeconds, sessionTimeoutSeconds } = JSON.parse(line);
    return { maxSessionsPerUser, maxConnectionsPerAddress, maxAuthTries, loginGraceSeconds, idleTimeoutSeconds, sessionTimeoutSeconds };
  } catch {
    return undefined;
  }
}

function describeMachine() {
  const sh = (cmd, a) => {
    try {
      return execFileSync(cmd, a, { cwd: root, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch {
      return '';
    }
  };
  // `ssh -V` answers on stderr.
  const sshVersion = spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim();
  const head = sh('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['status', '--porcelain', '--', 'services', 'libs']).split('\n').filter(Boolean).length;
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
    openssh: sshVersion,
    ssh2: JSON.parse(readFileSync(join(root, 'node_modules/ssh2/package.json'), 'utf8')).version,
    loadStart: loadAverage(),
    otherStacks,
  };
}

async function cleanup() {
  killActiveChildren();
  try {
    iam?.destroy();
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
  const data = { results, machine, scale, quick };
  writeFileSync(join(here, 'results.json'), JSON.stringify(data, null, 1));
  writeFileSync(join(here, 'RESULTS.md'), renderReport(data));
  log(`wrote bench/ssh/RESULTS.md${keep && workDir ? `; kept ${workDir}` : ''}`);
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
