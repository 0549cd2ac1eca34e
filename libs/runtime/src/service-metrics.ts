import { Registry } from 'prom-client';

/**
 * The process's application metrics (one process is one service). Code anywhere registers its
 * metrics here (`registers: [serviceMetrics]`), and the service's MetricsServer serves them next to
 * the process and Node.js defaults. Names start with `cairn_`; dashboards and alert rules in the
 * chart may use only names registered somewhere (tests/packaging checks).
 */
export const serviceMetrics = new Registry();

/** Buckets for request latencies: 1 ms to 60 s (a clone or a merge can take long). */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
