#!/usr/bin/env node
// Authorization performance goals of the identity issue: `node bench/authorization/run.mjs [--quick]`.
//
//  A. "the added latency of authorization to a GetBranch call under 1 ms p99": the gateway awaits
//     `authorizeAll` (libs/contracts) before it dispatches GetBranch. For a principal whose policies
//     read aws:ResourceTag that is Authorize (answered "wants resource tags"), repo-metadata's
//     ListTagsForResource, and Authorize again with the tags. Measured with the built library and
//     real gRPC clients against the running policy and repo-metadata services, with a warm
//     principal cache and after its TTL (a cache miss), plus each piece alone; for context the
//     whole GetBranch through the SDK as that user and as the administrator.
//  B. "a push that updates 1,000 refs is authorized in under 100 ms": git-protocol's question for a
//     push, one GitPush per ref with codecommit:References (authorizeAll: AuthorizeMany in chunks of
//     1,000, then again with the tags), warm and cold; for context a real `git push` of 1,000
//     branches as that user, as the administrator (no policy evaluation) and to a file:// repository.
//
// The principal: an IAM user with 10 managed policies of 20 statements each (lib/policies.mjs, the
// generator of bench/policy-evaluation), created through IAM against the stack, with an access key
// (SDK) and an HTTPS Git credential (git).
//
// Flags: --quick (fewer samples), --no-build, --keep (keep the temp dir), --render (rewrite
// RESULTS.md from results.json without measuring).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateRepositoryCommand, GetBranchCommand } from '@aws-sdk/client-codecommit';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { Cairn } from '../lib/cairn.mjs';
import { GIT_ENV, git, killActiveChildren, loadAverage, now, percentile, run, sleep } from '../lib/util.mjs';
import { childrenCpuMs, cpuMeter, measureIdle, sdkClient, stackProcesses } from '../codecommit-api/lib/common.mjs';
import { POLICY_COUNT, REPOSITORY_TAGS, STATEMENTS_PER_POLICY, USER_REPOSITORY, benchPolicies, nonWhitespaceLength } from './lib/policies.mjs';
import { GOAL_GETBRANCH_P99_MS, GOAL_PUSH_MS, renderReport } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');

const SCALES = {
  full: {
    name: 'full',
    warmCalls: 5000, // per kind of single-question call (A)
    adminCalls: 2000, // the administrator's short-circuit (floor of a round trip)
    missSamples: 30, // per kind, each after a sleep longer than the cache TTL
    e2eCalls: 500, // SDK GetBranch, per identity
    refs: 1000,
    manyCalls: 30, // per kind of 1,000-question call (B)
    manyMissSamples: 5,
    pushSamples: 3, // per method
    budgetMinutes: 15,
  },
  quick: {
    name: 'quick',
    warmCalls: 1000,
    adminCalls: 500,
    missSamples: 10,
    e2eCalls: 100,
    refs: 1000,
    manyCalls: 10,
    manyMissSamples: 2,
    pushSamples: 1,
    budgetMinutes: 8,
  },
};
const scale = quick ? SCALES.quick : SCALES.full;
const USER_NAME = 'bench-user';
const ADMIN_REPOSITORY = 'admin-baseline';
const SOURCE_IP = '127.0.0.1'; // what the gateway and git-protocol see for a loopback client
const CACHE_TTL_MS = 1000; // CAIRN_AUTHORIZATION_CACHE_MS default (removed from the stack's environment)
const MISS_SLEEP_MS = CACHE_TTL_MS + 150;

