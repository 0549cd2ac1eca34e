import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { join } from 'node:path';
import { Client, type ClientChannel } from 'ssh2';
import { CodeCommitClient, CreateRepositoryCommand } from '@aws-sdk/client-codecommit';
import { AttachUserPolicyCommand, CreateUserCommand, IAMClient, UploadSSHPublicKeyCommand } from '@aws-sdk/client-iam';
import { waitFor, makeTempDir } from '@cairn/testing';
import { git, gitResult, Stack } from './support/stack';

/**
 * The SSH server's limits end to end, each set small through the environment (the supervisor
 * passes it on to git-protocol): sessions per user, connections per address, authentication
 * attempts, and in a second stack the login grace time, the idle timeout and the session time limit.
 */

type Key = { path: string; id: string };

/** One stack with `env` set while it starts, an admin SDK, keys made with ssh-keygen, real ssh and git. */
function sshStack(env: Record<string, string>) {
  const stack = new Stack();
  const work = makeTempDir('cairn-ssh-limits-');
  const knownHosts = join(work, 'known_hosts');
  let iam: IAMClient;
  let codecommit: CodeCommitClient;

  const start = async () => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      await stack.start();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const c = stack.credentials();
    const credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
    iam = new IAMClient({ endpoint: c.endpoint, region: c.region, credentials });
    codecommit = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, credentials });
  };
  const stop = async () => {
    iam?.destroy();
    codecommit?.destroy();
    await stack.stop();
  };

  const keygen = (name: string) => {
    const path = join(work, `${name}_ed25519`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
    return path;
  };
  /** A new IAM user with AWSCodeCommitPowerUser and an uploaded ed25519 key. */
  const user = async (userName: string): Promise<Key> => {
    await iam.send(new CreateUserCommand({ UserName: userName }));
    await iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser' }));
    const path = keygen(userName);
    const uploaded = await iam.send(new UploadSSHPublicKeyCommand({ UserName: userName, SSHPublicKeyBody: readFileSync(`${path}.pub`, 'utf8') }));
    return { path, id: uploaded.SSHPublicKey!.SSHPublicKeyId! };
  };
  /** A repository with one commit on main, pushed over HTTPS. */
  const repository = async (name: string) => {
    await codecommit.send(new CreateRepositoryCommand({ repositoryName: name }));
    const dir = join(work, `${name}-src`);
    git(['init', '-q', '-b', 'main', dir]);
    writeFileSync(join(dir, 'README.md'), `# ${name}\n`);
    git(['add', 'README.md'], { cwd: dir });
    git(['-c', 'user.name=Test', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first'], { cwd: dir });
    git(['push', '-q', stack.gitUrl(name), 'main'], { cwd: dir });
  };

  const sshOptions = (keyPaths: string[]) => [
    ...keyPaths.flatMap((p) => ['-i', p]),
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
  const sshUrl = (key: Key, name: string) => `ssh://${key.id}@127.0.0.1:${stack.sshPort}/v1/repos/${name}`;
  const lsRemote = (key: Key, name: string) => gitResult(['ls-remote', sshUrl(key, name)], { env: { GIT_SSH_COMMAND: ['ssh', ...sshOptions([key.path])].join(' ') } });
  const log = () => readFileSync(join(stack.dataDir, 'logs', 'git-protocol.log'), 'utf8');

  /**
   * `ssh <key-id>@host <command>` left running with its stdin open (what git does while it
   * negotiates); `exited` resolves with its status and how long it ran. Killed after `killAfterMs`.
   */
  const hold = (key: Key, command: string, killAfterMs = 60_000) => {
    const started = Date.now();
    const child: ChildProcess = spawn('ssh', [...sshOptions([key.path]), '-p', String(stack.sshPort), `${key.id}@127.0.0.1`, command], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: work },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('latin1')));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin!.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const exited = new Promise<{ status: number; ms: number }>((resolve) =>
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ status: code ?? 128, ms: Date.now() - started });
      }),
    );
    return { child, exited, stdout: () => stdout, stderr: () => stderr };
  };

  return {
    stack,
    work,
    start,
    stop,
    keygen,
    user,
    repository,
    sshOptions,
    sshUrl,
    lsRemote,
    log,
    hold,
    get codecommit() {
      return codecommit;
    },
  };
}

