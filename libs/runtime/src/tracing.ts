import { context, propagation, SpanKind, SpanStatusCode, trace, type Link, type Span } from '@opentelemetry/api';

/**
 * Trace context across Cairn's own hops. gRPC calls and HTTP requests carry it by themselves (the
 * OpenTelemetry instrumentations started by tracing-register); events carry it in their envelope
 * (`traceparent`, W3C format), through the outbox, the Postgres log and Kafka alike. With no SDK
 * started (no OTLP endpoint configured) every function here is a cheap no-op.
 */
const tracer = trace.getTracer('cairn');

/** The active context as a W3C traceparent, or undefined when nothing is being traced. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs `work` in a span that continues the trace `traceparent` names (a consumer handling an
 * event continues the trace of the request that made the change).
 */
export function inSpanFrom<T>(traceparent: string | undefined, name: string, attributes: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const parent = traceparent ? propagation.extract(context.active(), { traceparent }) : context.active();
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent, (span) => runInSpan(span, work));
}

/** Links kept per batch span: enough to find the changes, bounded so a big batch stays cheap. */
const MAX_LINKS = 128;

/**
 * Runs `work` in a span of its own that links to the trace of each change in a batch (a consumer
 * storing many events in one transaction belongs to all of their traces, and to none as a child).
 */
export function inSpanLinked<T>(traceparents: readonly (string | undefined)[], name: string, attributes: Record<string, string | number>, work: () => Promise<T>): Promise<T> {
  const links: Link[] = [];
  for (const traceparent of traceparents) {
    if (!traceparent || links.length >= MAX_LINKS) continue;
    const linked = trace.getSpanContext(propagation.extract(context.active(), { traceparent }));
    if (linked) links.push({ context: linked });
  }
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes, links, root: true }, (span) => runInSpan(span, work));
}

async function runInSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

type Shutdown = () => Promise<void>;
let shutdownHook: Shutdown | undefined;

/** Set by tracing-register when it started an SDK. */
export function onTracingShutdown(hook: Shutdown): void {
  shutdownHook = hook;
}

/** Flushes the spans not yet exported; services call it as they stop. */
export async function shutdownTracing(): Promise<void> {
  await shutdownHook?.().catch(() => undefined);
}