const t0 = Date.now();
const log = (msg) => process.stderr.write(`[authz-bench +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

const results = {};
const machine = { loads: [] };
let cairn;
let iam;
let userSdk;
let clients;
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

function stats(times) {
  if (times.length === 0) return { n: 0 };
  return {
    n: times.length,
    min: Math.min(...times),
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    p99: percentile(times, 99),
    p999: percentile(times, 99.9),
    max: Math.max(...times),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
  };
}

/**
 * Runs several kinds of call interleaved, `block` calls of one kind at a time with the order
 * rotating, until each kind has `n` samples or `maxMs` has passed (so background load drifting
 * over the run touches every kind alike). `kinds`: {name: async () => void}. Returns samples in ms.
 */
async function interleaved(kinds, n, { block = 100, maxMs = 120_000, counts = {} } = {}) {
  const names = Object.keys(kinds);
  const samples = Object.fromEntries(names.map((k) => [k, []]));
  const started = now();
  const deadline = started + maxMs;
  let round = 0;
  let truncated = false;
  while (names.some((k) => samples[k].length < (counts[k] ?? n))) {
    if (now() > deadline) {
      truncated = true;
      break;
    }
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const k of order) {
      const want = Math.min(block, (counts[k] ?? n) - samples[k].length);
      for (let i = 0; i < want; i++) {
        const t = now();
        await kinds[k]();
        samples[k].push(now() - t);
      }
    }
    round++;
  }
  return { samples, truncated, wallMs: now() - started };
}

// ------------------------------------------------------------------ setup

async function setupIdentity() {
  const c = cairn.creds;
  const documents = benchPolicies(c.accountId, c.region);
  const user = (await iam.send(new CreateUserCommand({ UserName: USER_NAME }))).User;
  const policyArns = [];
  for (const p of documents) {
    const created = await iam.send(new CreatePolicyCommand({ PolicyName: p.name, PolicyDocument: p.document }));
    policyArns.push(created.Policy.Arn);
    await iam.send(new AttachUserPolicyCommand({ UserName: USER_NAME, PolicyArn: created.Policy.Arn }));
  }
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: USER_NAME }))).AccessKey;
  const gitCred = (await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: USER_NAME, ServiceName: 'codecommit.amazonaws.com' }))).ServiceSpecificCredential;
  return {
    userArn: user.Arn,
    policies: documents.length,
    statements: documents.length * STATEMENTS_PER_POLICY,
    documentChars: documents.map((d) => nonWhitespaceLength(d.document)),
    policyArns,
    accessKeyId: key.AccessKeyId,
    secretAccessKey: key.SecretAccessKey,
    gitUsername: gitCred.ServiceUserName,
    gitPassword: gitCred.ServicePassword,
  };
}

const gitUrlAs = (username, password, name) => `http://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${cairn.httpPort}/v1/repos/${name}`;
const clientEnv = () => ({ ...GIT_ENV, HOME: workDir, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' });

/** A local repository with main (one commit) and `refs` branches bench/<i> on a second commit. */
async function setupSource() {
  const src = join(workDir, 'src');
  const env = clientEnv();
  await git(['init', '-q', '-b', 'main', src], { env });
  writeFileSync(join(src, 'README.md'), '# authorization bench\n');
  await git(['-C', src, 'add', 'README.md'], { env });
  await git(['-C', src, 'commit', '-q', '-m', 'initial'], { env });
  writeFileSync(join(src, 'CHANGES.md'), 'one commit that all the bench branches point at\n');
  await git(['-C', src, 'add', 'CHANGES.md'], { env });
  const tip = (await git(['-C', src, 'commit-tree', (await git(['-C', src, 'write-tree'], { env })).stdout.trim(), '-p', 'main', '-m', 'bench'], { env })).stdout.trim();
  const lines = Array.from({ length: scale.refs }, (_, i) => `create refs/heads/bench/${i} ${tip}\n`).join('');
  await git(['-C', src, 'update-ref', '--stdin'], { env, input: lines });
  return { src, tip };
}

// ------------------------------------------------------------------ A: GetBranch

function getBranchQuestion(principalArn, resource) {
  return { principalArn, action: 'codecommit:GetBranch', resource, context: {}, sourceIp: SOURCE_IP, secureTransport: false, resourceTagsIncluded: false };
}

async function goalA(ctx) {
  const { contracts, userArn, adminArn, repoArn } = ctx;
  const { policy: policyClient, metadata: metadataClient } = clients;
  const origin = { sourceIp: SOURCE_IP, secureTransport: false };
  const getBranch = [{ action: 'codecommit:GetBranch', resource: repoArn, context: {} }];
  const tagContext = Object.fromEntries(Object.entries(REPOSITORY_TAGS).map(([k, v]) => [`aws:ResourceTag/${k}`, { values: [v] }]));
  const q = getBranchQuestion(userArn, repoArn);
  const qTags = { ...q, context: tagContext, resourceTagsIncluded: true };
  const qAdmin = getBranchQuestion(adminArn, repoArn);

  // What the gateway does, with its own code: libs/contracts authorizeAll.
  const gateway = async () => {
    const [answer] = await contracts.authorizeAll(clients, userArn, getBranch, origin);
    if (!answer.allowed) throw new Error(`GetBranch denied for the bench user: ${answer.reason}`);
    return answer;
  };
  const single = () => contracts.callUnary(policyClient, policyClient.authorize, q);
  const singleTags = () => contracts.callUnary(policyClient, policyClient.authorize, qTags);
  const admin = () => contracts.callUnary(policyClient, policyClient.authorize, qAdmin);
  const listTags = () => contracts.callUnary(metadataClient, metadataClient.listTagsForResource, { resourceArn: repoArn, nextToken: '' });

  // The very first decision for this principal: policies read from the store and compiled.
  let t = now();
  const firstAnswer = await gateway();
  const firstMs = now() - t;
  const singleAnswer = await single();
  const taggedAnswer = await singleTags();
  log(`  first decision ${firstMs.toFixed(1)} ms (${firstAnswer.reason}); Authorize alone answers ${JSON.stringify(singleAnswer)}`);

  // Warm-up: JIT on both sides, channels connected.
  for (let i = 0; i < 300; i++) {
    await gateway();
    await single();
    await singleTags();
    await listTags();
    await admin();
  }
  log(`  warm: ${scale.warmCalls} calls of each kind, interleaved in blocks of 100…`);
  const warm = await interleaved(
    { authorizeAll: gateway, authorize: single, authorizeWithTags: singleTags, listTags, adminAuthorize: admin },
    scale.warmCalls,
    { counts: { adminAuthorize: scale.adminCalls }, maxMs: 180_000 },
  );
  const warmStats = Object.fromEntries(Object.entries(warm.samples).map(([k, v]) => [k, stats(v)]));
  log(`  authorizeAll p50 ${warmStats.authorizeAll.p50.toFixed(3)} p99 ${warmStats.authorizeAll.p99.toFixed(3)} ms; Authorize p50 ${warmStats.authorize.p50.toFixed(3)} p99 ${warmStats.authorize.p99.toFixed(3)} ms; admin p99 ${warmStats.adminAuthorize.p99.toFixed(3)} ms`);

  // Cache misses: every call after the principal cache's TTL has passed (as for a principal that
  // makes less than one request per second). Alternating the gateway path and Authorize alone.
  log(`  cache misses: ${scale.missSamples} of each after ${MISS_SLEEP_MS} ms of quiet…`);
  const miss = { authorizeAll: [], authorize: [] };
  const missDeadline = now() + 150_000;
  for (let i = 0; i < scale.missSamples * 2 && now() < missDeadline; i++) {
    await sleep(MISS_SLEEP_MS);
    const kind = i % 2 === 0 ? 'authorizeAll' : 'authorize';
    t = now();
    await (kind === 'authorizeAll' ? gateway() : single());
    miss[kind].push(now() - t);
  }
  const missStats = { authorizeAll: stats(miss.authorizeAll), authorize: stats(miss.authorize) };
  log(`  miss: authorizeAll p50 ${missStats.authorizeAll.p50?.toFixed(2)} max ${missStats.authorizeAll.max?.toFixed(2)} ms; Authorize p50 ${missStats.authorize.p50?.toFixed(2)} ms`);

  // Context: the whole GetBranch through the SDK, as the bench user and as the administrator.
  log(`  SDK GetBranch: ${scale.e2eCalls} as the bench user and as the administrator, interleaved…`);
  const input = { repositoryName: USER_REPOSITORY, branchName: 'main' };
  const asUser = async () => {
    const out = await userSdk.send(new GetBranchCommand(input));
    if (!out.branch?.commitId) throw new Error('GetBranch returned no commit');
  };
  const asAdmin = () => cairn.sdk.send(new GetBranchCommand(input));
  for (let i = 0; i < 50; i++) {
    await asUser();
    await asAdmin();
  }
  const e2e = await interleaved({ user: asUser, admin: asAdmin }, scale.e2eCalls, { block: 50, maxMs: 120_000 });
  const e2eStats = { user: stats(e2e.samples.user), admin: stats(e2e.samples.admin) };
  log(`  SDK GetBranch p50 user ${e2eStats.user.p50.toFixed(2)} ms, admin ${e2eStats.admin.p50.toFixed(2)} ms`);

  return {
    first: { ms: firstMs, reason: firstAnswer.reason },
    singleAnswer,
    taggedAnswer,
    warm: warmStats,
    warmTruncated: warm.truncated,
    warmWallMs: warm.wallMs,
    miss: missStats,
    e2e: e2eStats,
    e2eTruncated: e2e.truncated,
    samples: { ...warm.samples, missAuthorizeAll: miss.authorizeAll, missAuthorize: miss.authorize, e2eUser: e2e.samples.user, e2eAdmin: e2e.samples.admin },
    met: warmStats.authorizeAll.p99 < GOAL_GETBRANCH_P99_MS,
    metSingle: warmStats.authorize.p99 < GOAL_GETBRANCH_P99_MS,
  };
}

// ------------------------------------------------------------------ B: 1,000-ref push

async function goalB(ctx) {
  const { contracts, userArn, adminArn, repoArn, procs } = ctx;
  const { policy: policyClient } = clients;
  const origin = { sourceIp: SOURCE_IP, secureTransport: false };
  const refs = Array.from({ length: scale.refs }, (_, i) => `refs/heads/bench/${i}`);
  // git-protocol's deniedReferences, question for question.
  const questions = refs.map((ref) => ({ action: 'codecommit:GitPush', resource: repoArn, context: { 'codecommit:References': [ref] } }));
  const tagContext = Object.fromEntries(Object.entries(REPOSITORY_TAGS).map(([k, v]) => [`aws:ResourceTag/${k}`, { values: [v] }]));
  const raw = (principalArn, withTags) =>
    refs.map((ref) => ({
      principalArn,
      action: 'codecommit:GitPush',
      resource: repoArn,
      context: { 'codecommit:References': { values: [ref] }, ...(withTags ? tagContext : {}) },
      sourceIp: SOURCE_IP,
      secureTransport: false,
      resourceTagsIncluded: withTags,
    }));
  const untagged = { requests: raw(userArn, false) };
  const tagged = { requests: raw(userArn, true) };
  const adminMany = { requests: raw(adminArn, false) };

  const gitProtocolPath = async () => {
    const answers = await contracts.authorizeAll(clients, userArn, questions, origin);
    const denied = answers.filter((a) => !a.allowed);
    if (answers.length !== refs.length || denied.length) throw new Error(`${denied.length} of ${refs.length} refs denied: ${denied[0]?.reason}`);
  };
  const many = (request) => async () => {
    const out = await contracts.callUnary(policyClient, policyClient.authorizeMany, request);
    if (out.responses.length !== refs.length) throw new Error(`AuthorizeMany answered ${out.responses.length} of ${refs.length}`);
    return out;
  };
  const sampleUntagged = (await many(untagged)()).responses[0];
  const sampleTagged = (await many(tagged)()).responses[0];

  // Cold: the first push question after the principal cache's TTL (policies read from the store).
  log(`  cold: ${scale.manyMissSamples} × authorizeAll of ${scale.refs} GitPush questions, each after ${MISS_SLEEP_MS} ms of quiet…`);
  const cold = [];
  for (let i = 0; i < scale.manyMissSamples; i++) {
    await sleep(MISS_SLEEP_MS);
    const t = now();
    await gitProtocolPath();
    cold.push(now() - t);
  }
  for (let i = 0; i < 3; i++) await gitProtocolPath(); // warm-up
  log(`  warm: ${scale.manyCalls} calls of each kind, interleaved…`);
  // Policy-service CPU per kind: metered around each call.
  const cpu = { authorizeAll: 0, authorizeManyUntagged: 0, authorizeManyTagged: 0, adminAuthorizeMany: 0 };
  const metered = (kind, fn) => async () => {
    const meter = cpuMeter({ policy: procs.policy, 'repo-metadata': procs['repo-metadata'] });
    await fn();
    cpu[kind] += meter.stop().policy;
  };
  const warm = await interleaved(
    {
      authorizeAll: metered('authorizeAll', gitProtocolPath),
      authorizeManyUntagged: metered('authorizeManyUntagged', many(untagged)),
      authorizeManyTagged: metered('authorizeManyTagged', many(tagged)),
      adminAuthorizeMany: metered('adminAuthorizeMany', many(adminMany)),
    },
    scale.manyCalls,
    { block: 5, maxMs: 120_000 },
  );
  const warmStats = Object.fromEntries(Object.entries(warm.samples).map(([k, v]) => [k, stats(v)]));
  const cpuPerCall = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / Math.max(1, warm.samples[k].length)]));
  log(`  authorizeAll(${scale.refs}) p50 ${warmStats.authorizeAll.p50.toFixed(1)} p99 ${warmStats.authorizeAll.p99.toFixed(1)} ms; cold p50 ${stats(cold).p50.toFixed(1)} ms`);

  // The same 1,000 decisions in this process with the policy service's own engine, no gRPC.
  const inProcess = evaluateInProcess(ctx, refs);
  log(`  in-process, per ${scale.refs} questions: evaluation p50 ${inProcess.cpu.p50.toFixed(2)} ms CPU`);

  return {
    refs: scale.refs,
    sampleUntagged,
    sampleTagged,
    cold: stats(cold),
    warm: warmStats,
    warmTruncated: warm.truncated,
    warmWallMs: warm.wallMs,
    policyCpuMsPerCall: cpuPerCall,
    inProcess,
    requestBytes: { untagged: byteLength(contracts, untagged), tagged: byteLength(contracts, tagged) },
    samples: { ...warm.samples, cold },
    met: stats(cold).n > 0 && warmStats.authorizeAll.p99 < GOAL_PUSH_MS,
    metCold: stats(cold).max < GOAL_PUSH_MS,
  };
}

