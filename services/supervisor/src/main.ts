import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { SupervisedChild } from './child-process';
import { freePort } from './ports';

/**
 * All-in-one mode: the same service binaries as in a cluster, each its own process on loopback,
 * with embedded PostgreSQL (PGlite) servers and a Postgres-backed event log. Git traffic and the
 * AWS API share the public port (git-protocol is the front door and passes the API on).
 */
const dataDir = resolve(process.env.CAIRN_DATA_DIR || '.cairn');
const httpPort = Number(process.env.CAIRN_HTTP_PORT || 8080);
const sshPort = Number(process.env.CAIRN_SSH_PORT || 2222);
const region = process.env.CAIRN_REGION || 'us-east-1';
const endpoint = `http://127.0.0.1:${httpPort}`;

const children: SupervisedChild[] = [];

async function main(): Promise<void> {
  for (const dir of ['run', 'logs', 'db', 'secrets', 'storage/zone-a']) await mkdir(join(dataDir, dir), { recursive: true });
  await chmod(join(dataDir, 'secrets'), 0o700);
  const masterKeyFile = await ensureMasterKey();
  const servicesFile = join(dataDir, 'run', 'services.json');

  const databases = { policy: await freePort(), metadata: await freePort(), events: await freePort() };
  const pgUrl = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;
  const grpc = { policy: await freePort(), storage: await freePort(), metadata: await freePort() };
  const gatewayPort = await freePort();
  const eventLogUrl = pgUrl(databases.events);

  const pgliteScript = join(__dirname, 'pglite-server.js');
  for (const [name, port] of Object.entries(databases)) {
    const dir = join(dataDir, 'db', name);
    await mkdir(dir, { recursive: true });
    children.push(child(`db-${name}`, pgliteScript, {}, { port, dataDir: dir }, [dir, String(port)]));
  }

  const common = { CAIRN_BIND_HOST: '127.0.0.1', CAIRN_REGION: region };
  const service = async (name: string, env: Record<string, string>, grpcPort: number, info: Record<string, unknown> = {}) => {
    const metricsPort = await freePort();
    return child(name, require.resolve(`@cairn/${name}`), { ...common, ...env, CAIRN_GRPC_PORT: String(grpcPort), CAIRN_METRICS_PORT: String(metricsPort) }, { grpcPort, metricsPort, ...info });
  };
  const storageDir = join(dataDir, 'storage', 'zone-a');
  children.push(
    await service('policy', { CAIRN_DATABASE_URL: pgUrl(databases.policy), CAIRN_MASTER_KEY_FILE: masterKeyFile, CAIRN_BOOTSTRAP_OUTPUT: join(dataDir, 'secrets', 'bootstrap.json') }, grpc.policy),
    await service('git-storage', { CAIRN_STORAGE_DIR: storageDir, CAIRN_ZONE: 'zone-a', CAIRN_EVENT_LOG_URL: eventLogUrl }, grpc.storage, { zone: 'zone-a', dataDir: storageDir }),
    await service(
      'repo-metadata',
      {
        CAIRN_DATABASE_URL: pgUrl(databases.metadata),
        CAIRN_EVENT_LOG_URL: eventLogUrl,
        CAIRN_POLICY_ADDR: `127.0.0.1:${grpc.policy}`,
        CAIRN_STORAGE_ADDR: `127.0.0.1:${grpc.storage}`,
        CAIRN_PUBLIC_HTTP_URL: endpoint,
        CAIRN_PUBLIC_SSH_URL: `ssh://127.0.0.1:${sshPort}`,
      },
      grpc.metadata,
    ),
    await service('api-gateway', { CAIRN_API_PORT: String(gatewayPort), CAIRN_POLICY_ADDR: `127.0.0.1:${grpc.policy}`, CAIRN_METADATA_ADDR: `127.0.0.1:${grpc.metadata}` }, 0),
    await service(
      'git-protocol',
      {
        CAIRN_HTTP_HOST: '127.0.0.1',
        CAIRN_HTTP_PORT: String(httpPort),
        CAIRN_POLICY_ADDR: `127.0.0.1:${grpc.policy}`,
        CAIRN_METADATA_ADDR: `127.0.0.1:${grpc.metadata}`,
        CAIRN_STORAGE_ADDR: `127.0.0.1:${grpc.storage}`,
        CAIRN_API_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
      },
      0,
    ),
  );

  const writeServices = () =>
    writeFile(servicesFile, JSON.stringify(children.map((c) => ({ name: c.spec.name, pid: c.pid, ...c.spec.info })), null, 2)).catch(() => undefined);
  for (const c of children) {
    c.onRestart = (name, code) => {
      process.stderr.write(`cairn: ${name} exited (${code ?? 'signal'}); restarting\n`);
      void c.ready(120_000).then(writeServices, () => undefined);
    };
  }

  // Databases first, then services in the order they depend on each other.
  for (const c of children) {
    c.start();
    await c.ready(120_000);
  }
  await writeServices();
  await waitForHealth(`${endpoint}/healthz`, 60_000);
  await writeAdminCredentials();
  process.stdout.write(`Cairn ready: API and git at ${endpoint} (git: ${endpoint}/v1/repos/<name>), SSH port ${sshPort}, data in ${dataDir}\n`);
}

function child(name: string, script: string, env: Record<string, string>, info: Record<string, unknown>, args: string[] = []): SupervisedChild {
  return new SupervisedChild({ name, script, args, env, info, logFile: join(dataDir, 'logs', `${name}.log`) });
}

async function ensureMasterKey(): Promise<string> {
  const file = join(dataDir, 'secrets', 'master.key');
  if (!existsSync(file)) {
    await writeFile(`${file}.tmp`, randomBytes(32).toString('base64'), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
  return file;
}

async function writeAdminCredentials(): Promise<void> {
  const bootstrap = JSON.parse(await readFile(join(dataDir, 'secrets', 'bootstrap.json'), 'utf8')) as Record<string, string>;
  const credentials = {
    accountId: bootstrap.accountId,
    region: bootstrap.region,
    endpoint,
    accessKeyId: bootstrap.accessKeyId,
    secretAccessKey: bootstrap.secretAccessKey,
    gitUsername: bootstrap.gitUsername,
    gitPassword: bootstrap.gitPassword,
    sshPort,
    userArn: bootstrap.userArn,
  };
  const file = join(dataDir, 'admin-credentials.json');
  await writeFile(`${file}.tmp`, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePromise, reject) => {
    const attempt = () => {
      const req = request(url, { timeout: 3000 }, (res) => {
        res.resume();
        if (res.statusCode === 200) resolvePromise();
        else retry();
      });
      req.on('error', retry);
      req.on('timeout', () => req.destroy());
      req.end();
    };
    const retry = () => (Date.now() > deadline ? reject(new Error(`${url} did not answer 200 within ${timeoutMs} ms`)) : setTimeout(attempt, 200));
    attempt();
  });
}

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Reverse order: the front door first, the databases last.
  for (const c of [...children].reverse()) await c.stop();
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
main().catch((error) => {
  process.stderr.write(`cairn: failed to start: ${(error as Error).message}\n`);
  void stop(1);
});
