// Goal 4 — memory: RSS growth of git-protocol and git-storage while a large repository is
// cloned, and while a client reads a clone at ~10 KB/s for a bounded time.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { GIT_ENV, git, gitProcessesUnder, rssSampler, sleep } from '../lib/util.mjs';
import { generateRepo, packBytes } from '../lib/repogen.mjs';
import { slowRead } from '../lib/http.mjs';
import { STORAGE_ENV, recordFetchRequest, uploadPackHeaders } from './serving.mjs';

const FILE_BYTES = 4 * 1024 * 1024;

export async function memory(ctx) {
  const { cairn, log, scale, workDir } = ctx;
  // Incompressible 4 MiB blobs, stored uncompressed: the pack is as big as the content.
  const files = Math.max(10, Math.round(scale.bigBytes / FILE_BYTES));
  const source = join(workDir, 'src-big.git');
  await generateRepo(source, { commits: files - 9, filesPerCommit: 1, fileBytes: FILE_BYTES, dirs: 1, filesPerDir: 10, tags: 0, binary: true, compression: 0 });
  await git(['-c', 'pack.window=0', 'repack', '-adbq'], { env: { ...GIT_ENV, GIT_DIR: source }, timeoutMs: 900_000 });
  const sourceBytes = await packBytes(source);
  log(`  big repository: ${(sourceBytes / 1e6).toFixed(0)} MB pack; pushing into Cairn`);

  await cairn.createRepository('big');
  const pushed = await ctx.pushIntoCairn('big', source, ['refs/heads/main:refs/heads/main'], sourceBytes, ['-c', 'pack.window=0']);
  const storage = await cairn.storagePath('big');
  // Housekeeping Cairn will do on its own one day: one pack with a bitmap (as the medium repo).
  await git(['-c', 'pack.window=0', 'repack', '-adbq'], { env: { ...STORAGE_ENV, GIT_DIR: storage }, timeoutMs: 900_000 });
  const bytes = await packBytes(storage);
  const pids = { 'git-protocol': cairn.pid('git-protocol'), 'git-storage': cairn.pid('git-storage') };

  // A real clone, sampled every 50 ms.
  const dest = join(workDir, 'clone-big.git');
  let sampler = rssSampler(pids);
  const clone = await git(['-c', 'protocol.version=2', 'clone', '-q', '--bare', cairn.gitUrl('big'), dest], { env: GIT_ENV, timeoutMs: 1_800_000 });
  const cloneMem = sampler.stop();
  rmSync(dest, { recursive: true, force: true });

  // A slow reader of the same clone response.
  const { body } = await recordFetchRequest(storage);
  await sleep(1000);
  sampler = rssSampler(pids);
  let gitAlive = 0;
  const probe = setInterval(() => {
    gitAlive = Math.max(gitAlive, gitProcessesUnder(cairn.storageDir).length);
  }, 1000);
  const slow = await slowRead({
    port: cairn.httpPort,
    path: cairn.path('big') + '/git-upload-pack',
    headers: uploadPackHeaders(cairn.authHeader),
    body,
    bytesPerSecond: 10_000,
    durationMs: scale.slowSeconds * 1000,
  });
  const stillServing = gitProcessesUnder(cairn.storageDir).length;
  clearInterval(probe);
  const slowMem = sampler.stop();
  // After the hang-up, git must go away (bounded wait).
  const deadline = Date.now() + 15_000;
  let left = gitProcessesUnder(cairn.storageDir).length;
  while (left > 0 && Date.now() < deadline) {
    await sleep(100);
    left = gitProcessesUnder(cairn.storageDir).length;
  }

  const limit = 64 * 1024 * 1024;
  const progressEveryWindow = slow.perWindow.length > 0 && slow.perWindow.every((b) => b > 0);
  return {
    packBytes: bytes,
    push: pushed,
    clone: { ms: clone.ms, mbps: bytes / 1e6 / (clone.ms / 1000), memory: cloneMem },
    slow: {
      seconds: scale.slowSeconds,
      status: slow.status,
      error: slow.error,
      endedEarly: slow.ended,
      bytes: slow.bytes,
      rateBps: slow.bytes / (slow.ms / 1000),
      perWindow: slow.perWindow,
      progressEveryWindow,
      gitProcessesWhileReading: gitAlive,
      gitProcessesAtHangUp: stillServing,
      gitProcessesAfterHangUp: left,
      memory: slowMem,
    },
    met: {
      clone: cloneMem['git-protocol'].growth < limit && cloneMem['git-storage'].growth < limit,
      slow: slow.status === 200 && !slow.error && progressEveryWindow && stillServing > 0 && slowMem['git-protocol'].growth < limit && slowMem['git-storage'].growth < limit,
    },
  };
}
