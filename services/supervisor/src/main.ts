import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { ReadyMessage, SupervisedChild } from './child-process';

/**
 * All-in-one mode: the same service binaries as in a cluster, each its own process on loopback,
 * with embedded PostgreSQL (PGlite) servers and a Postgres-backed event log. Git traffic and the
 * AWS API share the public port (git-protocol is the front door and passes the API on).
 *
 * Every internal port is chosen by the OS (port 0) and reported back over IPC; a restarted
 * process asks for the port it had, so its peers' addresses stay valid. (Picking "free" ports up
 * front races with every other program on the machine.)
 */
const dataDir = resolve(process.env.CAIRN_DATA_DIR || '.cairn');
const httpPort = Number(process.env.CAIRN_HTTP_PORT || 8080);
const sshPort = Number(process.env.CAIRN_SSH_PORT || 2222);
const region = process.env.CAIRN_REGION || 'us-east-1';
/** CAIRN_TLS_CERT_FILE and CAIRN_TLS_KEY_FILE (PEM) make the public port speak HTTPS. */
const tls = Boolean(process.env.CAIRN_TLS_CERT_FILE);
const endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${httpPort}`;

const children: SupervisedChild[] = [];

async function main(): Promise<void> {
  for (const dir of ['run', 'logs', 'db', 'secrets', 'storage/zone-a']) await mkdir(join(dataDir, dir), { recursive: true });
  await chmod(join(dataDir, 'secrets'), 0o700);
  const masterKeyFile = await ensureMasterKey();
  const servicesFile = join(dataDir, 'run', 'services.json');
  const writeServices = () =>
    writeFile(servicesFile, JSON.stringify(children.map((c) => ({ name: c.spec.name, pid: c.pid, ...c.spec.info })), null, 2)).catch(() => undefined);

  /** Starts a child, waits until it is ready, and pins the ports it reported for its restarts. */
  const start = async (name: string, script: string, env: Record<string, string>, info: Record<string, unknown> = {}, args: string[] = []): Promise<ReadyMessage> => {
    const child = new SupervisedChild({ name, script, args, env, info, logFile: join(dataDir, 'logs', `${name}.log`) });
    children.push(child);
    child.onRestart = (exited, code) => {
      process.stderr.write(`cairn: ${exited} exited (${code ?? 'signal'}); restarting\n`);
      void child.ready(120_000).then(writeServices, () => undefined);
    };
    child.start();
    await child.ready(120_000);
    const ready = child.readyMessage;
    if (ready.grpcPort) child.spec.env.CAIRN_GRPC_PORT = String(ready.grpcPort);
    if (ready.metricsPort) child.spec.env.CAIRN_METRICS_PORT = String(ready.metricsPort);
    if (ready.port) child.spec.args = [args[0], String(ready.port)];
    Object.assign(child.spec.info, { grpcPort: ready.grpcPort, metricsPort: ready.metricsPort, port: ready.port });
    return ready;
  };

  const pgliteScript = join(__dirname, 'pglite-server.js');
  const database = async (name: string) => {
    const dir = join(dataDir, 'db', name);
    await mkdir(dir, { recursive: true });
    const { port } = await start(`db-${name}`, pgliteScript, {}, { dataDir: dir }, [dir, '0']);
    return `postgres://postgres@127.0.0.1:${port}/postgres`;
  };
  const policyDb = await database('policy');
  const metadataDb = await database('metadata');
  const pullRequestsDb = await database('pull-requests');
  const auditDb = await database('audit');
  const metricsDb = await database('metrics');
  const eventLogUrl = await database('events');

  const service = (name: string, env: Record<string, string>, info: Record<string, unknown> = {}) =>
    start(
      name,
      require.resolve(`@cairn/${name}`),
      // One connection per PGlite: see openDatabase in libs/runtime.
      { CAIRN_BIND_HOST: '127.0.0.1', CAIRN_REGION: region, CAIRN_GRPC_PORT: '0', CAIRN_METRICS_PORT: '0', CAIRN_DATABASE_POOL_SIZE: '1', ...env },
      info,
    );
  const address = (ready: ReadyMessage) => `127.0.0.1:${ready.grpcPort}`;

  const policy = address(
    await service('policy', { CAIRN_DATABASE_URL: policyDb, CAIRN_MASTER_KEY_FILE: masterKeyFile, CAIRN_BOOTSTRAP_OUTPUT: join(dataDir, 'secrets', 'bootstrap.json') }),
  );
  const storageDir = join(dataDir, 'storage', 'zone-a');
  const storage = address(await service('git-storage', { CAIRN_STORAGE_DIR: storageDir, CAIRN_ZONE: 'zone-a', CAIRN_EVENT_LOG_URL: eventLogUrl }, { zone: 'zone-a', dataDir: storageDir }));
  const metadata = address(
    await service('repo-metadata', {
      CAIRN_DATABASE_URL: metadataDb,
      CAIRN_EVENT_LOG_URL: eventLogUrl,
      CAIRN_POLICY_ADDR: policy,
      CAIRN_STORAGE_ADDR: storage,
      CAIRN_PUBLIC_HTTP_URL: endpoint,
      CAIRN_PUBLIC_SSH_URL: `ssh://127.0.0.1:${sshPort}`,
      CAIRN_WEBHOOK_SECRET_FILE: join(dataDir, 'secrets', 'webhook-signing.key'),
    }),
  );
  const pullRequests = address(
    await service('pull-requests', { CAIRN_DATABASE_URL: pullRequestsDb, CAIRN_EVENT_LOG_URL: eventLogUrl, CAIRN_METADATA_ADDR: metadata, CAIRN_STORAGE_ADDR: storage }),
  );
  const audit = address(await service('audit', { CAIRN_DATABASE_URL: auditDb, CAIRN_EVENT_LOG_URL: eventLogUrl }));
  await service('metrics', { CAIRN_DATABASE_URL: metricsDb, CAIRN_EVENT_LOG_URL: eventLogUrl });
  const gatewayPort = await startGateway(service, { policy, metadata, pullRequests, audit, eventLogUrl });
  await service('git-protocol', {
    CAIRN_HTTP_HOST: '127.0.0.1',
    CAIRN_HTTP_PORT: String(httpPort),
    CAIRN_POLICY_ADDR: policy,
    CAIRN_METADATA_ADDR: metadata,
    CAIRN_STORAGE_ADDR: storage,
    CAIRN_API_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
    CAIRN_SSH_PORT: String(sshPort),
    CAIRN_SSH_HOST_KEY_FILE: join(dataDir, 'secrets', 'ssh_host_ed25519_key'),
    CAIRN_EVENT_LOG_URL: eventLogUrl,
  });

  await writeServices();
  await waitForHealth(`${endpoint}/healthz`, 60_000);
  await writeAdminCredentials();
  process.stdout.write(`Cairn ready: API and git at ${endpoint} (git: ${endpoint}/v1/repos/<name>), SSH port ${sshPort}, data in ${dataDir}\n`);
}

/**
 * The gateway's HTTP port is internal; like the gRPC ports it is picked by the OS on first start
 * and kept for restarts.
 */
async function startGateway(
  service: (name: string, env: Record<string, string>) => Promise<ReadyMessage>,
  peers: { policy: string; metadata: string; pullRequests: string; audit: string; eventLogUrl: string },
): Promise<number> {
  const ready = await service('api-gateway', {
    CAIRN_API_PORT: '0',
    CAIRN_POLICY_ADDR: peers.policy,
    CAIRN_METADATA_ADDR: peers.metadata,
    CAIRN_PULL_REQUESTS_ADDR: peers.pullRequests,
    CAIRN_AUDIT_ADDR: peers.audit,
    CAIRN_EVENT_LOG_URL: peers.eventLogUrl,
  });
  const gateway = children[children.length - 1];
  gateway.spec.env.CAIRN_API_PORT = String(ready.httpPort);
  return ready.httpPort!;
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
      // A liveness probe of our own port on loopback: the certificate may name another host.
      const req = (url.startsWith('https:') ? httpsRequest : request)(url, { timeout: 3000, rejectUnauthorized: false }, (res) => {
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
