// Goal 6 — p50/p99 of CreateRepository (AWS SDK) and of info/refs (HTTP GET, basic auth) under
// 16 concurrent clients; one client alone and the peer's info/refs are the baselines.
import { CodeCommitClient, CreateRepositoryCommand } from '@aws-sdk/client-codecommit';
import { existsSync } from 'node:fs';
import { keepAliveAgent, replay } from '../lib/http.mjs';
import { DELIM, FLUSH, median, now, percentile, pkt, run } from '../lib/util.mjs';
import { STORAGE_ENV, uploadPackHeaders } from './serving.mjs';

const CONCURRENCY = 16;

async function load(concurrency, perClient, fn) {
  const times = [];
  let errors = 0;
  const messages = new Set();
  const started = now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = 0; i < perClient; i++) {
        const t = now();
        try {
          await fn(w, i);
          times.push(now() - t);
        } catch (e) {
          errors++;
          if (messages.size < 3) messages.add(`${e.name ?? 'Error'}: ${e.message}`.slice(0, 300));
        }
      }
    }),
  );
  const wall = now() - started;
  return { n: times.length, errors, errorMessages: [...messages], p50: median(times), p99: percentile(times, 99), max: Math.max(...times), perSecond: times.length / (wall / 1000) };
}

export async function latency(ctx) {
  const { cairn, peer, scale } = ctx;
  const creds = cairn.creds;
  // One SDK client per simulated user, each with its own keep-alive connection pool.
  const clients = Array.from({ length: CONCURRENCY }, () =>
    new CodeCommitClient({ endpoint: creds.endpoint, region: creds.region, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }, maxAttempts: 1 }),
  );
  const tag = Date.now().toString(36);
  const create = (prefix) => (w, i) => clients[w].send(new CreateRepositoryCommand({ repositoryName: `${prefix}-${tag}-${w}-${i}` }));
  await load(1, 3, create('warm'));
  const createSerial = await load(1, scale.createPerClient, create('cr1'));
  const createConcurrent = await load(CONCURRENCY, scale.createPerClient, create('cr16'));
  for (const c of clients) c.destroy();

  const infoRefs = async (port, path, headers, concurrency, perClient) => {
    const agent = keepAliveAgent(concurrency);
    const r = await load(concurrency, perClient, async () => {
      const res = await replay({ port, path, method: 'GET', headers, agent });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    });
    agent.destroy();
    return r;
  };
  const cairnPath = cairn.path('noop10') + '/info/refs?service=git-upload-pack';
  const auth = { Authorization: cairn.authHeader };
  const v2 = { 'Git-Protocol': 'version=2' };
  const out = { createSerial, createConcurrent, infoRefs: {} };
  for (const [label, headers] of [['v0', {}], ['v2', v2]]) {
    await infoRefs(cairn.httpPort, cairnPath, { ...auth, ...headers }, 1, 5);
    out.infoRefs[label] = {
      cairnSerial: await infoRefs(cairn.httpPort, cairnPath, { ...auth, ...headers }, 1, scale.infoRefsPerClient),
      cairn: await infoRefs(cairn.httpPort, cairnPath, { ...auth, ...headers }, CONCURRENCY, scale.infoRefsPerClient),
    };
    if (peer && existsSync(peer.dir('noop10'))) {
      const peerPath = peer.path('noop10') + '/info/refs?service=git-upload-pack';
      await infoRefs(peer.port, peerPath, headers, 1, 5);
      out.infoRefs[label].peer = await infoRefs(peer.port, peerPath, headers, CONCURRENCY, scale.infoRefsPerClient);
    }
  }
  // Where one request's time goes (single client): the HTTP floor of the front door (a request
  // refused with 401 before any upstream call), git itself (the same advertisement spawned
  // directly), and what is left — the gRPC calls (authorize, metadata lookup, storage stream).
  const floorAgent = keepAliveAgent(1);
  const floor = await load(1, scale.infoRefsPerClient, async () => {
    const res = await replay({ port: cairn.httpPort, path: cairnPath, method: 'GET', headers: v2, agent: floorAgent });
    if (res.status !== 401) throw new Error(`status ${res.status}`);
  });
  floorAgent.destroy();
  const storage = await cairn.storagePath('noop10');
  const rawGit = await load(1, scale.infoRefsPerClient, () =>
    run('git', ['upload-pack', '--stateless-rpc', '--advertise-refs', storage], { cwd: '/', env: { ...STORAGE_ENV, GIT_PROTOCOL: 'version=2' } }),
  );
  out.breakdown = { floor, rawGit, cairn: out.infoRefs.v2.cairnSerial };
  if (peer && existsSync(peer.dir('noop10'))) out.breakdown.peer = await infoRefs(peer.port, peer.path('noop10') + '/info/refs?service=git-upload-pack', v2, 1, scale.infoRefsPerClient);

  // The second request of a no-op fetch: POST ls-refs (what git sends), against the 100k repository.
  const lsRefsBody = Buffer.concat([
    pkt('command=ls-refs\n'), pkt('agent=git/2.39.5\n'), pkt('object-format=sha1\n'), DELIM,
    pkt('peel\n'), pkt('symrefs\n'), pkt('unborn\n'), pkt('ref-prefix HEAD\n'), pkt('ref-prefix refs/heads/\n'), pkt('ref-prefix refs/tags/\n'), FLUSH,
  ]);
  const lsRefs = async (port, path, headers) => {
    const agent = keepAliveAgent(1);
    const post = () => replay({ port, path, headers: { ...headers, ...uploadPackHeaders() }, body: lsRefsBody, agent });
    await post();
    const r = await load(1, scale.infoRefsPerClient, async () => {
      const res = await post();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    });
    agent.destroy();
    return r;
  };
  const has100k = await cairn.storagePath('noop100k').then(existsSync, () => false);
  if (has100k) {
    out.breakdown.lsRefs = { cairn: await lsRefs(cairn.httpPort, cairn.path('noop100k') + '/git-upload-pack', auth) };
    if (peer && existsSync(peer.dir('noop100k'))) out.breakdown.lsRefs.peer = await lsRefs(peer.port, peer.path('noop100k') + '/git-upload-pack', {});
  }
  out.concurrency = CONCURRENCY;
  return out;
}
