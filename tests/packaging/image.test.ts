import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { testKubeValidatePython } from '../../libs/testing/src/helm';
import { ROOT, read, serviceNames } from './support';
import { makeTempDir } from '@cairn/testing';

const DOCKERFILE = join(ROOT, 'docker/Dockerfile');
const ENTRYPOINT = join(ROOT, 'docker/entrypoint.sh');

/** The Dockerfile's stages: FROM line and instructions. */
function stages(text: string): { from: string; lines: string[] }[] {
  const joined = text.replace(/\\\n/g, ' ');
  const out: { from: string; lines: string[] }[] = [];
  for (const line of joined.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    if (/^FROM\s/i.test(line)) out.push({ from: line, lines: [] });
    else out[out.length - 1]?.lines.push(line);
  }
  return out;
}

describe('docker/Dockerfile (no image is built here: no Docker daemon or registry is reachable)', () => {
  const text = read(DOCKERFILE);
  const all = stages(text);
  const final = all[all.length - 1];

  it('passes hadolint', () => {
    const hadolint = join(dirname(testKubeValidatePython()), 'hadolint');
    const result = spawnSync(hadolint, ['--failure-threshold', 'info', DOCKERFILE], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });

  it('pins its base image to an exact Node.js and Debian release in every stage', () => {
    const args = Object.fromEntries([...text.matchAll(/^ARG\s+([A-Z_]+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
    expect(args.NODE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(args.DEBIAN_RELEASE).toMatch(/^[a-z]+$/);
    for (const stage of all) expect(stage.from).toMatch(/^FROM node:\$\{NODE_VERSION\}-\$\{DEBIAN_RELEASE\}-slim\b/);
    // The runtime the tests ran on is the one the image ships.
    expect(`v${args.NODE_VERSION}`.split('.')[0]).toBe(process.version.split('.')[0]);
  });

  it('builds in one stage and runs in another that has no build tool or package manager', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const finalText = final.lines.join('\n');
    expect(finalText).toMatch(/COPY --from=build \/out \/app/);
    expect(finalText).not.toMatch(/npm (ci|install|run)|yarn (add|install)|pnpm |\btsc\b|build-essential|gcc|\bmake /);
    for (const tool of ['npm', 'npx', 'corepack', 'yarn']) expect(finalText).toContain(`/usr/local/bin/${tool}`); // removed
    expect(finalText).toMatch(/apt-get install -y --no-install-recommends git tini ca-certificates/);
    expect(finalText).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
  });

  it('runs as a numeric non-root user, under tini, with a health check', () => {
    const user = final.lines.filter((l) => /^USER\s/.test(l)).pop();
    expect(user).toMatch(/^USER 10001:10001$/);
    expect(final.lines.some((l) => /^HEALTHCHECK .*CMD \["\/usr\/local\/bin\/cairn-service", "healthcheck"\]/.test(l))).toBe(true);
    expect(final.lines).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/cairn-service"]');
  });

  it('sends only sources and manifests as build context (Dockerfile.dockerignore)', () => {
    const ignore = read(join(ROOT, 'docker/Dockerfile.dockerignore'));
    for (const line of ['**', '!libs/**', '!services/**', '**/node_modules', '**/dist']) expect(ignore.split('\n')).toContain(line);
  });
});

describe('docker/entrypoint.sh', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync('sh', [ENTRYPOINT, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, CAIRN_APP_DIR: ROOT, ...env }, timeout: 60_000 });

  it('is valid POSIX sh', () => {
    expect(spawnSync('sh', ['-n', ENTRYPOINT]).status).toBe(0);
  });

  it('names every service and tool, and refuses anything else', () => {
    const usage = run([]);
    expect(usage.status).toBe(2);
    for (const service of serviceNames()) expect(usage.stderr).toContain(service);
    const unknown = run(['rm']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command: rm');
  });

  it('points every command at a file the build produces (dist/*.js of an existing source, or a tool)', () => {
    const text = read(ENTRYPOINT);
    for (const service of serviceNames()) expect(read(join(ROOT, 'services', service, 'src/main.ts'))).toBeTruthy();
    for (const cli of ['verify-cli', 'export-cli']) expect(read(join(ROOT, 'services/audit/src', `${cli}.ts`))).toBeTruthy();
    for (const tool of text.match(/cluster-init \| node-zone \| smoke-test \| healthcheck/)![0].split(' | ')) expect(read(join(ROOT, 'docker/tools', `${tool}.mjs`))).toBeTruthy();
  });

  it('healthcheck fails when nothing answers on the metrics port', () => {
    const result = run(['healthcheck'], { CAIRN_METRICS_PORT: '1' });
    expect(result.status).toBe(1);
  });

  describe('drain (the preStop hook)', () => {
    let proc: string;
    beforeEach(() => {
      proc = makeTempDir('cairn-proc-');
      mkdirSync(join(proc, 'net'));
      writeFileSync(join(proc, 'net/tcp'), '  sl  local_address rem_address   st tx_queue rx_queue\n');
      writeFileSync(join(proc, 'net/tcp6'), '');
    });
    afterEach(() => rmSync(proc, { recursive: true, force: true }));
    const fakeProcess = (pid: number, cmdline: string[]) => {
      mkdirSync(join(proc, String(pid)));
      writeFileSync(join(proc, String(pid), 'cmdline'), `${cmdline.join('\0')}\0`);
    };
    const drain = (env: Record<string, string>) => {
      const started = Date.now();
      const child = spawn('sh', [ENTRYPOINT, 'drain'], {
        env: { PATH: process.env.PATH, CAIRN_PROC_DIR: proc, CAIRN_DRAIN_DELAY_SECONDS: '0', CAIRN_DRAIN_POLL_SECONDS: '1', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      return new Promise<{ code: number | null; seconds: number; stderr: string }>((resolve) => child.once('close', (code) => resolve({ code, seconds: (Date.now() - started) / 1000, stderr })));
    };

    it('returns at once when no transfer is in flight', async () => {
      fakeProcess(1, ['node', '/app/services/git-storage/dist/main.js']);
      const result = await drain({});
      expect(result).toMatchObject({ code: 0, stderr: expect.stringContaining('no transfer in flight') });
      expect(result.seconds).toBeLessThan(3);
    });

    it('waits while git runs receive-pack or upload-pack, and returns when they end', async () => {
      fakeProcess(1, ['node', 'main.js']);
      fakeProcess(42, ['git', '-c', 'core.hooksPath=/x', 'receive-pack', '--stateless-rpc', '/data/repo']);
      const done = drain({ CAIRN_DRAIN_TIMEOUT_SECONDS: '30' });
      setTimeout(() => rmSync(join(proc, '42'), { recursive: true }), 2500);
      const result = await done;
      expect(result.code).toBe(0);
      expect(result.seconds).toBeGreaterThanOrEqual(2);
      expect(result.seconds).toBeLessThan(10);
    });

    it('counts open connections on CAIRN_DRAIN_PORTS (the front door) and gives up at the timeout', async () => {
      // 0x1F90 = 8080, state 01 = ESTABLISHED; a LISTEN socket (0A) on the same port does not count.
      writeFileSync(
        join(proc, 'net/tcp'),
        [
          '  sl  local_address rem_address   st tx_queue rx_queue',
          '   0: 00000000:1F90 00000000:0000 0A 00000000:00000000',
          '   1: 0A000005:1F90 0A000009:C350 01 00000000:00000000',
          '',
        ].join('\n'),
      );
      const result = await drain({ CAIRN_DRAIN_PORTS: '8080,2222', CAIRN_DRAIN_TIMEOUT_SECONDS: '2' });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('1 transfer(s) still in flight after 2s');
      const idle = await drain({ CAIRN_DRAIN_PORTS: '2222', CAIRN_DRAIN_TIMEOUT_SECONDS: '2' });
      expect(idle.stderr).toContain('no transfer in flight');
    });
  });
});
