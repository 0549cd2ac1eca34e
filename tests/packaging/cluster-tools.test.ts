import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { createTestDatabase, makeTempDir } from '@cairn/testing';
import { ROOT } from './support';
import { Stack } from '../../e2e/support/stack';

/**
 * The tools the chart runs from the image (docker/tools), run here from the checkout through the
 * image's entry point, against real dependencies where they can be had: PostgreSQL and the built
 * policy service for cluster-init, the all-in-one stack for the `helm test` smoke test. The
 * Kubernetes API is a fake that keeps Secrets, ConfigMaps and Nodes in memory.
 */
const ENTRYPOINT = join(ROOT, 'docker/entrypoint.sh');
const TOKEN = 'test-token';

interface FakeApi {
  url: string;
  objects: Map<string, Record<string, unknown> & { metadata: { name: string; resourceVersion?: string } }>;
  requests: string[];
  close(): Promise<void>;
}

/** Enough of the Kubernetes API for the tools: get/create/replace of namespaced Secrets and ConfigMaps, get of Nodes. */
async function fakeKubernetesApi(nodes: Record<string, Record<string, string>> = {}): Promise<FakeApi> {
  const objects: FakeApi['objects'] = new Map();
  const requests: string[] = [];
  let version = 1;
  const body = (req: IncomingMessage) => new Promise<string>((resolve) => { let t = ''; req.on('data', (c) => (t += c)); req.on('end', () => resolve(t)); });
  const server: Server = createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const send = (status: number, payload: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: 'Unauthorized' });
    const node = /^\/api\/v1\/nodes\/([^/]+)$/.exec(req.url ?? '');
    if (node) return nodes[node[1]] ? send(200, { metadata: { name: node[1], labels: nodes[node[1]] } }) : send(404, { message: 'not found' });
    const m = /^\/api\/v1\/namespaces\/cairn\/(secrets|configmaps)(?:\/([^/]+))?$/.exec(req.url ?? '');
    if (!m) return send(404, { message: `no route ${req.url}` });
    const [, resource, name] = m;
    const key = (n: string) => `${resource}/${n}`;
    if (req.method === 'GET' && name) return objects.has(key(name)) ? send(200, objects.get(key(name))) : send(404, { message: 'not found' });
    const object = JSON.parse(await body(req));
    // Like the API server: stringData is folded into base64 data.
    if (object.stringData) {
      object.data = { ...object.data, ...Object.fromEntries(Object.entries<string>(object.stringData).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) };
      delete object.stringData;
    }
    if (req.method === 'POST' && !name) {
      if (objects.has(key(object.metadata.name))) return send(409, { message: 'AlreadyExists' });
      object.metadata.resourceVersion = String(version++);
      objects.set(key(object.metadata.name), object);
      return send(201, object);
    }
    if (req.method === 'PUT' && name) {
      if (objects.get(key(name))?.metadata.resourceVersion !== object.metadata.resourceVersion) return send(409, { message: 'Conflict' });
      object.metadata.resourceVersion = String(version++);
      objects.set(key(name), object);
      return send(200, object);
    }
    send(405, { message: 'method not allowed' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, objects, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function serviceAccountDir(): string {
  const dir = makeTempDir('cairn-sa-');
  writeFileSync(join(dir, 'token'), TOKEN);
  writeFileSync(join(dir, 'namespace'), 'cairn');
  return dir;
}

function runEntrypoint(args: string[], env: Record<string, string>, timeoutMs = 120_000) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('sh', [ENTRYPOINT, ...args], { env: { PATH: process.env.PATH, HOME: tmpdir(), CAIRN_APP_DIR: ROOT, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const secretValue = (api: FakeApi, name: string, key: string) => {
  const data = (api.objects.get(`secrets/${name}`)?.data ?? {}) as Record<string, string>;
  return data[key] === undefined ? undefined : Buffer.from(data[key], 'base64').toString('utf8');
};

function requireBuild(path: string): void {
  if (!existsSync(join(ROOT, path))) throw new Error(`${path} is missing: these tests run the built services (npm run build; npm test builds first)`);
}

describe('node-zone (git-storage init container)', () => {
  let api: FakeApi;
  let sa: string;
  beforeAll(async () => {
    api = await fakeKubernetesApi({ 'node-a': { 'topology.kubernetes.io/zone': 'eu-west-1a' }, 'node-bare': {} });
    sa = serviceAccountDir();
  });
  afterAll(async () => {
    await api.close();
    rmSync(sa, { recursive: true, force: true });
  });

  it.each([
    ['node-a', 'eu-west-1a'],
    ['node-bare', 'node-bare'],
  ])('writes the zone of %s', async (node, zone) => {
    const out = join(sa, `zone-${node}`);
    const result = await runEntrypoint(['node-zone', out], { NODE_NAME: node, CAIRN_KUBE_API_URL: api.url, CAIRN_SERVICE_ACCOUNT_DIR: sa });
    expect(result).toMatchObject({ code: 0 });
    expect(readFileSync(out, 'utf8')).toBe(zone);
  });

  it('fails on a node it cannot read', async () => {
    const result = await runEntrypoint(['node-zone', join(sa, 'zone-x')], { NODE_NAME: 'missing', CAIRN_KUBE_API_URL: api.url, CAIRN_SERVICE_ACCOUNT_DIR: sa });
    expect(result.code).toBe(1);
    expect(result.output).toContain('node missing not found');
  });

  it('hands the zone to git-storage through CAIRN_ZONE_FILE', async () => {
    // The entry point exports CAIRN_ZONE from the file before it starts the service: show it with a stand-in service.
    const app = makeTempDir('cairn-app-');
    mkdirSync(join(app, 'services/git-storage/dist'), { recursive: true });
    writeFileSync(join(app, 'services/git-storage/dist/main.js'), 'process.stdout.write(`zone=${process.env.CAIRN_ZONE}`)');
    writeFileSync(join(app, 'zone'), 'eu-west-1c');
    const result = await runEntrypoint(['git-storage'], { CAIRN_APP_DIR: app, CAIRN_ZONE_FILE: join(app, 'zone') });
    rmSync(app, { recursive: true, force: true });
    expect(result).toEqual({ code: 0, output: 'zone=eu-west-1c' });
  });
});

describe('cluster-init (the init Job)', () => {
  let api: FakeApi;
  let sa: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    requireBuild('services/policy/dist/main.js');
    requireBuild('services/git-protocol/dist/ssh/host-key.js');
    api = await fakeKubernetesApi();
    sa = serviceAccountDir();
    const url = new URL(await createTestDatabase('packaging_policy'));
    const password = decodeURIComponent(url.password);
    url.password = '';
    env = {
      CAIRN_KUBE_API_URL: api.url,
      CAIRN_SERVICE_ACCOUNT_DIR: sa,
      // As the chart sets it: the password from PGPASSWORD, never in the URL.
      CAIRN_DATABASE_URL: url.toString(),
      PGPASSWORD: password,
      CAIRN_DATABASE_POOL_SIZE: '2',
      CAIRN_REGION: 'eu-west-1',
      CAIRN_KEYS_SECRET: 'cairn-keys',
      CAIRN_KEYS_GENERATE: 'true',
      CAIRN_ADMIN_SECRET: 'cairn-admin-credentials',
      CAIRN_BOOTSTRAP_CONFIGMAP: 'cairn-bootstrap',
      CAIRN_PUBLIC_HTTP_URL: 'https://git.example.com',
      CAIRN_PUBLIC_SSH_PORT: '22',
      CAIRN_OBJECT_LABELS: JSON.stringify({ 'app.kubernetes.io/instance': 'cairn', 'app.kubernetes.io/name': 'cairn' }),
      CAIRN_INIT_WORK_DIR: join(sa, 'work'),
    };
  });
  afterAll(async () => {
    await api?.close();
    if (sa) rmSync(sa, { recursive: true, force: true });
  });

  it('creates the keys, bootstraps the account, stores the admin credentials, then the ConfigMap', async () => {
    const result = await runEntrypoint(['cluster-init'], env);
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
    expect(Buffer.from(secretValue(api, 'cairn-keys', 'master.key')!, 'base64')).toHaveLength(32);
    expect(secretValue(api, 'cairn-keys', 'webhook-signing.key')).toMatch(/^[0-9a-f]{64}$/);
    const hostKey = utils.parseKey(secretValue(api, 'cairn-keys', 'ssh_host_ed25519_key')!);
    expect(hostKey).not.toBeInstanceOf(Error);
    expect((hostKey as { type: string }).type).toBe('ssh-ed25519');
    expect(api.objects.get('secrets/cairn-keys')?.metadata).toMatchObject({ annotations: { 'helm.sh/resource-policy': 'keep' }, labels: { 'app.kubernetes.io/component': 'keys' } });

    const credentials = JSON.parse(secretValue(api, 'cairn-admin-credentials', 'admin-credentials.json')!);
    expect(credentials).toMatchObject({ region: 'eu-west-1', endpoint: 'https://git.example.com', sshPort: 22 });
    expect(Object.keys(credentials).sort()).toEqual(['accessKeyId', 'accountId', 'endpoint', 'gitPassword', 'gitUsername', 'region', 'secretAccessKey', 'sshPort', 'userArn']);
    expect(credentials.accessKeyId).toMatch(/^AKIA/);
    expect(secretValue(api, 'cairn-admin-credentials', 'gitPassword')).toBe(credentials.gitPassword);
    expect(api.objects.get('configmaps/cairn-bootstrap')).toMatchObject({ data: { accountId: credentials.accountId } });
    // The credentials are stored before the ConfigMap that lets policy pods start.
    const order = api.requests.filter((r) => r.startsWith('POST'));
    expect(order.indexOf('POST /api/v1/namespaces/cairn/secrets')).toBeLessThan(order.indexOf('POST /api/v1/namespaces/cairn/configmaps'));
    expect(existsSync(join(sa, 'work/bootstrap.json'))).toBe(false);
    expect(existsSync(join(sa, 'work/master.key'))).toBe(false);
  });

  it('changes nothing when it runs again (upgrades run it again)', async () => {
    const before = JSON.stringify([...api.objects.entries()]);
    const result = await runEntrypoint(['cluster-init'], env);
    expect(result.code).toBe(0);
    expect(result.output).toContain('the account exists already');
    expect(JSON.stringify([...api.objects.entries()])).toBe(before);
  });

  it('waits for keys it may not generate, then fails saying which Secret is missing', async () => {
    const result = await runEntrypoint(['cluster-init'], { ...env, CAIRN_KEYS_SECRET: 'operator-keys', CAIRN_KEYS_GENERATE: 'false', CAIRN_KEYS_WAIT_SECONDS: '1' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('Secret operator-keys does not exist');
    expect(api.objects.has('secrets/operator-keys')).toBe(false);
  });
});

describe('smoke-test (`helm test`) against a running Cairn', () => {
  const stack = new Stack();
  beforeAll(async () => {
    requireBuild('services/supervisor/dist/main.js');
    await stack.start();
  }, 240_000);
  afterAll(() => stack.stop(), 60_000);

  it('creates a repository, pushes, clones, compares and deletes it', async () => {
    const credentials = join(stack.dataDir, 'admin-credentials.json');
    const result = await runEntrypoint(['smoke-test'], { CAIRN_SMOKE_ENDPOINT: stack.endpoint, CAIRN_SMOKE_CREDENTIALS: credentials }, 180_000);
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
    for (const step of ['CreateRepository helm-test-', 'clone (empty), commit, push', 'clone again and compare', 'GetBranch main', 'DeleteRepository', 'smoke-test: passed']) {
      expect(result.output).toContain(step);
    }
  }, 200_000);

  it('fails, and says why, when the credentials are wrong', async () => {
    const wrong = join(stack.dataDir, 'wrong-credentials.json');
    writeFileSync(wrong, JSON.stringify({ ...stack.credentials(), secretAccessKey: 'not-the-secret' }));
    const result = await runEntrypoint(['smoke-test'], { CAIRN_SMOKE_ENDPOINT: stack.endpoint, CAIRN_SMOKE_CREDENTIALS: wrong }, 120_000);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/smoke-test: FAILED: CreateRepository answered 4\d\d/);
  }, 150_000);
});
