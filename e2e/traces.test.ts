import { writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CodeCommitClient, CreateRepositoryCommand } from '@aws-sdk/client-codecommit';
import { commitAll, initSource } from './support/fixtures';
import { git, Stack } from './support/stack';
import { makeTempDir } from '@cairn/testing';

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}

/** OTLP/HTTP JSON as the exporter sends it: resourceSpans → scopeSpans → spans. */
function spansOf(body: unknown): Span[] {
  const out: Span[] = [];
  for (const rs of (body as { resourceSpans?: unknown[] }).resourceSpans ?? []) {
    const r = rs as { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] };
    const service = r.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
    for (const ss of r.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) out.push({ service, traceId: String(s.traceId), spanId: String(s.spanId), parentSpanId: s.parentSpanId ? String(s.parentSpanId) : undefined, name: String(s.name), kind: Number(s.kind) });
    }
  }
  return out;
}

/**
 * OpenTelemetry traces as an operator's collector receives them (OTLP over HTTP, JSON): one trace
 * follows a push from the HTTP request through policy and storage to the services that consume its
 * event, across gRPC and the event log.
 */
describe('traces', () => {
  const spans: Span[] = [];
  let collector: Server;
  let stack: Stack;
  const work = makeTempDir('cairn-traces-');

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces') spans.push(...spansOf(JSON.parse(Buffer.concat(chunks).toString() || '{}')));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    stack = new Stack(undefined, {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    await stack.start();
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => collector.close(resolve));
  });

  it('follows a push from the HTTP request through policy, storage and the event consumers', async () => {
    const c = stack.credentials();
    const sdk = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'traced' }));
    sdk.destroy();
    const src = initSource(join(work, 'src'));
    commitAll(src, 'first', (d) => writeFileSync(join(d, 'README'), 'hello\n'));
    git(['push', '-q', stack.gitUrl('traced'), 'main'], { cwd: src });

    const deadline = Date.now() + 30_000;
    let services = new Set<string>();
    let trace: Span[] = [];
    for (;;) {
      // Storage's side of the push (the gRPC ReceivePack call) names the trace.
      const push = spans.find((s) => s.service === 'git-storage' && /ReceivePack/.test(s.name));
      trace = push ? spans.filter((s) => s.traceId === push.traceId) : [];
      services = new Set(trace.map((s) => s.service));
      const consumed = new Set(trace.filter((s) => s.kind === 5 && /references\.updated/.test(s.name)).map((s) => s.service)).size >= 2;
      // Spans are exported in batches as they end: a parent (a consumer's span) ends, and so arrives,
      // after its children. Wait until every span's parent has arrived too.
      const known = new Set(trace.map((s) => s.spanId));
      const connected = trace.filter((s) => !s.parentSpanId || !known.has(s.parentSpanId)).length === 1;
      if ((services.has('policy') && services.has('git-storage') && consumed && connected) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect([...services].sort()).toEqual(expect.arrayContaining(['git-protocol', 'git-storage', 'policy']));
    // The push's reference update is handled by consumers in other services, in the same trace.
    const consumers = trace.filter((s) => s.kind === 5 && /references\.updated/.test(s.name));
    expect(consumers.length).toBeGreaterThan(0);
    expect(new Set(consumers.map((s) => s.service)).size).toBeGreaterThanOrEqual(2);
    // Every span but the root has its parent in the trace: nothing was cut off.
    const ids = new Set(trace.map((s) => s.spanId));
    const roots = trace.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatchObject({ service: 'git-protocol', kind: 2 });
  }, 120_000);
});
