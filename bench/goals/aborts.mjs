// Goal 5 — aborts: clones and pushes cut off mid-stream (socket destroyed after N bytes);
// afterwards no git process may remain under the storage directory (bounded wait).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GIT_ENV, git, gitProcessesUnder, now, pkt, sleep, FLUSH } from '../lib/util.mjs';
import { abortedFetch, abortedPush, replay } from '../lib/http.mjs';
import { STORAGE_ENV, uploadPackHeaders } from './serving.mjs';

const CONCURRENCY = 4;

export async function aborts(ctx) {
  const { cairn, scale, repos } = ctx;
  const fetchBody = ctx.fetchRequest;
  const packBytes = repos.medium.packBytes;

  // Pushes go to an empty repository; the pack is the medium source's own pack file.
  await cairn.createRepository('aborts');
  const target = await cairn.storagePath('aborts');
  const packDir = join(repos.medium.source, 'objects', 'pack');
  const pack = readFileSync(join(packDir, readdirSync(packDir).find((f) => f.endsWith('.pack'))));
  const tip = (await git(['rev-parse', 'main'], { env: { ...GIT_ENV, GIT_DIR: repos.medium.source } })).stdout.trim();
  const pushHeaders = { Authorization: cairn.authHeader, 'Content-Type': 'application/x-git-receive-pack-request', Accept: 'application/x-git-receive-pack-result' };

  const jobs = [];
  for (let i = 0; i < scale.aborts; i++) jobs.push({ kind: 'clone', cutAfter: 32 * 1024 + Math.floor(Math.random() * Math.min(8e6, packBytes / 2)) });
  for (let i = 0; i < scale.aborts; i++) jobs.push({ kind: 'push', i, cutAfter: 64 * 1024 + Math.floor(Math.random() * Math.min(8e6, pack.length / 2)) });
  jobs.sort(() => Math.random() - 0.5);

  let peakGit = 0;
  const probe = setInterval(() => (peakGit = Math.max(peakGit, gitProcessesUnder(cairn.storageDir).length)), 200);
  const outcome = { clone: { cut: 0, completed: 0, stalled: 0 }, push: { cut: 0, completed: 0, stalled: 0, bytesSent: [] } };
  const started = now();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const r =
        job.kind === 'clone'
          ? await abortedFetch({ port: cairn.httpPort, path: cairn.path('medium') + '/git-upload-pack', headers: uploadPackHeaders(cairn.authHeader), body: fetchBody, cutAfter: job.cutAfter })
          : await abortedPush({
              port: cairn.httpPort,
              path: cairn.path('aborts') + '/git-receive-pack',
              headers: pushHeaders,
              head: Buffer.concat([pkt(`${'0'.repeat(40)} ${tip} refs/heads/abort-${job.i}\0report-status side-band-64k agent=bench\n`), FLUSH]),
              pack,
              cutAfter: job.cutAfter,
            });
      outcome[job.kind][r.cut ? 'cut' : 'completed']++;
      if (r.stalled) outcome[job.kind].stalled++;
      if (job.kind === 'push') outcome.push.bytesSent.push(r.sent);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const abortsMs = now() - started;
  clearInterval(probe);

  // Bounded wait for git to go away.
  const atEnd = gitProcessesUnder(cairn.storageDir);
  const waitStart = now();
  let remaining = atEnd;
  while (remaining.length > 0 && now() - waitStart < 30_000) {
    await sleep(100);
    remaining = gitProcessesUnder(cairn.storageDir);
  }
  const drainMs = now() - waitStart;

  // Nothing half-pushed became a ref; leftovers of killed receive-packs are counted.
  const abortRefs = (await git(['for-each-ref', '--format=%(refname)', 'refs/heads/'], { env: { ...STORAGE_ENV, GIT_DIR: target } })).stdout.split('\n').filter(Boolean).length;
  const objects = readdirSync(join(target, 'objects'));
  const quarantines = objects.filter((f) => f.startsWith('incoming-')).length;
  const tmpPacks = readdirSync(join(target, 'objects', 'pack')).filter((f) => f.startsWith('tmp_')).length;
  // The service still serves a full clone afterwards.
  const after = await replay({ port: cairn.httpPort, path: cairn.path('medium') + '/git-upload-pack', headers: uploadPackHeaders(cairn.authHeader), body: fetchBody });

  const sentSorted = outcome.push.bytesSent.sort((a, b) => a - b);
  outcome.push.medianBytesSent = sentSorted[Math.floor(sentSorted.length / 2)] ?? 0;
  delete outcome.push.bytesSent;
  return {
    aborted: outcome,
    concurrency: CONCURRENCY,
    abortsMs,
    peakGitProcesses: peakGit,
    gitProcessesAtEnd: atEnd.length,
    gitProcessesAfterWait: remaining.length,
    leftoverCommands: remaining.map((p) => p.cmd),
    orphans: remaining.filter((p) => p.ppid === 1).length,
    drainMs,
    refsCreated: abortRefs,
    leftoverQuarantineDirs: quarantines,
    leftoverTmpPacks: tmpPacks,
    serviceHealthyAfter: after.status === 200 && after.tail.endsWith('0000'),
    met: remaining.length === 0,
  };
}
