import { Counter, Histogram } from 'prom-client';
import { LATENCY_BUCKETS, serviceMetrics } from '@cairn/runtime';

const requests = new Counter({
  name: 'cairn_git_requests_total',
  help: 'Git requests (HTTP requests, SSH commands), by transport, request (info-refs, upload-pack, receive-pack) and outcome (ok, denied, refused, error, or the HTTP status).',
  labelNames: ['transport', 'request', 'outcome'],
  registers: [serviceMetrics],
});

const duration = new Histogram({
  name: 'cairn_git_request_duration_seconds',
  help: 'Time a git request took, from its arrival to its last byte, by transport and request.',
  labelNames: ['transport', 'request'],
  buckets: LATENCY_BUCKETS,
  registers: [serviceMetrics],
});

const bytes = new Counter({
  name: 'cairn_git_transfer_bytes_total',
  help: 'Bytes of git traffic, by transport and direction (received from clients, sent to clients): HTTP on the wire, SSH as channel data.',
  labelNames: ['transport', 'direction'],
  registers: [serviceMetrics],
});

export type GitTransport = 'http' | 'ssh';
export type GitRequestKind = 'info-refs' | 'upload-pack' | 'receive-pack' | 'unknown';

export interface GitRequestOutcome {
  outcome: string;
  bytesReceived?: number;
  bytesSent?: number;
}

/** Starts timing one git request; the returned function records how it ended. */
export function observeGitRequest(transport: GitTransport): (request: GitRequestKind, result: GitRequestOutcome) => void {
  const started = process.hrtime.bigint();
  return (request, { outcome, bytesReceived, bytesSent }) => {
    duration.observe({ transport, request }, Number(process.hrtime.bigint() - started) / 1e9);
    requests.inc({ transport, request, outcome });
    if (bytesReceived) bytes.inc({ transport, direction: 'received' }, bytesReceived);
    if (bytesSent) bytes.inc({ transport, direction: 'sent' }, bytesSent);
  };
}
