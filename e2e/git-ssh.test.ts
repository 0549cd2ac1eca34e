import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeCommitClient, CreateRepositoryCommand } from '@aws-sdk/client-codecommit';
import { AttachUserPolicyCommand, CreateUserCommand, GetUserCommand, IAMClient, PutUserPolicyCommand, UploadSSHPublicKeyCommand } from '@aws-sdk/client-iam';
import { git, gitResult, Stack } from './support/stack';

/** Git over SSH end to end: a real stack, real OpenSSH `ssh`, real git, keys uploaded through IAM. */
describe('git over SSH', () => {
  const stack = new Stack();
  const work = mkdtempSync(join(tmpdir(), 'cairn-git-ssh-'));
  const knownHosts = join(work, 'known_hosts');
  let iam: IAMClient;
  let codecommit: CodeCommitClient;
  let adminKey: { path: string; id: string };

  beforeAll(async () => {
    await stack.start();
    const c = stack.credentials();
    const credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
    iam = new IAMClient({ endpoint: c.endpoint, region: c.region, credentials });
    codecommit = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, credentials });
    const admin = (await iam.send(new GetUserCommand({}))).User!.UserName!;
    adminKey = await uploadKey(admin, 'admin');
  }, 240_000);

  afterAll(async () => {
    iam?.destroy();
    codecommit?.destroy();
    await stack.stop();
  });

  function keygen(name: string): string {
    const path = join(work, `${name}_ed25519`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
    return path;
  }

  async function uploadKey(userName: string, name: string): Promise<{ path: string; id: string }> {
    const path = keygen(name);
    const uploaded = await iam.send(new UploadSSHPublicKeyCommand({ UserName: userName, SSHPublicKeyBody: readFileSync(`${path}.pub`, 'utf8') }));
    return { path, id: uploaded.SSHPublicKey!.SSHPublicKeyId! };
  }

  const sshOptions = (keyPath: string) => [
    '-i',
    keyPath,
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-F',
    '/dev/null',
  ];
  const sshEnv = (key: { path: string }) => ({ GIT_SSH_COMMAND: ['ssh', ...sshOptions(key.path)].join(' ') });
  const sshUrl = (key: { id: string }, repositoryName: string) => `ssh://${key.id}@127.0.0.1:${stack.sshPort}/v1/repos/${repositoryName}`;
  const sshGit = (key: { path: string }, args: string[], cwd?: string) => gitResult(args, { cwd, env: sshEnv(key) });

  /** Runs `ssh` itself (no git), with stdin closed, as a user trying a shell or a command. */
  function ssh(key: { path: string; id: string }, command?: string): { status: number; stdout: string; stderr: string } {
    const args = [...sshOptions(key.path), '-p', String(stack.sshPort), `${key.id}@127.0.0.1`, ...(command === undefined ? [] : [command])];
    const result = spawnSync('ssh', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, env: { PATH: process.env.PATH, HOME: work } });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  async function createRepository(name: string): Promise<void> {
    await codecommit.send(new CreateRepositoryCommand({ repositoryName: name }));
  }

  function commit(dir: string, file: string, content: string, message: string): void {
    writeFileSync(join(dir, file), content);
    git(['add', file], { cwd: dir });
    git(['-c', 'user.name=Test', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', message], { cwd: dir });
  }

  function makeSource(name: string): string {
    const dir = join(work, name);
    git(['init', '-q', '-b', 'main', dir]);
    commit(dir, 'README.md', '# hello\n', 'first');
    commit(dir, 'a.txt', 'a\n'.repeat(1000), 'second');
    git(['branch', 'feature'], { cwd: dir });
    git(['-c', 'user.name=Test', '-c', 'user.email=t@example.com', 'tag', '-a', 'v1.0', '-m', 'annotated'], { cwd: dir });
    return dir;
  }

  const refsOf = (dir: string) =>
    git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags'], { cwd: dir })
      .trim()
      .split('\n')
      .sort();

  it('pushes, clones and fetches (protocol v2) over ssh:// with an IAM SSH key', async () => {
    await createRepository('over-ssh');
    const source = makeSource('over-ssh-src');
    const push = sshGit(adminKey, ['push', '--progress', sshUrl(adminKey, 'over-ssh'), 'refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*'], source);
    expect(push.stderr).not.toMatch(/fatal|error/);
    expect(push.status).toBe(0);
    expect(push.stderr).toContain('remote: Cairn: 3 ref updates authorized');

    // What went in over SSH comes out over HTTPS, and the other way round.
    const mirror = join(work, 'over-ssh-mirror');
    git(['clone', '-q', '--mirror', stack.gitUrl('over-ssh'), mirror]);
    expect(refsOf(mirror)).toEqual(refsOf(source));

    const clone = join(work, 'over-ssh-clone');
    const cloned = sshGit(adminKey, ['clone', sshUrl(adminKey, 'over-ssh'), clone]);
    expect(cloned.status).toBe(0);
    git(['fsck', '--strict'], { cwd: clone });
    expect(git(['rev-parse', 'HEAD'], { cwd: clone }).trim()).toBe(git(['rev-parse', 'main'], { cwd: source }).trim());

    commit(source, 'b.txt', 'b\n', 'third');
    git(['push', '-q', stack.gitUrl('over-ssh'), 'main'], { cwd: source });
    const fetched = gitResult(['-c', 'protocol.version=2', 'fetch', 'origin'], { cwd: clone, env: { ...sshEnv(adminKey), GIT_TRACE_PACKET: '1' } });
    expect(fetched.status).toBe(0);
    expect(fetched.stderr).toContain('version 2');
    expect(git(['rev-parse', 'origin/main'], { cwd: clone }).trim()).toBe(git(['rev-parse', 'main'], { cwd: source }).trim());

    // Push from the clone over SSH (a fast-forward of main plus a deletion), then ls-remote.
    git(['merge', '-q', '--ff-only', 'origin/main'], { cwd: clone });
    commit(clone, 'c.txt', 'c\n', 'fourth');
    const second = sshGit(adminKey, ['push', 'origin', 'main', ':feature'], clone);
    expect(second.status).toBe(0);
    const listed = sshGit(adminKey, ['ls-remote', 'origin'], clone);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain(`${git(['rev-parse', 'HEAD'], { cwd: clone }).trim()}\trefs/heads/main`);
    expect(listed.stdout).not.toContain('refs/heads/feature');

    // Nothing to push: the client sends a flush and both sides end cleanly.
    const upToDate = sshGit(adminKey, ['push', 'origin', 'main'], clone);
    expect(upToDate.status).toBe(0);
    expect(upToDate.stderr).toContain('Everything up-to-date');
  });

  it('keeps the host key in the data directory, mode 0600, and presents it', () => {
    const file = join(stack.dataDir, 'secrets', 'ssh_host_ed25519_key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const publicKey = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).split(' ').slice(0, 2).join(' ');
    expect(readFileSync(knownHosts, 'utf8')).toContain(publicKey);
  });

  it('refuses per ref with the same report as HTTPS, before storage sees the pack', async () => {
    await createRepository('ssh-guarded');
    const source = makeSource('ssh-guarded-src');
    git(['push', '-q', stack.gitUrl('ssh-guarded'), 'main', 'feature'], { cwd: source });
    const c = stack.credentials();
    await iam.send(new CreateUserCommand({ UserName: 'ssh-dev' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'ssh-dev', PolicyArn: 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser' }));
    const protectMain = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: ['codecommit:GitPush'],
          Resource: `arn:aws:codecommit:${c.region}:${c.accountId}:ssh-guarded`,
          Condition: { StringEqualsIfExists: { 'codecommit:References': ['refs/heads/main'] }, Null: { 'codecommit:References': 'false' } },
        },
      ],
    };
    await iam.send(new PutUserPolicyCommand({ UserName: 'ssh-dev', PolicyName: 'protect-main', PolicyDocument: JSON.stringify(protectMain) }));
    const devKey = await uploadKey('ssh-dev', 'ssh-dev');

    commit(source, 'd.txt', 'd\n', 'by dev');
    const before = git(['ls-remote', stack.gitUrl('ssh-guarded')]);
    const toMain = sshGit(devKey, ['push', sshUrl(devKey, 'ssh-guarded'), 'HEAD:main', 'HEAD:other'], source);
    expect(toMain.status).not.toBe(0);
    expect(toMain.stderr).toMatch(/\[remote rejected\] HEAD -> main \(permission denied by policy\)/);
    expect(toMain.stderr).toMatch(/\[remote rejected\] HEAD -> other \(not updated: another ref in this push was refused\)/);
    expect(git(['ls-remote', stack.gitUrl('ssh-guarded')])).toBe(before);

    const deleteMain = sshGit(devKey, ['push', sshUrl(devKey, 'ssh-guarded'), ':main'], source);
    expect(deleteMain.status).not.toBe(0);
    expect(deleteMain.stderr).toMatch(/\[remote rejected\] main \(permission denied by policy\)/);

    const toFeature = sshGit(devKey, ['push', sshUrl(devKey, 'ssh-guarded'), 'HEAD:feature'], source);
    expect(toFeature.status).toBe(0);
    expect(git(['ls-remote', stack.gitUrl('ssh-guarded'), 'refs/heads/feature']).slice(0, 40)).toBe(git(['rev-parse', 'HEAD'], { cwd: source }).trim());
  });

  it('refuses a key that is not the one uploaded under that id, an unknown id, and a repository the user may not read', async () => {
    const stranger = { path: keygen('stranger'), id: adminKey.id };
    const wrongKey = sshGit(stranger, ['ls-remote', sshUrl(stranger, 'over-ssh')]);
    expect(wrongKey.status).not.toBe(0);
    expect(wrongKey.stderr).toContain('Permission denied (publickey)');

    const unknownId = sshGit(adminKey, ['ls-remote', `ssh://APKAAAAAAAAAAAAAAAAA@127.0.0.1:${stack.sshPort}/v1/repos/over-ssh`]);
    expect(unknownId.status).not.toBe(0);
    expect(unknownId.stderr).toContain('Permission denied (publickey)');

    // Passwords and keyboard-interactive are not offered at all: public keys are the only method.
    const password = spawnSync('ssh', [...sshOptions(adminKey.path), '-v', '-o', 'PubkeyAuthentication=no', '-p', String(stack.sshPort), `${adminKey.id}@127.0.0.1`, 'true'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: work },
    });
    expect(password.status).toBe(255);
    expect(password.stderr).toMatch(/Authentications that can continue: publickey\r?\n/);
    expect(password.stderr).toContain('Permission denied (publickey)');

    await iam.send(new CreateUserCommand({ UserName: 'ssh-nobody' }));
    const nobody = await uploadKey('ssh-nobody', 'ssh-nobody');
    const forbidden = sshGit(nobody, ['ls-remote', sshUrl(nobody, 'over-ssh')]);
    expect(forbidden.status).not.toBe(0);
    expect(forbidden.stderr).toMatch(/is not authorized to perform codecommit:GitPull/);

    const missing = sshGit(adminKey, ['ls-remote', sshUrl(adminKey, 'no-such-repo')]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('repository no-such-repo does not exist');
  });

  it('offers no shell and runs no other command', () => {
    const shell = ssh(adminKey);
    expect(shell.status).toBe(1);
    expect(shell.stderr).toContain(`Cairn does not offer a shell; use git clone ssh://<key-id>@host:port/v1/repos/<name>`);

    const ls = ssh(adminKey, 'ls');
    expect(ls.status).toBe(1);
    expect(ls.stderr).toContain('Cairn only serves git over SSH');
    expect(ls.stdout).toBe('');

    const escape = ssh(adminKey, `git-upload-pack '../x'`);
    expect(escape.status).toBe(1);
    expect(escape.stderr).toContain('repository path must be /v1/repos/<name>');

    const badName = ssh(adminKey, `git-upload-pack '/v1/repos/..'`);
    expect(badName.status).toBe(1);

    // Port forwarding is refused outright.
    const remote = spawnSync('ssh', [...sshOptions(adminKey.path), '-p', String(stack.sshPort), '-N', '-o', 'ExitOnForwardFailure=yes', '-R', '0:127.0.0.1:22', `${adminKey.id}@127.0.0.1`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: work },
    });
    expect(remote.status).not.toBe(0);
    expect(remote.stderr).toMatch(/remote port forwarding failed/i);
  });
});
