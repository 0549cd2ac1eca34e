import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { CodeCommitClient, CreateRepositoryCommand } from '@aws-sdk/client-codecommit';
import {
  AttachUserPolicyCommand,
  CreateUserCommand,
  DeleteSSHPublicKeyCommand,
  GetUserCommand,
  IAMClient,
  PutUserPolicyCommand,
  UpdateSSHPublicKeyCommand,
  UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { waitFor, makeTempDir } from '@cairn/testing';
import { writeRandomFile } from './support/fixtures';
import { gitProcessesFor } from './support/raw-git';
import { git, gitResult, Stack } from './support/stack';

/** Git over SSH end to end: a real stack, real OpenSSH `ssh`, real git, keys uploaded through IAM. */
describe('git over SSH', () => {
  const stack = new Stack();
  const work = makeTempDir('cairn-git-ssh-');
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

  /** A new key pair made by OpenSSH's ssh-keygen: ed25519, `ecdsa` (nistp256 at 256 bits) or `rsa` of `bits`. */
  function keygen(name: string, type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519', bits?: number): string {
    const path = join(work, `${name}_${type}`);
    execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', name, '-f', path]);
    return path;
  }

  async function uploadKey(userName: string, name: string, type?: 'ed25519' | 'ecdsa' | 'rsa', bits?: number): Promise<{ path: string; id: string }> {
    const path = keygen(name, type, bits);
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

  async function createRepository(name: string): Promise<string> {
    return (await codecommit.send(new CreateRepositoryCommand({ repositoryName: name }))).repositoryMetadata!.repositoryId!;
  }

  async function createPowerUser(userName: string): Promise<void> {
    await iam.send(new CreateUserCommand({ UserName: userName }));
    await iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser' }));
  }

  const gitProtocolLog = () => readFileSync(join(stack.dataDir, 'logs', 'git-protocol.log'), 'utf8');
  const gitProtocolPid = () => stack.services().find((s) => s.name === 'git-protocol')!.pid;

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

    // Options are not smuggled in as the repository path.
    const help = ssh(adminKey, 'git-upload-pack --help');
    expect(help.status).toBe(1);
    expect(help.stderr).toContain('repository path must be /v1/repos/<name>, not "--help"');
    expect(help.stdout).toBe('');
    const extra = ssh(adminKey, `git-receive-pack '/v1/repos/over-ssh' --strict`);
    expect(extra.status).toBe(1);
    expect(extra.stderr).toContain('unsupported quoting in repository path');

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
  it.each([
    ['ECDSA (nistp256)', 'ecdsa', 256, 'ecdsa-sha2-nistp256'],
    ['RSA 3072', 'rsa', 3072, 'ssh-rsa'],
  ] as const)('clones with an uploaded %s key', async (label, type, bits, keyType) => {
    const userName = `ssh-${type}`;
    await createPowerUser(userName);
    const key = await uploadKey(userName, `${userName}-key`, type, bits);
    expect(readFileSync(`${key.path}.pub`, 'utf8').split(' ')[0]).toBe(keyType);
    const clone = join(work, `clone-${type}`);
    const cloned = sshGit(key, ['clone', sshUrl(key, 'over-ssh'), clone]);
    expect(cloned.stderr).not.toMatch(/fatal|error/);
    expect(cloned.status).toBe(0);
    git(['fsck', '--strict'], { cwd: clone });
    expect(git(['rev-parse', 'HEAD'], { cwd: clone }).trim()).toBe(git(['ls-remote', stack.gitUrl('over-ssh'), 'refs/heads/main']).slice(0, 40));
    void label;
  });

  it('refuses RSA keys under 2048 bits at upload, and at authentication with a log line saying why', async () => {
    const weak = keygen('weak', 'rsa', 1024);
    await expect(iam.send(new UploadSSHPublicKeyCommand({ UserName: 'ssh-rsa', SSHPublicKeyBody: readFileSync(`${weak}.pub`, 'utf8') }))).rejects.toMatchObject({
      name: 'InvalidPublicKeyException',
      message: expect.stringContaining('RSA keys must have 2048 to 16384 bits, this one has 1024'),
    });
    // Presented under a valid key id anyway, the key is refused before any lookup.
    const tried = sshGit({ path: weak }, ['ls-remote', sshUrl(adminKey, 'over-ssh')]);
    expect(tried.status).not.toBe(0);
    expect(tried.stderr).toContain('Permission denied (publickey)');
    await waitFor(() => gitProtocolLog().includes('RSA key of 1024 bits is too weak (at least 2048 bits)'), 5_000, { description: 'the refusal in git-protocol.log' });
    const line = gitProtocolLog()
      .split('\n')
      .find((l) => l.includes('RSA key of 1024 bits'))!;
    expect(JSON.parse(line)).toMatchObject({ level: 'warn', msg: 'ssh key refused', keyId: adminKey.id });
  });

  it('refuses a key at once when it is made Inactive or deleted', async () => {
    await createPowerUser('ssh-lifecycle');
    const key = await uploadKey('ssh-lifecycle', 'ssh-lifecycle');
    const listRemote = () => sshGit(key, ['ls-remote', sshUrl(key, 'over-ssh')]);
    expect(listRemote().status).toBe(0);

    await iam.send(new UpdateSSHPublicKeyCommand({ UserName: 'ssh-lifecycle', SSHPublicKeyId: key.id, Status: 'Inactive' }));
    const inactive = listRemote();
    expect(inactive.status).not.toBe(0);
    expect(inactive.stderr).toContain('Permission denied (publickey)');

    await iam.send(new UpdateSSHPublicKeyCommand({ UserName: 'ssh-lifecycle', SSHPublicKeyId: key.id, Status: 'Active' }));
    expect(listRemote().status).toBe(0);

    await iam.send(new DeleteSSHPublicKeyCommand({ UserName: 'ssh-lifecycle', SSHPublicKeyId: key.id }));
    const deleted = listRemote();
    expect(deleted.status).not.toBe(0);
    expect(deleted.stderr).toContain('Permission denied (publickey)');
  });

  /** Connects, sends `bytes`, and reports what the server said and whether it closed the connection within `ms`. */
  function sendRaw(bytes: Buffer, ms = 15_000): Promise<{ closed: boolean; received: Buffer }> {
    return new Promise((resolve) => {
      const socket = connect(stack.sshPort, '127.0.0.1');
      const received: Buffer[] = [];
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ closed: false, received: Buffer.concat(received) });
      }, ms);
      socket.on('error', () => undefined);
      socket.on('data', (c: Buffer) => received.push(c));
      socket.once('connect', () => socket.write(bytes));
      socket.once('close', () => {
        clearTimeout(timer);
        resolve({ closed: true, received: Buffer.concat(received) });
      });
    });
  }

  it('closes connections that send garbage instead of SSH, and keeps serving', async () => {
    const pid = gitProtocolPid();
    const garbage = [
      Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${stack.sshPort}\r\n\r\n`),
      Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0xfe]), Buffer.from('\n'), Buffer.alloc(64 * 1024, 0xa5)]),
      // No newline at all: an identification line longer than SSH allows.
      Buffer.alloc(10_000, 0x41),
      // A proper identification line, then packets that are not SSH.
      Buffer.concat([Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'), Buffer.alloc(4096, 0xff)]),
    ];
    for (const bytes of garbage) {
      const { closed, received } = await sendRaw(bytes);
      expect(closed).toBe(true);
      expect(received.toString('latin1')).toMatch(/^SSH-2\.0-Cairn\r\n/);
    }
    // The service was not restarted, and still serves.
    expect(gitProtocolPid()).toBe(pid);
    expect(stack.output).not.toMatch(/git-protocol exited/);
    const listed = sshGit(adminKey, ['ls-remote', sshUrl(adminKey, 'over-ssh')]);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('refs/heads/main');
  });

  /** Every process below `pid`: the ssh that git runs and what ssh runs in turn. */
  function descendants(pid: number): { pid: number; argv: string[] }[] {
    const children = new Map<number, number[]>();
    for (const entry of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      } catch {
        // gone
      }
    }
    const found: { pid: number; argv: string[] }[] = [];
    const queue = [...(children.get(pid) ?? [])];
    while (queue.length > 0 && found.length < 100) {
      const next = queue.shift()!;
      let argv: string[] = [];
      try {
        argv = readFileSync(`/proc/${next}/cmdline`, 'utf8').split('\0').filter(Boolean);
      } catch {
        // gone
      }
      found.push({ pid: next, argv });
      queue.push(...(children.get(next) ?? []));
    }
    return found;
  }

  it('a client that disconnects mid-push leaves the refs as they were, no git running and no quarantine, and the server serving', async () => {
    const id = await createRepository('ssh-cut-push');
    const source = join(work, 'ssh-cut-src');
    git(['init', '-q', '-b', 'main', source]);
    commit(source, 'README.md', 'base\n', 'base');
    expect(sshGit(adminKey, ['push', '-q', sshUrl(adminKey, 'ssh-cut-push'), 'main'], source).status).toBe(0);
    const refsBefore = git(['ls-remote', stack.gitUrl('ssh-cut-push')]);
    writeRandomFile(join(source, 'big.bin'), 30 * 1024 * 1024);
    git(['add', 'big.bin'], { cwd: source });
    git(['-c', 'user.name=Test', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'big'], { cwd: source });

    // The connection goes through a proxy that passes the upload at 4 MB/s and counts it, so the
    // client can be killed partway on purpose rather than by luck of timing.
    const counter = join(work, 'cut-push-bytes');
    const proxy = join(work, 'throttle-proxy.cjs');
    writeFileSync(
      proxy,
      `const net = require('net'); const fs = require('fs');
const [host, port, counter] = process.argv.slice(2);
const socket = net.connect(Number(port), host); let sent = 0;
socket.on('error', () => process.exit(1)); socket.on('close', () => process.exit(0));
socket.pipe(process.stdout);
process.stdin.on('data', (chunk) => { socket.write(chunk); sent += chunk.length; fs.writeFileSync(counter, String(sent));
  process.stdin.pause(); setTimeout(() => process.stdin.resume(), Math.ceil(chunk.length / 4000)); });
process.stdin.on('end', () => socket.destroy());
`,
    );
    const sshCommand = ['ssh', ...sshOptions(adminKey.path), '-o', `'ProxyCommand=${process.execPath} ${proxy} %h %p ${counter}'`].join(' ');
    const push = spawn('git', ['push', sshUrl(adminKey, 'ssh-cut-push'), 'main'], {
      cwd: source,
      env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LANG: 'C', GIT_SSH_COMMAND: sshCommand },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let pushStderr = '';
    push.stderr!.on('data', (c: Buffer) => (pushStderr += c.toString()));
    const pushed = new Promise<number>((resolve) => push.once('close', (code) => resolve(code ?? 128)));
    const children = () => descendants(push.pid!);
    try {
      await waitFor(() => existsSync(counter) && Number(readFileSync(counter, 'utf8')) >= 8 * 1024 * 1024, 60_000, { description: '8 MB of the push through the proxy' });
      // git is really receiving this push before the client goes away.
      expect(gitProcessesFor(id).length).toBeGreaterThan(0);
      const sshClient = children().find((p) => p.argv[0] === 'ssh');
      expect(sshClient).toBeDefined();
      process.kill(sshClient!.pid, 'SIGKILL');
      const code = await Promise.race([pushed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 30_000))]);
      expect(code).not.toBe(0);
      expect(code).not.toBe(-1);
      expect(Number(readFileSync(counter, 'utf8'))).toBeLessThan(30 * 1024 * 1024);
      expect(pushStderr).not.toContain('main -> main');
    } finally {
      for (const p of children()) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      if (push.exitCode === null) push.kill('SIGKILL');
    }

    await waitFor(() => gitProcessesFor(id).length === 0, 20_000, { description: 'no git process left for the repository' });
    expect(git(['ls-remote', stack.gitUrl('ssh-cut-push')])).toBe(refsBefore);
    const storageRoot = stack.services().find((s) => s.name === 'git-storage')!.dataDir!;
    const objects = join(storageRoot, 'repositories', id.slice(0, 2), `${id}.git`, 'objects');
    await waitFor(() => readdirSync(objects).filter((n) => n.startsWith('tmp_objdir') || n.startsWith('incoming-')).length === 0, 10_000, {
      description: 'no quarantine directory left in the repository',
    });
    const mirror = join(work, 'ssh-cut-mirror');
    git(['clone', '-q', '--mirror', stack.gitUrl('ssh-cut-push'), mirror]);
    git(['fsck', '--strict', '--no-progress'], { cwd: mirror });

    // The server keeps serving: the same push, uninterrupted, goes through.
    expect(stack.output).not.toMatch(/git-protocol exited/);
    const retry = sshGit(adminKey, ['push', sshUrl(adminKey, 'ssh-cut-push'), 'main'], source);
    expect(retry.status).toBe(0);
    expect(git(['ls-remote', stack.gitUrl('ssh-cut-push'), 'refs/heads/main']).slice(0, 40)).toBe(git(['rev-parse', 'main'], { cwd: source }).trim());
  });
});