function byteLength(contracts, request) {
  try {
    return contracts.policy.AuthorizeManyRequest.encode(request).finish().length;
  } catch {
    return NaN;
  }
}

/** services/policy/dist/evaluation on the same documents and questions: the evaluation's own share. */
function evaluateInProcess(ctx, refs) {
  const { compilePolicies } = require(join(root, 'services/policy/dist/evaluation/index.js'));
  const c = cairn.creds;
  const documents = benchPolicies(c.accountId, c.region).map((d, i) => ({ id: ctx.policyArns[i], document: d.document }));
  let t = now();
  const set = compilePolicies(documents);
  const compileMs = now() - t;
  const principal = { arn: ctx.userArn, userName: USER_NAME, userId: 'AIDABENCH', accountId: c.accountId };
  const tags = Object.fromEntries(Object.entries(REPOSITORY_TAGS).map(([k, v]) => [`aws:ResourceTag/${k}`, [v]]));
  const currentTime = new Date();
  const requests = refs.map((ref) => ({ action: 'codecommit:GitPush', resource: ctx.repoArn, principal, context: { 'codecommit:References': [ref], ...tags }, currentTime, sourceIp: SOURCE_IP, secureTransport: false }));
  // CPU time of this process per round (process.cpuUsage), so that other work on the machine
  // does not inflate it; wall-clock kept alongside.
  const cpuMsSince = (u) => {
    const d = process.cpuUsage(u);
    return (d.user + d.system) / 1000;
  };
  const times = [];
  const cpuTimes = [];
  let allowed = 0;
  for (let round = 0; round < 60; round++) {
    t = now();
    const u = process.cpuUsage();
    for (const r of requests) if (set.evaluate(r).decision === 'Allow' && round === 0) allowed++;
    if (round >= 10) {
      cpuTimes.push(cpuMsSince(u));
      times.push(now() - t);
    }
  }
  return {
    ...stats(times),
    cpu: stats(cpuTimes),
    compileMs,
    allowed,
    statements: set.size,
  };
}