/** Opens a raw TCP connection to the SSH port and waits until it is established. */
async function rawConnection(port: number): Promise<{ socket: Socket; closed: Promise<number> }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  // Read (and drop) what the server says: a socket nobody reads never sees the server close it.
  socket.resume();
  const opened = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, closed };
}

/** Resolves with `promise`'s value, or rejects after `ms` (so a hang fails the test instead of stalling it). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

describe('SSH limits: sessions per user, connections per address, authentication attempts', () => {
  const s = sshStack({ CAIRN_SSH_MAX_SESSIONS_PER_USER: '2', CAIRN_SSH_MAX_CONNECTIONS_PER_ADDRESS: '4', CAIRN_SSH_MAX_AUTH_TRIES: '3' });
  let alice: Key;
  let bob: Key;

  beforeAll(async () => {
    await s.start();
    alice = await s.user('alice');
    bob = await s.user('bob');
    await s.repository('limited');
  }, 240_000);
  afterAll(() => s.stop());

  it('refuses a user\'s third concurrent git session with a message, serves other users meanwhile, and frees the slot when a session ends', async () => {
    const first = s.hold(alice, `git-upload-pack '/v1/repos/limited'`);
    const second = s.hold(alice, `git-upload-pack '/v1/repos/limited'`);
    try {
      // Both sessions are running git: they have sent the ref advertisement and wait for the client.
      await waitFor(() => first.stdout().includes('refs/heads/main') && second.stdout().includes('refs/heads/main'), 20_000, { description: 'two advertisements' });
      const third = s.lsRemote(alice, 'limited');
      expect(third.status).not.toBe(0);
      expect(third.stderr).toContain('cairn: alice already has 2 SSH git sessions open (the limit); try again when one has finished');
      expect(JSON.parse(s.log().split('\n').filter((l) => l.includes('too many sessions for this user')).pop()!)).toMatchObject({
        level: 'warn',
        msg: 'ssh session refused: too many sessions for this user',
        user: 'alice',
        limit: 2,
      });
      // The limit is alice's: bob is served at the same time.
      const other = s.lsRemote(bob, 'limited');
      expect(other.status).toBe(0);
      expect(other.stdout).toContain('refs/heads/main');

      // One of alice's sessions ends (the client says it wants nothing, as ls-remote does): she may start another.
      first.child.stdin!.end('0000');
      expect((await within(first.exited, 20_000, 'the first session to end')).status).toBe(0);
      await waitFor(() => s.lsRemote(alice, 'limited').status === 0, 10_000, { description: 'alice served again' });
    } finally {
      first.child.kill('SIGKILL');
      second.child.kill('SIGKILL');
      await Promise.all([first.exited, second.exited]);
    }
    // Every slot came back: two sessions at once are allowed again.
    const a = s.hold(alice, `git-upload-pack '/v1/repos/limited'`);
    const b = s.hold(alice, `git-upload-pack '/v1/repos/limited'`);
    try {
      await waitFor(() => a.stdout().includes('refs/heads/main') && b.stdout().includes('refs/heads/main'), 20_000, { description: 'two advertisements again' });
    } finally {
      a.child.stdin!.end('0000');
      b.child.stdin!.end('0000');
      await Promise.all([a.exited, b.exited]);
    }
  });

  it('counts git sessions, not connections: a third exec on one multiplexed connection is refused', async () => {
    const conn = new Client();
    const ready = new Promise<void>((resolve, reject) => conn.once('ready', resolve).once('error', reject));
    conn.connect({ host: '127.0.0.1', port: s.stack.sshPort, username: alice.id, privateKey: readFileSync(alice.path), readyTimeout: 20_000 });
    try {
      await within(ready, 20_000, 'ssh2 client ready');
      const exec = () =>
        new Promise<{ channel: ClientChannel; out: () => string; err: () => string; exit: Promise<number> }>((resolve, reject) =>
          conn.exec(`git-upload-pack '/v1/repos/limited'`, (error, channel) => {
            if (error) return reject(error);
            let out = '';
            let err = '';
            channel.on('data', (c: Buffer) => (out += c.toString('latin1')));
            channel.stderr.on('data', (c: Buffer) => (err += c.toString()));
            const exit = new Promise<number>((res) => channel.once('exit', (code: number) => res(code)));
            resolve({ channel, out: () => out, err: () => err, exit });
          }),
        );
      const one = await exec();
      const two = await exec();
      await waitFor(() => one.out().includes('refs/heads/main') && two.out().includes('refs/heads/main'), 20_000, { description: 'two advertisements on one connection' });
      const three = await exec();
      expect(await within(three.exit, 10_000, 'the third session refused')).toBe(1);
      expect(three.err()).toContain('cairn: alice already has 2 SSH git sessions open (the limit)');
      expect(three.out()).toBe('');
      one.channel.end('0000');
      expect(await within(one.exit, 10_000, 'the first session to end')).toBe(0);
      // The slot is back, on the same connection.
      const four = await exec();
      await waitFor(() => four.out().includes('refs/heads/main'), 10_000, { description: 'a session in the freed slot' });
      four.channel.end('0000');
      two.channel.end('0000');
      await within(Promise.all([four.exit, two.exit]), 10_000, 'the sessions to end');
    } finally {
      conn.end();
    }
  });

  it('refuses connections over the per-address limit, before authentication, with a banner saying why', async () => {
    // Connections count from the TCP accept: four that never even say hello fill the address's slots.
    const held = await Promise.all([0, 1, 2, 3].map(() => rawConnection(s.stack.sshPort)));
    try {
      const refused = s.lsRemote(alice, 'limited');
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('cairn: too many SSH connections from your address (the limit is 4); try again when some have finished');
      expect(s.log()).toContain('"msg":"ssh connection refused: too many connections from this address","address":"127.0.0.1","limit":4');
    } finally {
      for (const h of held) h.socket.destroy();
    }
    await Promise.all(held.map((h) => h.closed));
    await waitFor(() => s.lsRemote(alice, 'limited').status === 0, 10_000, { description: 'served again once the connections closed' });
  });

  it('closes the connection after the allowed number of failed authentication attempts', async () => {
    const strangers = [0, 1, 2, 3].map((i) => s.keygen(`stranger-${i}`));
    const attempt = (keys: string[]) =>
      gitResult(['ls-remote', s.sshUrl(alice, 'limited')], { env: { GIT_SSH_COMMAND: ['ssh', '-v', ...s.sshOptions(keys)].join(' ') } });
    const offered = (stderr: string) => [...stderr.matchAll(/Offering public key: (\S+)/g)].map((m) => m[1]);

    // Two wrong keys, then the right one: two failures are within the limit of three.
    const third = attempt([strangers[0], strangers[1], alice.path]);
    expect(third.status).toBe(0);
    expect(offered(third.stderr)).toEqual([strangers[0], strangers[1], alice.path]);

    // Three wrong keys: the server hangs up, and the right key behind them is never tried.
    const fourth = attempt([strangers[0], strangers[1], strangers[2], alice.path]);
    expect(fourth.status).not.toBe(0);
    expect(offered(fourth.stderr).slice(0, 3)).toEqual(strangers.slice(0, 3));
    expect(fourth.stderr).not.toContain(`Server accepts key: ${alice.path}`);
    expect(fourth.stderr).toMatch(/Received disconnect from 127\.0\.0\.1|Connection closed by 127\.0\.0\.1/);
    expect(fourth.stderr).not.toContain('refs/heads/main');
    expect(JSON.parse(s.log().split('\n').filter((l) => l.includes('too many authentication failures')).pop()!)).toMatchObject({
      level: 'warn',
      msg: 'ssh connection closed: too many authentication failures',
      address: '127.0.0.1',
      failures: 3,
      user: alice.id,
    });
  });
});

describe('SSH limits: login grace time, idle timeout, session time limit', () => {
  const s = sshStack({ CAIRN_SSH_LOGIN_GRACE_SECONDS: '3', CAIRN_SSH_IDLE_TIMEOUT_SECONDS: '3', CAIRN_SSH_SESSION_TIMEOUT_SECONDS: '12' });
  let carol: Key;

  beforeAll(async () => {
    await s.start();
    carol = await s.user('carol');
    await s.repository('timed');
  }, 240_000);
  afterAll(() => s.stop());

  it('closes connections that do not authenticate within the login grace time', async () => {
    // Silent after connecting, and stalled in the middle of an identification line.
    const silent = await rawConnection(s.stack.sshPort);
    const stalled = await rawConnection(s.stack.sshPort);
    stalled.socket.write('SSH-2.0-slow');
    const [silentMs, stalledMs] = await within(Promise.all([silent.closed, stalled.closed]), 15_000, 'both connections closed');
    expect(silentMs).toBeGreaterThanOrEqual(2_500);
    expect(stalledMs).toBeGreaterThanOrEqual(2_500);
    expect(s.log()).toContain('"msg":"ssh connection closed: not authenticated in time","address":"127.0.0.1","loginGraceSeconds":3');
    // Short sessions are not affected.
    const clone = join(s.work, 'timed-clone');
    const cloned = gitResult(['clone', s.sshUrl(carol, 'timed'), clone], { env: { GIT_SSH_COMMAND: ['ssh', ...s.sshOptions([carol.path])].join(' ') } });
    expect(cloned.status).toBe(0);
  });

  it('closes a session over which no data moved for the idle timeout, telling the client why', async () => {
    const idle = s.hold(carol, `git-upload-pack '/v1/repos/timed'`);
    const { status, ms } = await within(idle.exited, 30_000, 'the idle session closed');
    expect(idle.stdout()).toContain('refs/heads/main');
    expect(idle.stderr()).toContain('cairn: closing the SSH connection after 3 s without data');
    expect(status).not.toBe(0);
    expect(ms).toBeGreaterThanOrEqual(3_000);
    expect(ms).toBeLessThan(15_000);
    // The server hangs up (and logs it) a moment after the client has its message and exits.
    await waitFor(() => s.log().includes('"msg":"ssh connection closed: idle","address":"127.0.0.1","user":"carol","sessions":1'), 10_000, { description: 'the close logged' }).catch(() => undefined);
    expect(s.log()).toContain('"msg":"ssh connection closed: idle","address":"127.0.0.1","user":"carol","sessions":1');
  });

  it('closes a busy session at the session time limit, telling the client why', async () => {
    const busy = s.hold(carol, `git-upload-pack '/v1/repos/timed'`);
    // A want line, one byte every 500 ms: upload-pack keeps waiting for the rest of it, and data
    // keeps moving, so the idle timeout (3 s) never fires; the 12 s limit does.
    const line = `0032want ${'0'.repeat(40)}\n`;
    let sent = 0;
    const dribble = setInterval(() => {
      if (sent < line.length && busy.child.stdin!.writable) busy.child.stdin!.write(line[sent++]);
    }, 500);
    try {
      const { status, ms } = await within(busy.exited, 40_000, 'the busy session closed');
      expect(busy.stderr()).toContain('cairn: closing the SSH connection: it reached the session time limit of 12 s');
      expect(status).not.toBe(0);
      // It outlived several idle periods, and ended at the time limit (counted from the TCP accept).
      expect(ms).toBeGreaterThanOrEqual(11_000);
      expect(ms).toBeLessThan(25_000);
      expect(sent).toBeGreaterThan(15);
      expect(sent).toBeLessThan(line.length);
    } finally {
      clearInterval(dribble);
      busy.child.kill('SIGKILL');
    }
    // The server hangs up (and logs it) a moment after the client has its message and exits.
    await waitFor(() => s.log().includes('"msg":"ssh connection closed: session time limit","address":"127.0.0.1","user":"carol","sessions":1'), 10_000, { description: 'the close logged' }).catch(() => undefined);
    expect(s.log()).toContain('"msg":"ssh connection closed: session time limit","address":"127.0.0.1","user":"carol","sessions":1');
  });
});
