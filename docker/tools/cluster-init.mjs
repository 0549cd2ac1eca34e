// cluster-init: the one-time set-up of an installation, run by the chart's init Job on every
// install and upgrade (it is idempotent).
//
// 1. The keys Secret (master key, webhook signing key, SSH host key): read it; when it is missing
//    and the chart lets this Job generate it, create it. Keys made here never pass through Helm's
//    release record or a values file.
// 2. The account: run the policy service once, with a bootstrap output file. On the very first
//    start it creates the account and the administrator and writes their secrets to that file
//    (before its commit, renamed after: decision 0008); otherwise it writes nothing.
// 3. When the file exists, store the administrator's credentials in a Secret, then create the
//    bootstrap ConfigMap. The policy Deployment mounts that ConfigMap, so no policy replica starts
//    (and bootstraps an account of its own) before this Job has finished step 3.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { kubeClient, labelsFromEnv, log } from './kube.mjs';

const env = process.env;
const app = env.CAIRN_APP_DIR || '/app';
const require = createRequire(import.meta.url);

const KEY_FILES = ['master.key', 'webhook-signing.key', 'ssh_host_ed25519_key'];

function need(name) {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main() {
  const kube = kubeClient();
  const labels = labelsFromEnv();
  const keysSecret = need('CAIRN_KEYS_SECRET');
  const adminSecret = need('CAIRN_ADMIN_SECRET');
  const marker = need('CAIRN_BOOTSTRAP_CONFIGMAP');
  const work = env.CAIRN_INIT_WORK_DIR || '/tmp/cairn-init';
  mkdirSync(work, { recursive: true, mode: 0o700 });

  const keys = await ensureKeys(kube, keysSecret, env.CAIRN_KEYS_GENERATE === 'true', labels);
  const masterKeyFile = join(work, 'master.key');
  writeFileSync(masterKeyFile, keys['master.key'], { mode: 0o600 });

  const output = join(work, 'bootstrap.json');
  await runPolicyOnce({ CAIRN_MASTER_KEY_FILE: masterKeyFile, CAIRN_BOOTSTRAP_OUTPUT: output });
  rmSync(masterKeyFile, { force: true });

  let accountId = '';
  if (existsSync(output)) {
    const bootstrap = JSON.parse(readFileSync(output, 'utf8'));
    accountId = bootstrap.accountId;
    const credentials = {
      accountId: bootstrap.accountId,
      region: bootstrap.region,
      endpoint: env.CAIRN_PUBLIC_HTTP_URL || '',
      accessKeyId: bootstrap.accessKeyId,
      secretAccessKey: bootstrap.secretAccessKey,
      gitUsername: bootstrap.gitUsername,
      gitPassword: bootstrap.gitPassword,
      sshPort: Number(env.CAIRN_PUBLIC_SSH_PORT || 22),
      userArn: bootstrap.userArn,
    };
    await upsertSecret(kube, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: adminSecret, labels: { ...labels, 'app.kubernetes.io/component': 'admin-credentials' } },
      type: 'Opaque',
      stringData: {
        'admin-credentials.json': `${JSON.stringify(credentials, null, 2)}\n`,
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        gitUsername: credentials.gitUsername,
        gitPassword: credentials.gitPassword,
      },
    });
    rmSync(output, { force: true });
    log(`bootstrapped account ${accountId}; the administrator's credentials are in Secret ${adminSecret}`);
  } else {
    log('the account exists already: nothing to bootstrap');
  }

  const created = await kube.create('configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: marker, labels: { ...labels, 'app.kubernetes.io/component': 'bootstrap' } },
    data: { accountId, bootstrappedAt: new Date().toISOString() },
  });
  log(created ? `created ConfigMap ${marker}: policy replicas may start` : `ConfigMap ${marker} exists`);
}

/** The keys Secret's values (decoded); created with fresh keys when missing and allowed. */
async function ensureKeys(kube, name, generate, labels) {
  const waitUntil = Date.now() + Number(env.CAIRN_KEYS_WAIT_SECONDS || 300) * 1000;
  for (;;) {
    const secret = await kube.get('secrets', name);
    if (secret) return decodeKeys(secret, name);
    if (generate) {
      const stringData = {
        'master.key': randomBytes(32).toString('base64'),
        'webhook-signing.key': randomBytes(32).toString('hex'),
        'ssh_host_ed25519_key': sshHostKey(),
      };
      const metadata = {
        name,
        labels: { ...labels, 'app.kubernetes.io/component': 'keys' },
        // Losing the master key makes every stored secret access key unreadable: never delete it with the release.
        annotations: { 'helm.sh/resource-policy': 'keep' },
      };
      if (await kube.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', stringData })) {
        log(`created Secret ${name} with new keys`);
        return stringData;
      }
      continue; // created by someone else meanwhile: read theirs
    }
    // Supplied by the operator (or by this release's own manifests, applied at the same time).
    if (Date.now() > waitUntil) throw new Error(`Secret ${name} does not exist (create it as docs/operations/install.md says, or let the chart generate it)`);
    log(`waiting for Secret ${name}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function decodeKeys(secret, name) {
  const keys = {};
  for (const file of KEY_FILES) {
    const value = secret.data?.[file];
    if (!value) throw new Error(`Secret ${name} has no ${file}`);
    keys[file] = Buffer.from(value, 'base64').toString('utf8');
  }
  if (Buffer.from(keys['master.key'].trim(), 'base64').length !== 32) throw new Error(`Secret ${name}: master.key must be 32 bytes, base64-encoded`);
  return keys;
}

/** An ed25519 host key in OpenSSH format, made exactly as git-protocol makes its own. */
function sshHostKey() {
  const { generateEd25519OpenSshKey } = require(join(app, 'services/git-protocol/dist/ssh/host-key.js'));
  return generateEd25519OpenSshKey('cairn');
}

/** Creates the Secret, or replaces it (a new bootstrap means the old credentials are void). */
async function upsertSecret(kube, secret) {
  if (await kube.create('secrets', secret)) return;
  const existing = await kube.get('secrets', secret.metadata.name);
  await kube.replace('secrets', { ...secret, metadata: { ...secret.metadata, resourceVersion: existing?.metadata?.resourceVersion } });
}

/** Starts the policy service (its bootstrap runs before it reports ready), then stops it. */
function runPolicyOnce(extraEnv) {
  const main = join(app, 'services/policy/dist/main.js');
  const child = fork(main, [], {
    env: { ...env, ...extraEnv, CAIRN_BIND_HOST: '127.0.0.1', CAIRN_GRPC_PORT: '0', CAIRN_METRICS_PORT: '0' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let ready = false;
    child.on('message', (message) => {
      if (message?.type !== 'ready' || ready) return;
      ready = true;
      log('policy bootstrapped; stopping it');
      child.kill('SIGTERM');
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (ready) resolve();
      else reject(new Error(`the policy service exited (${code ?? signal}) before it was ready`));
    });
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`cluster-init failed: ${error.message}`);
    process.exit(1);
  },
);
