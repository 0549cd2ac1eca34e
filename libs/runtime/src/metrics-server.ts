import { createServer, Server } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { serviceMetrics } from './service-metrics';

/**
 * Every service exposes Prometheus metrics on its own port, plus a liveness probe: the process and
 * Node.js defaults, and the application metrics registered in `serviceMetrics`.
 */
export class MetricsServer {
  readonly registry = new Registry();
  private server?: Server;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    serviceMetrics.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  /** The exposition text: both registries (their metric names never overlap). */
  async metrics(): Promise<string> {
    const [defaults, application] = await Promise.all([this.registry.metrics(), serviceMetrics.metrics()]);
    return `${defaults}\n${application}`;
  }

  async listen(host: string, port: number): Promise<number> {
    this.server = createServer((req, res) => {
      if (req.url === '/metrics') {
        this.metrics().then(
          (body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
          () => res.writeHead(500).end(),
        );
      } else if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
