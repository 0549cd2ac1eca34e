#!/usr/bin/env node
// `npm test`: on a fresh machine, install what is missing, check generated code, build, run every
// jest suite (unit, integration, end to end) against real PostgreSQL, Kafka, git and AWS clients,
// and end with one line of our own: `N passed, N failed`. Extra arguments go to jest
// (e.g. `npm test -- e2e/git-http`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const step = (title, cmd, args, options = {}) => {
  console.log(`\n== ${title}`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.log(`\n${title} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
};

if (!existsSync(join(root, 'node_modules/.package-lock.json'))) step('installing npm packages', 'npm', ['ci', '--no-audit', '--no-fund']);
step('system packages', 'bash', [join(root, 'scripts/ensure-system-deps.sh')]);
step('generated contracts are up to date', 'node', [join(root, 'scripts/proto.mjs'), '--check']);
step('build', 'npm', ['run', '--silent', 'build']);
step('lint', 'npx', ['eslint', '.']);

const out = mkdtempSync(join(tmpdir(), 'cairn-jest-'));
const results = join(out, 'results.json');
console.log('\n== tests');
// One suite at a time: end-to-end suites each run a whole stack of processes on a 2-core machine.
spawnSync('npx', ['jest', '--runInBand', '--json', `--outputFile=${results}`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  // A suite that failed before running any test (a syntax error, a failing beforeAll) counts too.
  for (const suite of report.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.every((a) => a.status !== 'failed')) failed += 1;
  }
} catch (error) {
  console.log(`could not read jest's results: ${error.message}`);
  failed += 1;
}
rmSync(out, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
