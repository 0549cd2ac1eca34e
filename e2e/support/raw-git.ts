import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, request, Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Stack } from './stack';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** git's framing: four hex digits of length (payload + 4), then the payload. */
export function pkt(line: string | Buffer): Buffer {
  const data = typeof line === 'string' ? Buffer.from(line) : line;
  return Buffer.concat([Buffer.from((data.length + 4).toString(16).padStart(4, '0')), data]);
}
export const FLUSH = Buffer.from('0000');

export function basicAuth(stack: Stack): string {
  const c = stack.credentials();
  return `Basic ${Buffer.from(`${c.gitUsername}:${c.gitPassword}`).toString('base64')}`;
}

/**
 * One HTTP request to the stack exactly as given: the path is not normalised (`..` stays),
 * headers and body are sent as they are. Rejects when no complete answer came within timeoutMs,
 * so a hang is a failure rather than a stuck test.
 */
export function rawRequest(
  stack: Stack,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number; auth?: boolean },
): Promise<RawResponse> {
  const { method = 'GET', path, headers = {}, body, timeoutMs = 30_000, auth = true } = options;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: stack.httpPort, method, path, headers: { ...(auth ? { authorization: basicAuth(stack) } : {}), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.once('error', (error) => {
          clearTimeout(timer);
          reject(new Error(`${method} ${path}: response cut after status ${res.statusCode}: ${error.message}`));
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`${method} ${path}: no complete answer within ${timeoutMs} ms`)), timeoutMs);
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}

/**
 * A recording HTTP proxy in front of the stack: git pushes through it as usual, and the body of
 * each receive-pack POST is kept (decompressed). This is how a test gets a real push body.
 */
export class RecordingProxy {
  readonly pushBodies: Buffer[] = [];
  private server?: Server;
  port = 0;

  constructor(private readonly stack: Stack) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      const upstream = request({ host: '127.0.0.1', port: this.stack.httpPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.on('data', (c: Buffer) => chunks.push(c));
      req.once('end', () => {
        if (req.method === 'POST' && req.url?.endsWith('/git-receive-pack')) {
          const raw = Buffer.concat(chunks);
          this.pushBodies.push(/gzip/.test(String(req.headers['content-encoding'] ?? '')) ? gunzipSync(raw) : raw);
        }
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** The stack's git URL for a repository, through this proxy. */
  gitUrl(repositoryName: string): string {
    return this.stack.gitUrl(repositoryName).replace(`:${this.stack.httpPort}/`, `:${this.port}/`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

/**
 * Running git processes that work on a repository: its path or id is on the command line, or
 * it runs inside the repository (index-pack and pack-objects are started there by git itself).
 */
export function gitProcessesFor(repositoryId: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (!argv[0] || !/(^|\/)git(-[a-z-]+)?$/.test(argv[0])) continue;
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // gone, or not ours to read
      }
      if (argv.some((a) => a.includes(repositoryId)) || cwd.includes(repositoryId)) found.push(`${pid}: ${argv.join(' ')} (cwd ${cwd})`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}
