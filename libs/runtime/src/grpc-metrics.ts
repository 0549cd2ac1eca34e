import { Counter, Histogram } from 'prom-client';
import { LATENCY_BUCKETS, serviceMetrics } from './service-metrics';

const handled = new Counter({
  name: 'cairn_grpc_server_handled_total',
  help: 'gRPC calls this service answered, by method and status code name.',
  labelNames: ['method', 'code'],
  registers: [serviceMetrics],
});

const duration = new Histogram({
  name: 'cairn_grpc_server_handling_seconds',
  help: 'Time this service took to answer a gRPC call, by method.',
  labelNames: ['method'],
  buckets: LATENCY_BUCKETS,
  registers: [serviceMetrics],
});

/** Starts timing a call to `path` (`/package.Service/Method`); the returned function records its outcome. */
export function observeGrpcCall(path: string): (code: string) => void {
  const method = path.slice(path.lastIndexOf('.') + 1) || path;
  const stop = duration.startTimer({ method });
  return (code) => {
    stop();
    handled.inc({ method, code });
  };
}
