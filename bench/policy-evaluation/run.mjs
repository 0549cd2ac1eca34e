#!/usr/bin/env node
// IAM policy evaluation benchmark (policy issue: ≥ 50,000 decisions per second per core for a
// principal with 10 policies of 20 statements each).
//
//   node bench/policy-evaluation/run.mjs            transpile src/evaluation with @swc/core, then measure
//   node bench/policy-evaluation/run.mjs --dist     use services/policy/dist/evaluation (after `npx tsc -b services/policy`)
//   options: --seconds=N (per scenario, default 3), --json (one JSON line instead of the table)
//
// Node runs the evaluation on one thread, so decisions/s here is per core. Three scenarios:
//   realistic  a principal's 200 statements over 50 repositories: managed-policy-like allows,
//              branch protection denies on codecommit:References, tag, IP, time and variable
//              conditions; a mix of git and API actions.
//   worst      every one of the 200 statements names the action (codecommit:*) and carries a
//              condition that fails, so every decision walks all 200 statements and their conditions.
//   cold       the first decision for each distinct action on a freshly compiled set (the
//              per-action candidate list is built then); compile time excluded, reported apart.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realisticPolicies as realisticPolicyDocuments } from '../lib/realistic-policies.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 3);
const require = createRequire(import.meta.url);

function loadModule() {
  if (args.includes('--dist')) return require(join(root, 'services/policy/dist/evaluation/index.js'));
  const { transformFileSync } = require('@swc/core');
  const src = join(root, 'services/policy/src/evaluation');
  const out = join(root, 'bench/.work/policy-evaluation');
  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(src)) {
    if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
    const { code } = transformFileSync(join(src, file), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: false,
    });
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), code);
  }
  return require(join(out, 'index.js'));
}

const { compilePolicies } = loadModule();

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const repoArn = (name) => `arn:aws:codecommit:${REGION}:${ACCOUNT}:${name}`;
const REPOS = Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? `alice-tool-${i}` : `service-${i}`));

// --- the principal's policies: 10 documents × 20 statements (bench/lib/realistic-policies.mjs) ---
const realisticPolicies = realisticPolicyDocuments(ACCOUNT, REGION).map((document, p) => ({ id: `arn:aws:iam::${ACCOUNT}:policy/team-${p}`, document }));

// Worst case: every statement matches every codecommit action; every condition fails (or, for
// the Deny statements, does not apply), so nothing short-circuits.
const worstPolicies = Array.from({ length: 10 }, (_, p) => ({
  id: `arn:aws:iam::${ACCOUNT}:policy/worst-${p}`,
  document: JSON.stringify({
    Version: '2012-10-17',
    Statement: Array.from({ length: 20 }, (_, s) => ({
      Sid: `W${p}x${s}`,
      Effect: s % 4 === 0 ? 'Deny' : 'Allow',
      Action: 'codecommit:*',
      Resource: 'arn:aws:codecommit:*',
      Condition: {
        StringLike: { 'codecommit:References': [`refs/heads/release-${p}-${s}/*`, 'refs/tags/*'] },
        IpAddress: { 'aws:SourceIp': '198.51.100.0/24' },
        StringEquals: { 'aws:PrincipalTag/team': `team-${s}` },
      },
    })),
  }),
}));

// --- requests ------------------------------------------------------------------------------------
const principal = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userName: 'alice', userId: 'AIDAALICEEXAMPLE', accountId: ACCOUNT, tags: { team: 'platform', CostCenter: '12345' } };
const now = new Date('2024-06-01T12:00:00Z');
const ACTIONS = [
  ['codecommit:GitPush', ['refs/heads/main']],
  ['codecommit:GitPush', ['refs/heads/feature/login']],
  ['codecommit:GitPush', ['refs/heads/alice/wip']],
  ['codecommit:GitPush', undefined],
  ['codecommit:GitPull', undefined],
  ['codecommit:GetRepository', undefined],
  ['codecommit:GetBranch', undefined],
  ['codecommit:CreatePullRequest', undefined],
  ['codecommit:MergePullRequestBySquash', ['refs/heads/main']],
  ['codecommit:DeleteBranch', ['refs/heads/feature/old']],
  ['codecommit:TagResource', undefined],
  ['codecommit:DeleteRepository', undefined],
];
const requests = Array.from({ length: 4096 }, (_, i) => {
  const [action, refs] = ACTIONS[i % ACTIONS.length];
  const context = { 'aws:ResourceTag/team': [i % 3 === 0 ? 'web' : 'platform'] };
  if (refs) context['codecommit:References'] = refs;
  if (action === 'codecommit:TagResource') context['aws:TagKeys'] = ['team', 'cost-center'];
  return {
    action,
    resource: repoArn(REPOS[(i * 7) % REPOS.length]),
    principal,
    context,
    currentTime: now,
    sourceIp: i % 17 === 0 ? '192.0.2.9' : '203.0.113.10',
    secureTransport: true,
  };
});

