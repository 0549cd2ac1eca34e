// The real all-in-one stack, started from built code exactly as e2e/support/stack.ts does.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeCommitClient, CreateRepositoryCommand, GetRepositoryCommand } from '@aws-sdk/client-codecommit';
import { freePort } from './util.mjs';

export class Cairn {
  constructor(root, dataDir) {
    this.root = root;
    this.dataDir = dataDir;
    this.output = '';
  }

  async start(timeoutMs = 180_000) {
    this.httpPort = await freePort();
    this.sshPort = await freePort();
    const child = spawn(process.execPath, [join(this.root, 'services/supervisor/dist/main.js')], {
      env: { ...process.env, CAIRN_DATA_DIR: this.dataDir, CAIRN_HTTP_PORT: String(this.httpPort), CAIRN_SSH_PORT: String(this.sshPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    await new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`Cairn not ready in ${timeoutMs} ms:\n${this.output.slice(-4000)}`)), timeoutMs);
      const onData = (chunk) => {
        this.output += chunk.toString();
        if (this.output.length > 100_000) this.output = this.output.slice(-50_000);
        if (/ready/.test(this.output)) {
          clearTimeout(timer);
          res();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`Cairn exited with ${code}:\n${this.output.slice(-4000)}`));
      });
    });
    this.creds = JSON.parse(readFileSync(join(this.dataDir, 'admin-credentials.json'), 'utf8'));
    this.sdk = new CodeCommitClient({
      endpoint: this.creds.endpoint,
      region: this.creds.region,
      credentials: { accessKeyId: this.creds.accessKeyId, secretAccessKey: this.creds.secretAccessKey },
      maxAttempts: 1,
    });
  }

  services() {
    return JSON.parse(readFileSync(join(this.dataDir, 'run', 'services.json'), 'utf8'));
  }

  pid(name) {
    const entry = this.services().find((s) => s.name === name);
    if (!entry?.pid) throw new Error(`no pid for ${name} in services.json`);
    return entry.pid;
  }

  get storageDir() {
    return join(this.dataDir, 'storage', 'zone-a');
  }

  get authHeader() {
    return `Basic ${Buffer.from(`${this.creds.gitUsername}:${this.creds.gitPassword}`).toString('base64')}`;
  }

  gitUrl(name) {
    return `http://${encodeURIComponent(this.creds.gitUsername)}:${encodeURIComponent(this.creds.gitPassword)}@127.0.0.1:${this.httpPort}/v1/repos/${name}`;
  }

  path(name) {
    return `/v1/repos/${name}`;
  }

  async createRepository(name) {
    return this.sdk.send(new CreateRepositoryCommand({ repositoryName: name }));
  }

  /** The bare repository on the storage node's volume. */
  async storagePath(name) {
    const out = await this.sdk.send(new GetRepositoryCommand({ repositoryName: name }));
    const id = out.repositoryMetadata.repositoryId;
    return join(this.storageDir, 'repositories', id.slice(0, 2), `${id}.git`);
  }

  async stop() {
    this.sdk?.destroy();
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise((res) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', () => {
        clearTimeout(timer);
        res();
      });
      child.kill('SIGTERM');
    });
  }
}
