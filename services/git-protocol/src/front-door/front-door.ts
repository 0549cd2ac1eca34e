import { Inject, Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Client } from '@grpc/grpc-js';
import { Logger, TrustedProxies } from '@cairn/runtime';
import { GIT_PROTOCOL_CONFIG, GitProtocolConfig } from '../config';
import { SmartHttpController } from '../smart-http/smart-http.http.controller';
import { Upstreams } from '../upstreams/upstreams';

/**
 * The public HTTP port. Git paths are served here; in all-in-one mode every other path
 * (the AWS API on POST /) is passed to the API gateway, as an ingress would route it in a cluster.
 * Git traffic, the bulk of the bytes, never takes an extra hop.
 */
@Injectable()
export class FrontDoor {
  private readonly logger = new Logger('git-protocol');
  private readonly proxies: TrustedProxies;
  private server?: Server;

  constructor(
    @Inject(GIT_PROTOCOL_CONFIG) private readonly config: GitProtocolConfig,
    private readonly smartHttp: SmartHttpController,
    private readonly upstreams: Upstreams,
  ) {
    this.proxies = TrustedProxies.parse(config.trustedProxies);
  }

  async listen(): Promise<number> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.dispatch(req, res);
    this.server = this.config.tlsCertFile
      ? createTlsServer({ cert: readFileSync(this.config.tlsCertFile), key: readFileSync(this.config.tlsKeyFile) }, handler)
      : createServer(handler);
    // Long clones are legitimate: only idle connections are cut, never a transfer in progress.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.config.port, this.config.host, resolve);
    });
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : this.config.port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (this.smartHttp.matches(path)) return this.smartHttp.handle(req, res);
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) return this.health(res);
    if (this.config.apiGatewayUrl) return this.proxy(req, res);
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  }

  /** 200 only when every service behind this port answers. */
  private async health(res: ServerResponse): Promise<void> {
    const grpc = [this.upstreams.policy, this.upstreams.metadata, this.upstreams.storage].map((client) => waitForReady(client, 2000));
    const gateway = this.config.apiGatewayUrl ? httpOk(new URL('/healthz', this.config.apiGatewayUrl)) : Promise.resolve(true);
    const results = await Promise.all([...grpc, gateway]);
    const ok = results.every(Boolean);
    res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' }).end(ok ? 'ok\n' : 'unavailable\n');
  }

  private proxy(req: IncomingMessage, res: ServerResponse): void {
    const target = new URL(this.config.apiGatewayUrl);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        // The client as this port sees it, replacing whatever the client claimed.
        headers: { ...req.headers, 'x-forwarded-for': this.proxies.clientAddress(req), 'x-forwarded-proto': this.proxies.isSecure(req) ? 'https' : 'http' },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      this.logger.warn('API gateway unreachable', { error });
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' }).end('API gateway unavailable\n');
      else res.destroy();
    });
    req.pipe(upstream);
  }
}

function waitForReady(client: Client, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => client.waitForReady(Date.now() + timeoutMs, (error) => resolve(!error)));
}

function httpOk(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