// --- measurement -----------------------------------------------------------------------------------
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// Throughput is reported twice: per wall-clock second, and per second of CPU time this process
// got (process.cpuUsage), which is the per-core rate when other work shares the machine.
function measure(name, evaluate) {
  const budget = seconds * 1000;
  for (let i = 0; i < 20_000; i++) evaluate(i); // warm up (JIT, caches)
  let n = 0;
  const cpu0 = process.cpuUsage();
  let started = performance.now();
  while (performance.now() - started < budget / 2) {
    for (let k = 0; k < 1000; k++) evaluate(n++);
  }
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const samples = [];
  started = performance.now();
  let i = 0;
  while (performance.now() - started < budget / 2) {
    const t = process.hrtime.bigint();
    evaluate(i++);
    samples.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    name,
    perWallSecond: Math.round(n / wall),
    perCpuSecond: Math.round(n / ((cpu.user + cpu.system) / 1e6)),
    p50us: percentile(samples, 50),
    p99us: percentile(samples, 99),
  };
}

// First decision per action on a freshly compiled set: the per-action candidate list is built
// then. Compilation itself is not timed (it happens once per principal and policy change).
function measureCold() {
  const samples = [];
  const deadline = performance.now() + seconds * 1000;
  let round = 0;
  while (performance.now() < deadline) {
    const set = compilePolicies(realisticPolicies);
    for (let a = 0; a < ACTIONS.length; a++) {
      const r = requests[(round * ACTIONS.length + a) & 4095];
      const t = process.hrtime.bigint();
      set.evaluate(r);
      samples.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    round++;
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((x, y) => x + y, 0) / samples.length;
  return { name: 'cold', perWallSecond: Math.round(1e6 / mean), perCpuSecond: NaN, p50us: percentile(samples, 50), p99us: percentile(samples, 99) };
}

let t0 = performance.now();
const realistic = compilePolicies(realisticPolicies);
const firstCompileMs = performance.now() - t0;
const worst = compilePolicies(worstPolicies);
t0 = performance.now();
for (let i = 0; i < 20; i++) compilePolicies(realisticPolicies);
const compileMs = (performance.now() - t0) / 20;

const tally = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
for (const r of requests) tally[realistic.evaluate(r).decision]++;
const worstDecision = worst.evaluate(requests[0]);

const results = [
  measure('realistic', (i) => realistic.evaluate(requests[i & 4095])),
  measure('worst', (i) => worst.evaluate(requests[i & 4095])),
  measureCold(),
];

const target = 50_000;
const summary = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  statements: realistic.size,
  firstCompileMs: Number(firstCompileMs.toFixed(2)),
  compileMs: Number(compileMs.toFixed(2)),
  decisionMix: tally,
  worstCaseDecision: worstDecision.decision,
  results,
  target,
};
if (args.includes('--json')) {
  console.log(JSON.stringify(summary));
} else {
  console.log(`IAM policy evaluation — ${summary.statements} statements (10 policies × 20), ${summary.node}, ${summary.cpu}`);
  console.log(`compile: ${summary.firstCompileMs} ms first (cold JIT), ${summary.compileMs} ms warm; realistic decision mix over ${requests.length} requests: ${JSON.stringify(tally)}`);
  console.log('scenario   decisions/s (CPU)  decisions/s (wall)   p50 µs   p99 µs');
  for (const r of results) {
    const cpuRate = Number.isNaN(r.perCpuSecond) ? '-' : String(r.perCpuSecond);
    console.log(`${r.name.padEnd(10)} ${cpuRate.padStart(18)} ${String(r.perWallSecond).padStart(19)} ${r.p50us.toFixed(2).padStart(8)} ${r.p99us.toFixed(2).padStart(8)}`);
  }
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs (wall-clock figures and latency include time other processes held the CPU)`);
  const ok = results[0].perCpuSecond >= target && results[1].perCpuSecond >= target;
  console.log(`goal ≥ ${target} decisions/s per core (realistic and worst case, CPU time): ${ok ? 'met' : 'NOT met'}`);
  process.exitCode = ok ? 0 : 1;
}
