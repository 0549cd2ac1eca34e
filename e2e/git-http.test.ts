import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeCommitClient, CreateRepositoryCommand } from '@aws-sdk/client-codecommit';
import { CreateServiceSpecificCredentialCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { git, gitResult, Stack } from './support/stack';
import { makeTempDir } from '@cairn/testing';

/** Git over smart HTTP end to end: a real stack, the real git client, the real AWS SDK. */
describe('git over HTTPS', () => {
  const stack = new Stack();
  let client: CodeCommitClient;
  const work = makeTempDir('cairn-git-');

  beforeAll(async () => {
    await stack.start();
    const c = stack.credentials();
    client = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
  }, 240_000);

  afterAll(async () => {
    client?.destroy();
    await stack.stop();
  });

  async function createRepository(name: string): Promise<string> {
    const out = await client.send(new CreateRepositoryCommand({ repositoryName: name }));
    return out.repositoryMetadata!.cloneUrlHttp!;
  }

  /** A source repository with several branches, tags and files. */
  function makeSource(name: string): string {
    const dir = join(work, name);
    git(['init', '-q', '-b', 'main', dir]);
    const commit = (file: string, content: string, message: string) => {
      writeFileSync(join(dir, file), content);
      git(['add', file], { cwd: dir });
      git(['-c', 'user.name=Test', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', message], { cwd: dir });
    };
    commit('README.md', '# hello\n', 'first');
    commit('a.txt', 'a\n'.repeat(1000), 'second');
    git(['branch', 'feature'], { cwd: dir });
    git(['tag', 'v1.0'], { cwd: dir });
    git(['-c', 'user.name=Test', '-c', 'user.email=t@example.com', 'tag', '-a', 'v1.1', '-m', 'annotated'], { cwd: dir });
    git(['checkout', '-q', '-b', 'dev'], { cwd: dir });
    commit('b.txt', 'b\n', 'on dev');
    git(['checkout', '-q', 'main'], { cwd: dir });
    return dir;
  }

  const refsOf = (dir: string) =>
    git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags'], { cwd: dir })
      .trim()
      .split('\n')
      .sort();

  it('pushes several branches and tags and clones them back identically', async () => {
    const cloneUrl = await createRepository('roundtrip');
    expect(cloneUrl).toBe(`${stack.endpoint}/v1/repos/roundtrip`);
    const source = makeSource('roundtrip-src');
    const push = gitResult(['push', '--progress', stack.gitUrl('roundtrip'), 'refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*'], { cwd: source });
    expect(push.status).toBe(0);
    expect(push.stderr).toContain('remote: Cairn: 5 ref updates authorized');

    const clone = join(work, 'roundtrip-clone');
    git(['clone', '-q', '--mirror', stack.gitUrl('roundtrip'), clone]);
    expect(refsOf(clone)).toEqual(refsOf(source));
    git(['fsck', '--strict'], { cwd: clone });
    expect(git(['ls-remote', '--symref', stack.gitUrl('roundtrip'), 'HEAD'])).toContain('ref: refs/heads/main\tHEAD');
  });

  it('fetches new pushes, lists refs with ls-remote, and speaks protocol v2', async () => {
    await createRepository('fetching');
    const source = makeSource('fetching-src');
    git(['push', '-q', stack.gitUrl('fetching'), 'main'], { cwd: source });
    const clone = join(work, 'fetching-clone');
    git(['clone', '-q', stack.gitUrl('fetching'), clone]);

    writeFileSync(join(source, 'new.txt'), 'new\n');
    git(['add', 'new.txt'], { cwd: source });
    git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'new'], { cwd: source });
    git(['push', '-q', stack.gitUrl('fetching'), 'main'], { cwd: source });

    const trace = gitResult(['-c', 'protocol.version=2', 'fetch', 'origin'], { cwd: clone, env: { GIT_TRACE_PACKET: '1' } });
    expect(trace.status).toBe(0);
    expect(trace.stderr).toContain('version 2');
    expect(git(['rev-parse', 'origin/main'], { cwd: clone }).trim()).toBe(git(['rev-parse', 'main'], { cwd: source }).trim());

    const v0 = gitResult(['-c', 'protocol.version=0', 'ls-remote', stack.gitUrl('fetching')]);
    expect(v0.status).toBe(0);
    expect(v0.stdout).toContain('refs/heads/main');
  });

  it('serves shallow and partial clones', async () => {
    await createRepository('partial');
    const source = makeSource('partial-src');
    git(['push', '-q', stack.gitUrl('partial'), '--all'], { cwd: source });

    const shallow = join(work, 'shallow');
    git(['clone', '-q', '--depth=1', stack.gitUrl('partial'), shallow]);
    expect(git(['rev-list', '--count', 'HEAD'], { cwd: shallow }).trim()).toBe('1');

    const blobless = join(work, 'blobless');
    git(['clone', '-q', '--filter=blob:none', '--no-checkout', stack.gitUrl('partial'), blobless]);
    const missing = git(['rev-list', '--objects', '--missing=print', 'HEAD'], { cwd: blobless });
    expect(missing).toMatch(/^\?[0-9a-f]{40}$/m);
    // Blobs arrive on demand from the promisor remote.
    git(['checkout', '-q', 'main'], { cwd: blobless });
    expect(git(['show', 'HEAD:README.md'], { cwd: blobless })).toBe('# hello\n');
  });

  it('deletes a branch by push, refuses a non-fast-forward, accepts a force push', async () => {
    await createRepository('rewrites');
    const source = makeSource('rewrites-src');
    git(['push', '-q', stack.gitUrl('rewrites'), 'main', 'feature'], { cwd: source });

    git(['push', '-q', stack.gitUrl('rewrites'), ':feature'], { cwd: source });
    expect(git(['ls-remote', stack.gitUrl('rewrites')])).not.toContain('refs/heads/feature');

    git(['reset', '-q', '--hard', 'HEAD~1'], { cwd: source });
    writeFileSync(join(source, 'diverge.txt'), 'x\n');
    git(['add', '.'], { cwd: source });
    git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'diverge'], { cwd: source });
    const rejected = gitResult(['push', stack.gitUrl('rewrites'), 'main'], { cwd: source });
    expect(rejected.status).not.toBe(0);
    expect(rejected.stderr).toMatch(/rejected|non-fast-forward/);

    const forced = gitResult(['push', '--force', stack.gitUrl('rewrites'), 'main'], { cwd: source });
    expect(forced.status).toBe(0);
    expect(git(['ls-remote', stack.gitUrl('rewrites'), 'refs/heads/main']).slice(0, 40)).toBe(git(['rev-parse', 'HEAD'], { cwd: source }).trim());
  });

  it('answers a wrong password with 401 and a challenge, and an unknown repository with 404', async () => {
    await createRepository('guarded');
    const c = stack.credentials();
    const wrong = await fetch(`${stack.endpoint}/v1/repos/guarded/info/refs?service=git-upload-pack`, {
      headers: { authorization: `Basic ${Buffer.from(`${c.gitUsername}:not-the-password`).toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const anonymous = await fetch(`${stack.endpoint}/v1/repos/guarded/info/refs?service=git-upload-pack`);
    expect(anonymous.status).toBe(401);

    const unknown = await fetch(`${stack.endpoint}/v1/repos/no-such-repo/info/refs?service=git-upload-pack`, {
      headers: { authorization: `Basic ${Buffer.from(`${c.gitUsername}:${c.gitPassword}`).toString('base64')}` },
    });
    expect(unknown.status).toBe(404);
    const cloneUnknown = gitResult(['clone', stack.gitUrl('no-such-repo'), join(work, 'nothing')]);
    expect(cloneUnknown.status).not.toBe(0);
    expect(cloneUnknown.stderr).toMatch(/not found|404/);
  });

  it('answers 403 to a user the policy does not allow, for fetch and push alike', async () => {
    await createRepository('private');
    const c = stack.credentials();
    const iam = new IAMClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
    await iam.send(new CreateUserCommand({ UserName: 'outsider' }));
    const { ServiceSpecificCredential: cred } = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'outsider', ServiceName: 'codecommit.amazonaws.com' }));
    iam.destroy();
    const outsider = { ...c, gitUsername: cred!.ServiceUserName!, gitPassword: cred!.ServicePassword! };

    const basic = `Basic ${Buffer.from(`${outsider.gitUsername}:${outsider.gitPassword}`).toString('base64')}`;
    for (const service of ['git-upload-pack', 'git-receive-pack']) {
      const res = await fetch(`${stack.endpoint}/v1/repos/private/info/refs?service=${service}`, { headers: { authorization: basic } });
      expect(res.status).toBe(403);
    }
    const clone = gitResult(['clone', stack.gitUrl('private', outsider), join(work, 'private-clone')]);
    expect(clone.status).not.toBe(0);
    expect(clone.stderr).toContain('403');
    // The same answer for a repository that does not exist: no probing names without access.
    const probe = await fetch(`${stack.endpoint}/v1/repos/does-not-exist/info/refs?service=git-upload-pack`, { headers: { authorization: basic } });
    expect(probe.status).toBe(403);
  });

  it('serves 16 concurrent clones', async () => {
    await createRepository('popular');
    const source = makeSource('popular-src');
    git(['push', '-q', stack.gitUrl('popular'), '--all'], { cwd: source });
    const { execFile } = await import('node:child_process');
    const clone = (i: number) =>
      new Promise<void>((resolve, reject) =>
        execFile('git', ['clone', '-q', stack.gitUrl('popular'), join(work, `popular-${i}`)], { env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1' } }, (err, _o, stderr) =>
          err ? reject(new Error(stderr)) : resolve(),
        ),
      );
    await Promise.all(Array.from({ length: 16 }, (_, i) => clone(i)));
    for (let i = 0; i < 16; i++) expect(git(['rev-parse', 'HEAD'], { cwd: join(work, `popular-${i}`) }).trim()).toBe(git(['rev-parse', 'main'], { cwd: source }).trim());
  });
});