// ------------------------------------------------------------------ B: git push

async function pushes(ctx) {
  const { source, user } = ctx;
  const env = clientEnv();
  const local = join(workDir, 'local.git');
  await git(['init', '-q', '--bare', local], { env });
  await git(['-C', source.src, 'push', '-q', `file://${local}`, 'main'], { env });
  // The same file:// push into a repository configured as git-storage configures its own: its
  // reference-transaction hook (installed with git-storage's built HooksInstaller) as hooksPath,
  // CAIRN_REF_LOG set. What git itself costs Cairn for 1,000 ref updates, without Cairn's services.
  const hooked = join(workDir, 'local-hooked.git');
  const { HooksInstaller } = require(join(root, 'services/git-storage/dist/ref-journal/hooks-installer.js'));
  const installer = new HooksInstaller({ dataDir: join(workDir, 'storage-hooks') });
  await installer.install();
  await git(['init', '-q', '--bare', hooked], { env });
  await git(['-C', hooked, 'config', 'core.hooksPath', installer.hooksDir], { env });
  await git(['-C', source.src, 'push', '-q', `file://${hooked}`, 'main'], { env });
  const refLog = join(workDir, 'ref-log');
  const targets = {
    file: `file://${local}`,
    fileHooked: `file://${hooked}`,
    admin: cairn.gitUrl(ADMIN_REPOSITORY),
    user: gitUrlAs(user.gitUsername, user.gitPassword, USER_REPOSITORY),
  };
  const envFor = (method) => (method === 'fileHooked' ? { ...env, CAIRN_REF_LOG: refLog } : env);
  const create = ['refs/heads/bench/*:refs/heads/bench/*'];
  const remove = Array.from({ length: scale.refs }, (_, i) => `:refs/heads/bench/${i}`);
  const count = async (url) => (await git(['ls-remote', '--heads', url, 'refs/heads/bench/*'], { env, timeoutMs: 120_000 })).stdout.split('\n').filter(Boolean).length;
  const methods = ['file', 'fileHooked', 'admin', 'user'];
  const out = Object.fromEntries(methods.map((m) => [m, { create: [], delete: [], policyCpuMs: [], gitProtocolCpuMs: [], stackCpuMs: [], clientCpuMs: [] }]));
  const errors = [];
  const procs = ctx.procs;
  const once = async (method, record) => {
    const url = targets[method];
    try {
      const meter = cpuMeter(procs);
      const client0 = childrenCpuMs();
      let t = now();
      await git(['-C', source.src, 'push', '-q', '--no-verify', url, ...create], { env: envFor(method), timeoutMs: 300_000 });
      const createMs = now() - t;
      const cpu = meter.stop();
      const clientCpu = childrenCpuMs() - client0;
      const created = await count(url);
      if (created !== scale.refs) throw new Error(`after the push the remote has ${created} bench branches, expected ${scale.refs}`);
      t = now();
      await git(['-C', source.src, 'push', '-q', '--no-verify', url, ...remove], { env: envFor(method), timeoutMs: 300_000 });
      const deleteMs = now() - t;
      const left = await count(url);
      if (left !== 0) throw new Error(`after the delete push the remote still has ${left} bench branches`);
      if (record) {
        out[method].create.push(createMs);
        out[method].delete.push(deleteMs);
        out[method].policyCpuMs.push(cpu.policy);
        out[method].gitProtocolCpuMs.push(cpu['git-protocol']);
        out[method].stackCpuMs.push(cpu);
        out[method].clientCpuMs.push(clientCpu);
      }
      return createMs;
    } catch (e) {
      errors.push({ method, error: String(e.message ?? e).split('\n').slice(0, 3).join(' / ').slice(0, 400) });
      return NaN;
    }
  };
  for (const m of methods) await once(m, false); // warm-up: page cache, first objects sent
  const deadline = now() + 300_000;
  for (let round = 0; round < scale.pushSamples && now() < deadline; round++) {
    const order = methods.map((_, i) => methods[(i + round) % methods.length]);
    const line = [];
    for (const m of order) line.push(`${m} ${((await once(m, true)) / 1000).toFixed(2)} s`);
    log(`  round ${round + 1}/${scale.pushSamples}: ${line.join(', ')}`);
  }
  const median = (v) => percentile(v, 50);
  const summary = Object.fromEntries(
    methods.map((m) => {
      // Every stack process's CPU per create push (median over the samples), largest first.
      const names = Object.keys(out[m].stackCpuMs[0] ?? {});
      const stack = Object.fromEntries(names.map((n) => [n, median(out[m].stackCpuMs.map((c) => c[n]))]).filter(([, v]) => v > 0).sort((p, q) => q[1] - p[1]));
      return [m, { create: stats(out[m].create), delete: stats(out[m].delete), policyCpuMs: median(out[m].policyCpuMs), gitProtocolCpuMs: median(out[m].gitProtocolCpuMs), stackCpuMs: stack, clientCpuMs: median(out[m].clientCpuMs) }];
    }),
  );
  let refLogLines = NaN;
  try {
    refLogLines = readFileSync(refLog, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    /* no hooked push ran */
  }
  return { samples: out, stats: summary, errors, refs: scale.refs, refLogLines };
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
  const contracts = require(join(root, 'libs/contracts/dist/index.js'));
  workDir = mkdtempSync(join(tmpdir(), 'cairn-authzbench-'));
  log(`work dir ${workDir}`);
  // The authorization cache at its default TTL: the goals are met (or not) as shipped.
  delete process.env.CAIRN_AUTHORIZATION_CACHE_MS;
  cairn = new Cairn(root, join(workDir, 'cairn-data'));
  log('starting Cairn…');
  await cairn.start();
  const c = cairn.creds;
  iam = new IAMClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, maxAttempts: 1 });
  const procs = stackProcesses(cairn);
  const services = cairn.services();
  const grpc = (name) => {
    const s = services.find((e) => e.name === name);
    if (!s?.grpcPort) throw new Error(`no gRPC port for ${name} in services.json`);
    return `127.0.0.1:${s.grpcPort}`;
  };
  clients = {
    policy: contracts.createClient(contracts.policy.PolicyClient, grpc('policy')),
    metadata: contracts.createClient(contracts.metadata.RepoMetadataClient, grpc('repo-metadata')),
    // As the gateway's and git-protocol's Upstreams hold one: repository tags remembered for 1 s.
    resourceTags: new contracts.ResourceTagCache(1000),
  };
  machine.stack = { account: c.accountId, region: c.region, authorizationCacheMs: CACHE_TTL_MS, policy: grpc('policy'), metadata: grpc('repo-metadata') };
  log(`Cairn on :${cairn.httpPort}; policy ${grpc('policy')}, repo-metadata ${grpc('repo-metadata')}`);

  const setup = await step('setup', `IAM user with ${POLICY_COUNT} managed policies × ${STATEMENTS_PER_POLICY} statements, repositories, ${scale.refs} local branches`, async () => {
    const user = await setupIdentity();
    const tags = { ...REPOSITORY_TAGS };
    await cairn.sdk.send(new CreateRepositoryCommand({ repositoryName: USER_REPOSITORY, tags }));
    await cairn.sdk.send(new CreateRepositoryCommand({ repositoryName: ADMIN_REPOSITORY, tags }));
    const source = await setupSource();
    for (const name of [USER_REPOSITORY, ADMIN_REPOSITORY]) await git(['-C', source.src, 'push', '-q', cairn.gitUrl(name), 'main'], { env: clientEnv(), timeoutMs: 120_000 });
    userSdk = sdkClient({ endpoint: c.endpoint, region: c.region, accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey });
    return { user, source, repoArn: `arn:aws:codecommit:${c.region}:${c.accountId}:${USER_REPOSITORY}`, adminArn: c.userArn };
  });
  if (setup.error) return;
  await sleep(2000);
  const idle = await measureIdle(procs, { windows: 2, ms: 2000 });
  results.idleCpuMsPerSecond = idle;
  const ctx = { contracts, userArn: setup.user.userArn, adminArn: setup.adminArn, repoArn: setup.repoArn, policyArns: setup.user.policyArns, procs, source: setup.source, user: setup.user };
  await step('a', 'GetBranch authorization (authorizeAll as the gateway runs it; Authorize alone; misses; SDK end to end)', () => goalA(ctx));
  await step('b', `authorization of a ${scale.refs}-ref push (authorizeAll as git-protocol runs it; AuthorizeMany alone)`, () => goalB(ctx));
  await step('push', `git push of ${scale.refs} branches: bench user vs administrator vs file:// with and without git-storage's hook (${scale.pushSamples} each)`, () => pushes(ctx));
  // Keep only what results.json needs: no secrets.
  delete setup.user.secretAccessKey;
  delete setup.user.gitPassword;
}

