// The peer: `git http-backend` (CGI) behind Debian's apache2 on a loopback port. Config: bench/peer/httpd.conf.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, git, run, GIT_ENV, sleep } from './util.mjs';

const APACHE = '/usr/sbin/apache2';

/** Installs apache2 from Debian when missing (root only). Returns a reason string when unavailable. */
export async function ensureApache(log) {
  if (existsSync(APACHE)) return null;
  if (process.getuid?.() !== 0) return 'apache2 is not installed and this is not root (apt-get install apache2)';
  log('installing apache2 with apt-get (peer for the end-to-end comparison)…');
  try {
    await run('apt-get', ['update', '-qq'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 300_000 });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'apache2'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 600_000 });
  } catch (e) {
    return `apt-get install apache2 failed: ${e.message.split('\n')[0]}`;
  }
  // Debian's package may start its own instance on :80; the benchmark uses only its own.
  spawnSync('apache2ctl', ['stop'], { stdio: 'ignore' });
  return existsSync(APACHE) ? null : 'apache2 still missing after apt-get';
}

export class Peer {
  constructor(benchDir, workDir) {
    this.benchDir = benchDir;
    this.root = join(workDir, 'peer-repos');
    this.runDir = join(workDir, 'peer-run');
  }

  async start() {
    mkdirSync(this.root, { recursive: true });
    mkdirSync(this.runDir, { recursive: true });
    chmodSync(this.root, 0o755);
    this.port = await freePort();
    const conf = readFileSync(join(this.benchDir, 'peer', 'httpd.conf'), 'utf8').replaceAll('@PORT@', String(this.port)).replaceAll('@ROOT@', this.root).replaceAll('@RUN@', this.runDir);
    const confFile = join(this.runDir, 'httpd.conf');
    writeFileSync(confFile, conf);
    this.process = spawn(APACHE, ['-f', confFile, '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH, LANG: 'C' } });
    let err = '';
    this.process.stderr.on('data', (c) => (err += c));
    const deadline = Date.now() + 20_000;
    while (!(await portOpen(this.port))) {
      if (this.process.exitCode !== null) throw new Error(`apache2 exited: ${err}${safeRead(join(this.runDir, 'error.log'))}`);
      if (Date.now() > deadline) throw new Error(`apache2 did not listen within 20 s: ${err}`);
      await sleep(100);
    }
  }

  url(name) {
    return `http://127.0.0.1:${this.port}/git/${name}.git`;
  }

  path(name) {
    return `/git/${name}.git`;
  }

  dir(name) {
    return join(this.root, `${name}.git`);
  }

  /** An empty repository that accepts anonymous pushes. */
  async createEmpty(name) {
    const dir = this.dir(name);
    await git(['init', '-q', '--bare', '-b', 'main', dir]);
    await git(['config', 'http.receivepack', 'true'], { env: { ...GIT_ENV, GIT_DIR: dir } });
    await run('chown', ['-R', 'www-data:www-data', dir], { env: process.env });
    return dir;
  }

  /** A copy of an existing bare repository (same packs, bitmaps and refs). */
  async copyFrom(name, source) {
    const dir = this.dir(name);
    await run('cp', ['-a', source, dir], { env: process.env, timeoutMs: 600_000 });
    await git(['config', '--unset-all', 'core.hooksPath'], { env: { ...GIT_ENV, GIT_DIR: dir }, allowFail: true });
    await git(['config', 'http.receivepack', 'true'], { env: { ...GIT_ENV, GIT_DIR: dir } });
    await run('chown', ['-R', 'www-data:www-data', dir], { env: process.env });
    return dir;
  }

  errorLog() {
    return safeRead(join(this.runDir, 'error.log'));
  }

  async stop() {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise((res) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        res();
      });
      child.kill('SIGTERM');
    });
  }
}

function portOpen(port) {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

function safeRead(file) {
  try {
    return readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '';
  }
}
