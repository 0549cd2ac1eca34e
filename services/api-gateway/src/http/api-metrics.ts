import { Counter, Histogram } from 'prom-client';
import { LATENCY_BUCKETS, serviceMetrics } from '@cairn/runtime';

const requests = new Counter({
  name: 'cairn_api_requests_total',
  help: 'AWS API requests, by service (codecommit, iam, sts, cloudtrail), operation and outcome (ok, or the AWS error code).',
  labelNames: ['api', 'operation', 'outcome'],
  registers: [serviceMetrics],
});

const duration = new Histogram({
  name: 'cairn_api_request_duration_seconds',
  help: 'Time from a request arriving to its response, by service and operation.',
  labelNames: ['api', 'operation'],
  buckets: LATENCY_BUCKETS,
  registers: [serviceMetrics],
});

/**
 * Starts timing one API request. `operation` must be one the API serves (or '' when it is not
 * known), so that clients cannot create label values at will.
 */
export function observeApiRequest(): (api: string, operation: string, outcome: string) => void {
  const started = process.hrtime.bigint();
  return (api, operation, outcome) => {
    const labels = { api: api || 'unknown', operation: operation || 'unknown' };
    duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    requests.inc({ ...labels, outcome });
  };
}