function describeMachine() {
  const sh = (cmd, a) => {
    try {
      return execFileSync(cmd, a, { cwd: root, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch {
      return '';
    }
  };
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
    commit: head || 'unknown',
    code: `commit ${head || 'unknown'}${dirty ? ` plus ${dirty} uncommitted changed/new paths under services/ and libs/ (the working tree as built)` : ''}`,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: release(),
    node: process.version,
    git: sh('git', ['--version']),
    grpcJs: JSON.parse(readFileSync(join(root, 'node_modules/@grpc/grpc-js/package.json'), 'utf8')).version,
    loadStart: loadAverage(),
    otherStacks,
  };
}

async function cleanup() {
  killActiveChildren();
  for (const client of [clients?.policy, clients?.metadata]) {
    try {
      client?.close();
    } catch {
      /* best effort */
    }
  }
  for (const c of [iam, userSdk]) {
    try {
      c?.destroy();
    } catch {
      /* best effort */
    }
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

/** Raw samples to 0.1 µs: enough for any percentile, and results.json stays small. */
function roundSamples(value) {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : roundSamples(v)));
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) value[k] = roundSamples(v);
  return value;
}

async function finish(code) {
  if (finished) return;
  finished = true;
  markLoad('end');
  machine.loadEnd = loadAverage();
  machine.totalSeconds = (Date.now() - t0) / 1000;
  await cleanup();
  if (results.setup?.user) {
    delete results.setup.user.secretAccessKey;
    delete results.setup.user.gitPassword;
  }
  roundSamples(results);
  const data = { results, machine, scale, quick };
  mkdirSync(here, { recursive: true });
  writeFileSync(join(here, 'results.json'), JSON.stringify(data, null, 1));
  writeFileSync(join(here, 'RESULTS.md'), renderReport(data));
  log(`wrote bench/authorization/RESULTS.md${keep && workDir ? `; kept ${workDir}` : ''}`);
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
