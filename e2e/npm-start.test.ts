import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { makeTempDir } from '@cairn/testing';

const ROOT = resolve(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The product contract of `npm start`, exactly as a user runs it. */
describe('npm start', () => {
  it('prints a ready line, writes the credentials and the process table, and stops cleanly on Ctrl-C', async () => {
    const dataDir = makeTempDir('cairn-npm-start-');
    const httpPort = await freePort();
    const child = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, CAIRN_DATA_DIR: dataDir, CAIRN_HTTP_PORT: String(httpPort), CAIRN_SSH_PORT: '2299' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    try {
      await new Promise<void>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no ready line:\n${output}`)), 240_000);
        const check = () => {
          if (/^.*ready.*$/m.test(output)) {
            clearTimeout(timer);
            res();
          }
        };
        child.stdout!.on('data', check);
        child.once('exit', (code) => rej(new Error(`npm start exited with ${code}:\n${output}`)));
      });
      const readyLine = output.split('\n').find((l) => l.includes('ready'))!;
      expect(readyLine).toContain(`http://127.0.0.1:${httpPort}`);

      const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      expect(health.status).toBe(200);

      const credentialsFile = join(dataDir, 'admin-credentials.json');
      expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
      const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8'));
      expect(Object.keys(credentials).sort()).toEqual(['accessKeyId', 'accountId', 'endpoint', 'gitPassword', 'gitUsername', 'region', 'secretAccessKey', 'sshPort', 'userArn'].sort());
      expect(credentials).toMatchObject({ endpoint: `http://127.0.0.1:${httpPort}`, region: 'us-east-1', sshPort: 2299 });

      const services = JSON.parse(readFileSync(join(dataDir, 'run', 'services.json'), 'utf8')) as { name: string; pid: number; grpcPort?: number; metricsPort?: number; zone?: string; dataDir?: string }[];
      const names = services.map((s) => s.name);
      expect(names).toEqual(expect.arrayContaining(['policy', 'git-storage', 'repo-metadata', 'pull-requests', 'audit', 'api-gateway', 'git-protocol']));
      for (const s of services.filter((x) => !x.name.startsWith('db-'))) {
        expect(alive(s.pid)).toBe(true);
        const metrics = await fetch(`http://127.0.0.1:${s.metricsPort}/metrics`);
        expect(metrics.status).toBe(200);
        expect(await metrics.text()).toContain(`service="${s.name}"`);
      }
      const storage = services.find((s) => s.name === 'git-storage')!;
      expect(storage.zone).toBe('zone-a');
      expect(existsSync(storage.dataDir!)).toBe(true);

      // Ctrl-C in a terminal: SIGINT to the whole foreground process group.
      const exited = new Promise<void>((res) => child.once('exit', () => res()));
      process.kill(-child.pid!, 'SIGINT');
      await exited;
      expect(output).not.toMatch(/restarting|failed/);
      // Every service process is gone with it.
      const deadline = Date.now() + 15_000;
      while (services.some((s) => alive(s.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(services.filter((s) => alive(s.pid)).map((s) => s.name)).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 300_000);
});
