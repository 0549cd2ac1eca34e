// smoke-test: what `helm test` runs. Through the installed release, as a user would: wait for the
// front door's /healthz, create a repository with the CodeCommit API (SigV4, the administrator's
// access key), clone it, commit, push, clone it again and compare, read the branch through the API,
// and delete the repository. Exit 0 only when every step worked.
//
// CAIRN_SMOKE_ENDPOINT      the front door, e.g. http://cairn-git-protocol:8080 (API and git)
// CAIRN_SMOKE_CREDENTIALS   admin-credentials.json (the init Job's Secret)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

const endpoint = new URL(process.env.CAIRN_SMOKE_ENDPOINT || 'http://127.0.0.1:8080');
const credentialsFile = process.env.CAIRN_SMOKE_CREDENTIALS || '/etc/cairn/admin/admin-credentials.json';
const timeoutMs = Number(process.env.CAIRN_SMOKE_TIMEOUT_SECONDS || 300) * 1000;

const step = (message) => process.stdout.write(`smoke-test: ${message}\n`);

function send(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, timeout: 60_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 60 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function waitForHealth() {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await send('GET', new URL('/healthz', endpoint), {}).catch((error) => ({ status: 0, body: error.message }));
    if (res.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${endpoint}healthz did not answer 200 (last: ${res.status} ${res.body.trim()})`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function codeCommit(credentials) {
  const signer = new SignatureV4({
    service: 'codecommit',
    region: credentials.region,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    sha256: Sha256,
  });
  return async (operation, input) => {
    const body = JSON.stringify(input);
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      path: '/',
      headers: {
        host: endpoint.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `CodeCommit_20150413.${operation}`,
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    const res = await send('POST', new URL('/', endpoint), signed.headers, body);
    if (res.status !== 200) throw new Error(`${operation} answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body || '{}');
  };
}

function git(args, cwd) {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: cwd ?? tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', LANG: 'C' },
  });
}

async function main() {
  const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8'));
  const call = codeCommit(credentials);
  step(`waiting for ${endpoint.origin}/healthz`);
  await waitForHealth();

  const name = `helm-test-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const work = mkdtempSync(join(tmpdir(), 'cairn-smoke-'));
  const url = new URL(`/v1/repos/${name}`, endpoint);
  url.username = encodeURIComponent(credentials.gitUsername);
  url.password = encodeURIComponent(credentials.gitPassword);
  let created = false;
  try {
    step(`CreateRepository ${name}`);
    const out = await call('CreateRepository', { repositoryName: name, repositoryDescription: 'created by helm test; deleted when it ends' });
    created = true;
    if (out.repositoryMetadata?.repositoryName !== name) throw new Error(`CreateRepository answered ${JSON.stringify(out)}`);

    step('clone (empty), commit, push');
    const first = join(work, 'first');
    git(['clone', '--quiet', url.href, first]);
    const content = `smoke test ${new Date().toISOString()} ${randomBytes(8).toString('hex')}\n`;
    writeFileSync(join(first, 'README.md'), content);
    git(['add', 'README.md'], first);
    git(['-c', 'user.name=Cairn smoke test', '-c', 'user.email=smoke-test@cairn.invalid', 'commit', '--quiet', '-m', 'smoke test'], first);
    git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], first);
    const pushed = git(['rev-parse', 'HEAD'], first).trim();

    step('clone again and compare');
    const second = join(work, 'second');
    git(['clone', '--quiet', '--branch', 'main', url.href, second]);
    if (git(['rev-parse', 'HEAD'], second).trim() !== pushed) throw new Error('the second clone has another commit than the one pushed');
    if (readFileSync(join(second, 'README.md'), 'utf8') !== content) throw new Error('the second clone has other content than the one pushed');

    step('GetBranch main');
    const branch = await call('GetBranch', { repositoryName: name, branchName: 'main' });
    if (branch.branch?.commitId !== pushed) throw new Error(`GetBranch says main is ${branch.branch?.commitId}, pushed ${pushed}`);
  } finally {
    if (created) {
      step(`DeleteRepository ${name}`);
      await call('DeleteRepository', { repositoryName: name });
    }
    rmSync(work, { recursive: true, force: true });
  }
  step('passed');
}

main().catch((error) => {
  process.stderr.write(`smoke-test: FAILED: ${error.message}\n`);
  process.exit(1);
});
