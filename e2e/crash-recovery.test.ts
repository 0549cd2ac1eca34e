import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeCommitClient, GetRepositoryCommand, ListRepositoriesCommand } from '@aws-sdk/client-codecommit';
import { makeTempDir, waitFor } from '@cairn/testing';
import { codeCommitClient, commitAll, createRepository, gitAsync, initSource, remoteRefs, writeRandomFile } from './support/fixtures';
import { gitProcessesFor } from './support/raw-git';
import { AdminCredentials, git, Stack } from './support/stack';

const SERVICES = ['git-protocol', 'git-storage', 'repo-metadata', 'policy', 'api-gateway'] as const;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The all-in-one stack survives what a machine does to it: a stop and a start on the same data
 * directory, and kill -9 of any service in the middle of a push. What a user was told (a push
 * that git reported as done) is never lost, and the stack heals by itself.
 */
describe('crash recovery', () => {
  const work = makeTempDir('cairn-crash-');
  const stack = new Stack(makeTempDir('cairn-crash-data-'));
  let client: CodeCommitClient;
  /** repository → ref → id of every push git reported as successful. */
  const acknowledged = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    await stack.start();
    client = codeCommitClient(stack);
  }, 240_000);

  afterAll(async () => {
    client?.destroy();
    await stack.stop();
  });

  async function healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${stack.endpoint}/healthz`, { signal: AbortSignal.timeout(5_000) });
      return res.status === 200;
    } catch {
      return false;
    }
  }

  function acknowledge(repository: string, refs: Record<string, string>): void {
    // HEAD is symbolic: what it points at is covered by the branch itself.
    const real = Object.fromEntries(Object.entries(refs).filter(([ref]) => ref.startsWith('refs/')));
    acknowledged.set(repository, { ...acknowledged.get(repository), ...real });
  }

  /** Every acknowledged ref, in every repository, is served with the acknowledged id. */
  function expectAcknowledgedServed(creds?: AdminCredentials): void {
    for (const [repository, refs] of acknowledged) {
      const served = remoteRefs(stack.gitUrl(repository, creds));
      for (const [ref, id] of Object.entries(refs)) expect({ repository, ref, id: served[ref] }).toEqual({ repository, ref, id });
    }
  }

  it('serves every repository, ref and credential after a stop (SIGTERM) and a start on the same data directory and ports', async () => {
    const names = ['kept-a', 'kept-b'];
    for (const name of names) {
      await createRepository(client, name);
      const source = initSource(join(work, `${name}-src`));
      commitAll(source, 'first', (d) => writeFileSync(join(d, 'README.md'), `# ${name}\n`));
      git(['tag', 'v1'], { cwd: source });
      git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'tag', '-a', 'v1-annotated', '-m', 'annotated'], { cwd: source });
      git(['checkout', '-q', '-b', 'feature'], { cwd: source });
      commitAll(source, 'feature', (d) => writeFileSync(join(d, 'feature.txt'), 'feature\n'));
      const push = await gitAsync(['push', stack.gitUrl(name), 'refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*'], { cwd: source }).done;
      expect(push.status).toBe(0);
      acknowledge(name, remoteRefs(stack.gitUrl(name)));
    }
    const credentialsFile = join(stack.dataDir, 'admin-credentials.json');
    const credentials = stack.credentials();
    const credentialsText = readFileSync(credentialsFile, 'utf8');
    const pids = stack.services().map((s) => s.pid);

    await stack.stop();
    expect(stack.lastExitCode).toBe(0);
    // Every process the supervisor started is gone with it.
    await waitFor(() => pids.every((pid) => !alive(pid)), 10_000, { description: 'every service process to end' });

    await stack.start();
    expect(JSON.parse(readFileSync(credentialsFile, 'utf8'))).toEqual(JSON.parse(credentialsText));
    // The credentials from before the restart, as a user kept them.
    expectAcknowledgedServed(credentials);
    const oldClient = new CodeCommitClient({
      endpoint: credentials.endpoint,
      region: credentials.region,
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    });
    try {
      const listed = await oldClient.send(new ListRepositoriesCommand({}));
      expect(listed.repositories!.map((r) => r.repositoryName)).toEqual(expect.arrayContaining(names));
      const got = await oldClient.send(new GetRepositoryCommand({ repositoryName: 'kept-a' }));
      expect(got.repositoryMetadata!.cloneUrlHttp).toBe(`${stack.endpoint}/v1/repos/kept-a`);
    } finally {
      oldClient.destroy();
    }
    const clone = join(work, 'kept-a-clone');
    git(['clone', '-q', '--mirror', stack.gitUrl('kept-a', credentials), clone]);
    git(['fsck', '--strict', '--no-progress'], { cwd: clone });
    // And it takes new pushes.
    const source = join(work, 'kept-a-src');
    const next = commitAll(source, 'after restart', (d) => writeFileSync(join(d, 'after.txt'), 'after\n'));
    expect((await gitAsync(['push', stack.gitUrl('kept-a'), 'feature'], { cwd: source }).done).status).toBe(0);
    expect(remoteRefs(stack.gitUrl('kept-a'))['refs/heads/feature']).toBe(next);
    acknowledge('kept-a', { 'refs/heads/feature': next });
  }, 300_000);

  describe('kill -9 of a service during a push', () => {
    const repositoryIds = new Map<string, string>();

    /** One repository per case, made while every service is up; `main` at a small first commit. */
    beforeAll(async () => {
      for (const service of SERVICES) {
        for (const moment of ['start', 'transfer']) {
          const name = `crash-${service}-${moment}`;
          repositoryIds.set(name, await createRepository(client, name));
          const source = initSource(join(work, `${name}-src`));
          commitAll(source, 'base', (d) => writeFileSync(join(d, 'README.md'), `# ${name}\n`));
          expect((await gitAsync(['push', stack.gitUrl(name), 'main'], { cwd: source }).done).status).toBe(0);
          acknowledge(name, remoteRefs(stack.gitUrl(name)));
        }
      }
    }, 120_000);

    async function killDuringPush(service: (typeof SERVICES)[number], moment: 'start' | 'transfer'): Promise<void> {
      const name = `crash-${service}-${moment}`;
      const id = repositoryIds.get(name)!;
      const source = join(work, `${name}-src`);
      const base = git(['rev-parse', 'HEAD'], { cwd: source }).trim();
      // A pack of about 16 MB, so a transfer takes a moment.
      const head = commitAll(source, 'large', (d) => writeRandomFile(join(d, 'large.bin'), 16 * 1024 * 1024));
      const victim = stack.services().find((s) => s.name === service)!.pid;

      const push = gitAsync(['push', stack.gitUrl(name), 'main'], { cwd: source, timeoutMs: 120_000 });
      if (moment === 'transfer') {
        // Storage is running git receive-pack for this push: the pack is on its way.
        await waitFor(() => gitProcessesFor(id).length > 0, 30_000, { description: 'git receive-pack for the push' });
      }
      process.kill(victim, 'SIGKILL');
      const result = await push.done;

      // The supervisor restarts the service; the stack answers /healthz again.
      await waitFor(
        async () => {
          const entry = stack.services().find((s) => s.name === service)!;
          return entry.pid !== victim && alive(entry.pid) && (await healthy());
        },
        90_000,
        { description: `${service} restarted and /healthz 200`, intervalMs: 250 },
      );

      const served = remoteRefs(stack.gitUrl(name))['refs/heads/main'];
      process.stderr.write(`[crash] ${name}: push exit ${result.status}${result.status ? ` (${result.stderr.trim().split('\n').pop()})` : ''}; main ${served === head ? 'as pushed' : served === base ? 'as before' : served}\n`);
      if (result.status === 0) {
        expect(served).toBe(head);
        acknowledge(name, { 'refs/heads/main': head });
      } else {
        // A failed push failed cleanly: git said so, and the ref is as before or, if the update
        // was committed just before the connection broke, as pushed; never anything else.
        expect(result.stderr).toMatch(/error|fatal|failed|rejected/i);
        expect([base, head]).toContain(served);
      }
      await waitFor(() => gitProcessesFor(id).length === 0, 20_000, { description: `no git process left for ${name}` });
      // Nothing of a broken push stays in the repository (git keeps a push's objects apart until its refs move).
      const storageRoot = stack.services().find((s) => s.name === 'git-storage')!.dataDir!;
      const objects = join(storageRoot, 'repositories', id.slice(0, 2), `${id}.git`, 'objects');
      await waitFor(() => readdirSync(objects).filter((n) => n.startsWith('tmp_objdir')).length === 0, 10_000, { description: `no quarantine directory left in ${name}` });

      // A retried push succeeds (or finds the work already done).
      const retry = await gitAsync(['push', stack.gitUrl(name), 'main'], { cwd: source, timeoutMs: 120_000 }).done;
      expect({ status: retry.status, stderr: retry.status === 0 ? '' : retry.stderr }).toEqual({ status: 0, stderr: '' });
      expect(remoteRefs(stack.gitUrl(name))['refs/heads/main']).toBe(head);
      acknowledge(name, { 'refs/heads/main': head });
      expectAcknowledgedServed();
    }

    for (const service of SERVICES) {
      it(`${service}, killed as the push starts: the push fails cleanly or completes, and the stack heals`, () => killDuringPush(service, 'start'), 300_000);
      it(`${service}, killed while the pack is transferred: the push fails cleanly or completes, and the stack heals`, () => killDuringPush(service, 'transfer'), 300_000);
    }

    it('leaves every repository fsck-clean', async () => {
      for (const name of repositoryIds.keys()) {
        const clone = join(work, `${name}-check`);
        expect((await gitAsync(['clone', '-q', '--mirror', stack.gitUrl(name), clone]).done).status).toBe(0);
        git(['fsck', '--strict', '--no-progress'], { cwd: clone });
      }
      expectAcknowledgedServed();
    }, 300_000);
  });
});
