import { loadConfig, str } from '@cairn/runtime';

export const metricsConfigSchema = {
  databaseUrl: { ...str('CAIRN_DATABASE_URL'), secret: true },
  eventLogUrl: { ...str('CAIRN_EVENT_LOG_URL'), secret: true },
};

export type MetricsConfig = ReturnType<typeof loadMetricsConfig>;
export const loadMetricsConfig = () => loadConfig(metricsConfigSchema);
export const METRICS_CONFIG = Symbol('METRICS_CONFIG');
