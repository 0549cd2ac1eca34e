import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Socket, connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { CodeCommitClient, CreateRepositoryCommand, GetRepositoryCommand } from '@aws-sdk/client-codecommit';
import { makeTempDir, waitFor } from '@cairn/testing';
import { codeCommitClient, commitAll, createRepository, gitAsync, initSource, remoteRefs, writeRandomFile } from './support/fixtures';
import { basicAuth, FLUSH, gitProcessesFor, pkt, rawRequest, RecordingProxy } from './support/raw-git';
import { git, gitResult, Stack } from './support/stack';

/**
 * Bad input at the git and API edges: it never reaches git as an option, never escapes the
 * storage root, never breaks a repository, and is answered with a clean 4xx (or git's own
 * in-protocol refusal), never a 5xx or a hang. Real stack, real git, raw HTTP where git would
 * not send such bytes.
 */
describe('bad input', () => {
  const work = makeTempDir('cairn-bad-input-');
  const stack = new Stack(makeTempDir('cairn-bad-input-data-'));
  let client: CodeCommitClient;
  let storageRoot: string;

  beforeAll(async () => {
    await stack.start();
    client = codeCommitClient(stack);
    storageRoot = stack.services().find((s) => s.name === 'git-storage')!.dataDir!;
  }, 240_000);

  afterAll(async () => {
    client?.destroy();
    await stack.stop();
  });

  /** Every path under the data directory except the databases and logs. */
  function snapshot(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        const rel = relative(stack.dataDir, path);
        if (rel === 'db' || rel === 'logs') continue;
        out.push(rel);
        if (statSync(path).isDirectory()) walk(path);
      }
    };
    walk(stack.dataDir);
    return out.sort();
  }

  /** Paths that appeared since `before` (the event relay removes journal entries on its own). */
  const created = (before: string[]) => snapshot().filter((p) => !before.includes(p));

  /** Names a bad repository name would produce if it reached the file system. */
  function strayEntries(): string[] {
    const suspicious = new Set(['x', '-x', 'a b', 'x.git', 'a'.repeat(101)]);
    const places = [dirname(stack.dataDir), stack.dataDir, dirname(storageRoot), storageRoot, join(storageRoot, 'repositories')];
    return places.flatMap((dir) => (existsSync(dir) ? readdirSync(dir).filter((n) => suspicious.has(n)).map((n) => join(dir, n)) : []));
  }

  const BAD_NAMES = ['../x', 'a b', 'a'.repeat(101), 'x.git'];

  it('refuses invalid repository names in the API with InvalidRepositoryNameException, touching nothing on disk', async () => {
    const before = snapshot();
    for (const repositoryName of BAD_NAMES) {
      const created = client.send(new CreateRepositoryCommand({ repositoryName }));
      await expect(created).rejects.toMatchObject({ name: 'InvalidRepositoryNameException', $metadata: { httpStatusCode: 400 } });
      await expect(client.send(new GetRepositoryCommand({ repositoryName }))).rejects.toMatchObject({ name: 'InvalidRepositoryNameException' });
    }
    expect(created(before)).toEqual([]);
    expect(strayEntries()).toEqual([]);
  });

  it('refuses invalid repository names in git URLs with 400 for ls-remote, clone and push', async () => {
    await createRepository(client, 'plain');
    const source = initSource(join(work, 'names-src'));
    commitAll(source, 'first', (d) => writeFileSync(join(d, 'a.txt'), 'a\n'));
    git(['push', '-q', stack.gitUrl('plain'), 'main'], { cwd: source });
    const before = snapshot();

    // As a user would type them into a URL; git and curl pass percent-escapes through.
    for (const inUrl of ['%2E%2E%2Fx', '..%2Fx', '..%2Fplain', 'a%20b', 'a'.repeat(101), 'x.git']) {
      const lsRemote = gitResult(['ls-remote', stack.gitUrl(inUrl)]);
      expect(lsRemote.status).not.toBe(0);
      expect(lsRemote.stderr).toContain('The requested URL returned error: 400');
      const clone = gitResult(['clone', stack.gitUrl(inUrl), join(work, 'bad-clone')]);
      expect(clone.stderr).toContain('The requested URL returned error: 400');
      expect(existsSync(join(work, 'bad-clone'))).toBe(false);
      const push = gitResult(['push', stack.gitUrl(inUrl), 'main'], { cwd: source });
      expect(push.status).not.toBe(0);
      expect(push.stderr).toContain('The requested URL returned error: 400');
    }
    // A literal `..` segment (git itself would normalise it away) does not reach a repository.
    for (const path of ['/v1/repos/../x/info/refs?service=git-upload-pack', '/v1/repos/../plain/info/refs?service=git-receive-pack', '/v1/repos/%2e%2e/info/refs?service=git-upload-pack']) {
      const res = await rawRequest(stack, { path });
      expect([400, 404]).toContain(res.status);
    }
    const post = await rawRequest(stack, { method: 'POST', path: '/v1/repos/../plain/git-receive-pack', headers: { 'content-type': 'application/x-git-receive-pack-request' }, body: FLUSH });
    expect([400, 404]).toContain(post.status);

    expect(created(before)).toEqual([]);
    expect(strayEntries()).toEqual([]);
  });

  it('serves a repository named -x (a valid CodeCommit name) without the name ever reaching git as an option', async () => {
    // CodeCommit's name pattern [\w.-]+ admits a leading hyphen; storage works by id, never name.
    const id = await createRepository(client, '-x');
    expect(existsSync(join(storageRoot, 'repositories', id.slice(0, 2), `${id}.git`, 'HEAD'))).toBe(true);
    const source = initSource(join(work, 'dash-src'));
    const head = commitAll(source, 'first', (d) => writeFileSync(join(d, 'a.txt'), 'dash\n'));
    git(['push', '-q', stack.gitUrl('-x'), 'main'], { cwd: source });
    expect(remoteRefs(stack.gitUrl('-x'))['refs/heads/main']).toBe(head);
    const clone = join(work, 'dash-clone');
    git(['clone', '-q', stack.gitUrl('-x'), clone]);
    expect(git(['rev-parse', 'HEAD'], { cwd: clone }).trim()).toBe(head);
    expect(strayEntries()).toEqual([]);
  });

  it('refuses option-like values in the service parameter and the Git-Protocol header', async () => {
    await createRepository(client, 'options');
    const marker = join(work, 'pwned');
    for (const service of ['-x', '--upload-pack=touch', `--upload-pack=touch ${marker}`, 'git-upload-pack --help', 'upload-pack']) {
      const res = await rawRequest(stack, { path: `/v1/repos/options/info/refs?service=${encodeURIComponent(service)}` });
      expect(res.status).toBe(400);
    }
    for (const gitProtocol of ['-x', '--upload-pack=x', 'version=2:-x', 'version=2 --stateless-rpc', '-c=core.hooksPath=/tmp']) {
      const info = await rawRequest(stack, { path: '/v1/repos/options/info/refs?service=git-upload-pack', headers: { 'git-protocol': gitProtocol } });
      expect(info.status).toBe(400);
      for (const service of ['git-upload-pack', 'git-receive-pack']) {
        const post = await rawRequest(stack, {
          method: 'POST',
          path: `/v1/repos/options/${service}`,
          headers: { 'content-type': `application/x-${service}-request`, 'git-protocol': gitProtocol },
          body: FLUSH,
        });
        expect(post.status).toBe(400);
      }
    }
    expect(existsSync(marker)).toBe(false);
    // The well-formed value still works.
    const v2 = await rawRequest(stack, { path: '/v1/repos/options/info/refs?service=git-upload-pack', headers: { 'git-protocol': 'version=2' } });
    expect(v2.status).toBe(200);
    expect(v2.body.toString()).toContain('version 2');
  });

  describe('malformed pkt-lines', () => {
    let head = '';
    let repositoryId = '';

    beforeAll(async () => {
      repositoryId = await createRepository(client, 'framing');
      const source = initSource(join(work, 'framing-src'));
      head = commitAll(source, 'first', (d) => writeFileSync(join(d, 'a.txt'), 'framing\n'));
      git(['push', '-q', stack.gitUrl('framing'), 'main'], { cwd: source });
    });

    const upload = (body: Buffer | string, gitProtocol?: string) =>
      rawRequest(stack, {
        method: 'POST',
        path: '/v1/repos/framing/git-upload-pack',
        headers: { 'content-type': 'application/x-git-upload-pack-request', ...(gitProtocol ? { 'git-protocol': gitProtocol } : {}) },
        body,
        timeoutMs: 15_000,
      });
    const receive = (body: Buffer | string) =>
      rawRequest(stack, { method: 'POST', path: '/v1/repos/framing/git-receive-pack', headers: { 'content-type': 'application/x-git-receive-pack-request' }, body, timeoutMs: 15_000 });

    it('answers garbage sent to git-upload-pack with 400, for protocol v0 and v2', async () => {
      const cases: [string, Buffer | string][] = [
        ['bad length header', 'zzzzwant'],
        ['NUL length header', Buffer.alloc(8)],
        ['length 3 (below the 4-byte header)', '0003'],
        ['length beyond 65520', `ffff${'a'.repeat(100)}`],
        ['truncated header', '00'],
        ['truncated line', `0032want ${head.slice(0, 10)}`],
        ['truncated after a good line', Buffer.concat([pkt(`want ${head}\n`), Buffer.from('0032want ')])],
      ];
      for (const [name, body] of cases) {
        for (const protocol of [undefined, 'version=2']) {
          const res = await upload(body, protocol);
          expect({ name, protocol, status: res.status }).toEqual({ name, protocol, status: 400 });
        }
      }
      // A well-formed request still gets its pack.
      const good = await upload(Buffer.concat([pkt(`want ${head} ofs-delta\n`), FLUSH, pkt('done\n')]));
      expect(good.status).toBe(200);
      expect(good.body.includes(Buffer.from('PACK'))).toBe(true);
    });

    it('answers garbage sent to git-receive-pack with 400 and leaves the repository unchanged', async () => {
      const zero = '0'.repeat(40);
      const cases: [string, Buffer | string][] = [
        ['empty body', ''],
        ['bad length header', 'zzzz'],
        ['length 3', '0003'],
        ['length beyond 65520', `ffff${'a'.repeat(100)}`],
        ['truncated header', '00'],
        ['truncated line', '0032abc'],
        ['truncated command list', pkt(`${head} ${zero} refs/heads/main\0report-status\n`)],
        ['not a command', Buffer.concat([pkt('hello world\n'), FLUSH])],
        ['option-like ref name', Buffer.concat([pkt(`${zero} ${head} -x\0report-status\n`), FLUSH])],
        ['ref escaping refs/', Buffer.concat([pkt(`${zero} ${head} refs/../../x\0report-status\n`), FLUSH])],
        ['special packet in commands', Buffer.concat([pkt(`${zero} ${head} refs/heads/y\0report-status\n`), Buffer.from('0001'), FLUSH])],
      ];
      for (const [name, body] of cases) {
        const res = await receive(body);
        expect({ name, status: res.status }).toEqual({ name, status: 400 });
      }
      expect(remoteRefs(stack.gitUrl('framing'))).toEqual({ HEAD: head, 'refs/heads/main': head });
      expect(gitProcessesFor(repositoryId)).toEqual([]);
    });
  });

  describe('pushes that break off', () => {
    let base = '';
    let pushBody: Buffer;
    let update = '';

    /** A real push body (commands and pack) for `main: base → update`, recorded on its way to a scratch repository. */
    beforeAll(async () => {
      const source = initSource(join(work, 'break-src'));
      base = commitAll(source, 'base', (d) => writeFileSync(join(d, 'README.md'), '# base\n'));
      update = commitAll(source, 'update', (d) => {
        writeRandomFile(join(d, 'blob.bin'), 256 * 1024);
        writeFileSync(join(d, 'README.md'), '# updated\n');
      });
      await createRepository(client, 'break-scratch');
      git(['push', '-q', stack.gitUrl('break-scratch'), `${base}:refs/heads/main`], { cwd: source });
      const proxy = new RecordingProxy(stack);
      await proxy.start();
      try {
        const pushed = await gitAsync(['push', '-q', proxy.gitUrl('break-scratch'), 'main'], { cwd: source }).done;
        expect(pushed).toMatchObject({ status: 0 });
      } finally {
        await proxy.stop();
      }
      expect(proxy.pushBodies).toHaveLength(1);
      pushBody = proxy.pushBodies[0];
    });

    /** Where git receive-pack keeps a push's objects until its refs are updated. */
    const quarantines = (id: string) => readdirSync(join(storageRoot, 'repositories', id.slice(0, 2), `${id}.git`, 'objects')).filter((n) => n.startsWith('tmp_objdir'));

    async function repositoryAtBase(name: string): Promise<string> {
      const id = await createRepository(client, name);
      git(['push', '-q', stack.gitUrl(name), `${base}:refs/heads/main`], { cwd: join(work, 'break-src') });
      return id;
    }

    const post = (name: string, body: Buffer) =>
      rawRequest(stack, { method: 'POST', path: `/v1/repos/${name}/git-receive-pack`, headers: { 'content-type': 'application/x-git-receive-pack-request' }, body, timeoutMs: 30_000 });

    it('refuses a truncated pack: the push fails, refs are unchanged, a fresh clone is fsck-clean', async () => {
      const id = await repositoryAtBase('truncated');
      const packAt = pushBody.indexOf('PACK');
      expect(packAt).toBeGreaterThan(0);
      for (const cut of [packAt + 12, packAt + Math.floor((pushBody.length - packAt) / 2), pushBody.length - 20, pushBody.length - 1]) {
        const res = await post('truncated', pushBody.subarray(0, cut));
        expect(res.status).toBe(200);
        const report = res.body.toString('latin1');
        expect(report).toMatch(/unpack (?!ok)/);
        expect(report).toContain('ng refs/heads/main');
        expect(remoteRefs(stack.gitUrl('truncated'))['refs/heads/main']).toBe(base);
      }
      // The same body, whole, is a good push: the cut was what failed.
      const whole = await post('truncated', pushBody);
      expect(whole.status).toBe(200);
      expect(whole.body.toString('latin1')).toContain('ok refs/heads/main');
      expect(remoteRefs(stack.gitUrl('truncated'))['refs/heads/main']).toBe(update);
      const clone = join(work, 'truncated-clone');
      git(['clone', '-q', '--mirror', stack.gitUrl('truncated'), clone]);
      git(['fsck', '--strict', '--no-progress'], { cwd: clone });
      await waitFor(() => gitProcessesFor(id).length === 0, 10_000, { description: 'no git process left for the repository' });
      expect(quarantines(id)).toEqual([]);
    });

    it('leaves the repository as it was when the client disconnects in the middle of a push', async () => {
      const id = await repositoryAtBase('disconnect');
      // A pack big enough to still be in flight when the socket goes.
      const big = join(work, 'big-src');
      git(['clone', '-q', '--branch', 'main', join(work, 'break-src'), big]);
      git(['reset', '-q', '--hard', base], { cwd: big });
      commitAll(big, 'big', (d) => writeRandomFile(join(d, 'big.bin'), 32 * 1024 * 1024));
      const proxy = new RecordingProxy(stack);
      await proxy.start();
      try {
        await createRepository(client, 'disconnect-scratch');
        git(['push', '-q', stack.gitUrl('disconnect-scratch'), `${base}:refs/heads/main`], { cwd: big });
        const pushed = await gitAsync(['push', '-q', proxy.gitUrl('disconnect-scratch'), 'main'], { cwd: big }).done;
        expect(pushed).toMatchObject({ status: 0 });
      } finally {
        await proxy.stop();
      }
      // git probes with a lone flush before a body this large; the push is the last request.
      expect(proxy.pushBodies[0]).toEqual(FLUSH);
      const body = proxy.pushBodies[proxy.pushBodies.length - 1];
      expect(body.length).toBeGreaterThan(32 * 1024 * 1024);

      const before = remoteRefs(stack.gitUrl('disconnect'));
      const socket: Socket = connect(stack.httpPort, '127.0.0.1');
      await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.on('error', () => undefined);
      socket.write(
        [
          'POST /v1/repos/disconnect/git-receive-pack HTTP/1.1',
          `Host: 127.0.0.1:${stack.httpPort}`,
          `Authorization: ${basicAuth(stack)}`,
          'Content-Type: application/x-git-receive-pack-request',
          `Content-Length: ${body.length}`,
          '',
          '',
        ].join('\r\n'),
      );
      const half = body.subarray(0, Math.floor(body.length / 2));
      await new Promise<void>((resolve) => socket.write(half, () => resolve()));
      // git is really receiving this push before the client goes away.
      await waitFor(() => gitProcessesFor(id).length > 0, 10_000, { description: 'git receive-pack running for the repository' });
      socket.destroy();

      await waitFor(() => gitProcessesFor(id).length === 0, 15_000, { description: 'no git process left for the repository' });
      expect(remoteRefs(stack.gitUrl('disconnect'))).toEqual(before);
      // Nothing of the broken push stays behind in the repository.
      await waitFor(() => quarantines(id).length === 0, 10_000, { description: 'no quarantine directory left in the repository' });
      const clone = join(work, 'disconnect-clone');
      git(['clone', '-q', '--mirror', stack.gitUrl('disconnect'), clone]);
      git(['fsck', '--strict', '--no-progress'], { cwd: clone });
      // And the same push, done properly, goes through.
      const retry = gitResult(['push', stack.gitUrl('disconnect'), 'main'], { cwd: big });
      expect(retry.status).toBe(0);
      expect(remoteRefs(stack.gitUrl('disconnect'))['refs/heads/main']).toBe(git(['rev-parse', 'main'], { cwd: big }).trim());
    });
  });

  describe('compressed fetch requests', () => {
    let head = '';

    beforeAll(async () => {
      await createRepository(client, 'gzip');
      const source = initSource(join(work, 'gzip-src'));
      head = commitAll(source, 'first', (d) => writeFileSync(join(d, 'a.txt'), 'gzip\n'));
      git(['push', '-q', stack.gitUrl('gzip'), 'main'], { cwd: source });
    });

    it('serves a fetch that git itself sends gzip-encoded (many haves)', async () => {
      const clone = join(work, 'gzip-clone');
      git(['clone', '-q', stack.gitUrl('gzip'), clone]);
      // Local history the server has never seen: git lists it as haves, in growing rounds, and
      // sends a request over 1 KiB with Content-Encoding: gzip.
      // Newer than anything the server has, so git offers them first.
      const now = Math.floor(Date.now() / 1000) + 3600;
      const stream = Array.from({ length: 200 }, (_, i) => {
        const message = `local ${i}`;
        return [`commit refs/heads/local`, `committer T <t@e> ${now + i} +0000`, `data ${message.length}`, message, ...(i === 0 ? [`from ${head}`] : [])].join('\n');
      });
      execFileSync('git', ['fast-import', '--quiet'], { cwd: clone, input: `${stream.join('\n')}\n`, env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1' } });
      git(['checkout', '-q', 'local'], { cwd: clone });
      const source = join(work, 'gzip-src');
      for (const version of ['0', '2']) {
        const next = commitAll(source, `for v${version}`, (d) => writeFileSync(join(d, 'b.txt'), `v${version}\n`));
        git(['push', '-q', stack.gitUrl('gzip'), 'main'], { cwd: source });
        const fetch = gitResult(['-c', `protocol.version=${version}`, 'fetch', 'origin'], { cwd: clone, env: { GIT_TRACE_CURL: '1', GIT_TRACE_CURL_NO_DATA: '1' } });
        expect(fetch.status).toBe(0);
        expect(fetch.stderr).toMatch(/Content-Encoding: gzip/i);
        expect(git(['rev-parse', 'origin/main'], { cwd: clone }).trim()).toBe(next);
      }
    });

    it('serves a raw gzip-encoded upload-pack request', async () => {
      const request = Buffer.concat([pkt(`want ${head} ofs-delta\n`), FLUSH, pkt('done\n')]);
      const res = await rawRequest(stack, {
        method: 'POST',
        path: '/v1/repos/gzip/git-upload-pack',
        headers: { 'content-type': 'application/x-git-upload-pack-request', 'content-encoding': 'gzip' },
        body: gzipSync(request),
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-git-upload-pack-result');
      expect(res.body.subarray(0, 8).toString()).toBe('0008NAK\n');
      expect(res.body.includes(Buffer.from('PACK'))).toBe(true);
    });

    it('refuses a decompression bomb with 413 and a body that is not gzip with 400', async () => {
      // 160 MiB of well-formed wants, about 160 KiB on the wire: only its size is wrong.
      const line = pkt(`want ${head}\n`);
      const bomb = gzipSync(Buffer.alloc(Math.ceil((160 * 1024 * 1024) / line.length) * line.length, line), { level: 9 });
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const started = Date.now();
      const res = await rawRequest(stack, {
        method: 'POST',
        path: '/v1/repos/gzip/git-upload-pack',
        headers: { 'content-type': 'application/x-git-upload-pack-request', 'content-encoding': 'gzip' },
        body: bomb,
        timeoutMs: 60_000,
      });
      expect(res.status).toBe(413);
      expect(Date.now() - started).toBeLessThan(60_000);

      const notGzip = await rawRequest(stack, {
        method: 'POST',
        path: '/v1/repos/gzip/git-upload-pack',
        headers: { 'content-type': 'application/x-git-upload-pack-request', 'content-encoding': 'gzip' },
        body: Buffer.concat([pkt(`want ${head}\n`), FLUSH]),
      });
      expect(notGzip.status).toBe(400);
      // The service is still there for everyone else.
      expect(remoteRefs(stack.gitUrl('gzip'))['refs/heads/main']).toMatch(/^[0-9a-f]{40}$/);
    });
  });
});
