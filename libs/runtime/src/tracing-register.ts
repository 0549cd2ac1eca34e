/**
 * Starts OpenTelemetry tracing when an OTLP endpoint is configured (the standard
 * OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, with OTEL_EXPORTER_OTLP_PROTOCOL
 * and the other OTEL_* settings), and does nothing otherwise. It must run before anything loads
 * `http` or `@grpc/grpc-js`, so every service's main.ts imports it first: the instrumentations
 * patch those modules as they load, and then carry the trace context in HTTP headers and gRPC
 * metadata without any code of ours.
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { basename, dirname } from 'node:path';
import { onTracingShutdown } from './tracing';

const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
if (endpoint && process.env.OTEL_SDK_DISABLED !== 'true') {
  // services/<name>/dist/main.js: the service's name, unless OTEL_SERVICE_NAME says otherwise.
  const serviceName = process.env.OTEL_SERVICE_NAME || basename(dirname(dirname(process.argv[1] ?? 'cairn')));
  const sdk = new NodeSDK({
    serviceName,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes are not traffic.
        ignoreIncomingRequestHook: (req) => /^\/(healthz|metrics)(\?|$)/.test(req.url ?? ''),
      }),
      new GrpcInstrumentation(),
    ],
  });
  sdk.start();
  onTracingShutdown(() => sdk.shutdown());
}
