import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsServer } from '@cairn/runtime';
import { CHART, ROOT, parseYaml, read, renderChart, sourceFiles } from './support';

/**
 * Metrics that come from outside the services, each from a component every Prometheus on
 * Kubernetes has: `up` is written by Prometheus for each scrape target; the volume statistics by
 * the kubelet (scraped by kube-prometheus-stack and most distributions).
 */
const EXTERNAL_METRICS = new Set(['up', 'kubelet_volume_stats_available_bytes', 'kubelet_volume_stats_capacity_bytes']);

const PROMQL_FUNCTIONS = new Set(
  (
    'abs absent absent_over_time avg_over_time ceil changes clamp clamp_max clamp_min count_over_time day_of_month day_of_week delta deriv exp floor ' +
    'histogram_quantile holt_winters idelta increase irate label_join label_replace label_values last_over_time ln log2 log10 max_over_time ' +
    'min_over_time predict_linear quantile_over_time rate resets round scalar sgn sort sort_desc sqrt stddev_over_time sum_over_time time timestamp vector'
  ).split(' '),
);
const PROMQL_WORDS = new Set('sum min max avg count stddev stdvar topk bottomk quantile count_values group by without on ignoring group_left group_right bool offset and or unless'.split(' '));

/** Metric names in a PromQL expression: identifiers left once strings, label matchers, ranges and grouping clauses are gone. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\s*(\()?/g)) {
    const [, word, call] = m;
    if (call || PROMQL_WORDS.has(word) || PROMQL_FUNCTIONS.has(word) || /^(e|inf|nan)$/i.test(word)) continue;
    const before = stripped.slice(0, m.index);
    if (/\$\{?$/.test(before) || /[0-9.]$/.test(before)) continue; // a Grafana variable, or a number's unit/exponent
    names.add(word);
  }
  return [...names];
}

/** What the services register: the default metrics of libs/runtime's registry, and every metric created in code. */
async function registeredMetrics(): Promise<Set<string>> {
  const names = new Set<string>();
  const server = new MetricsServer('packaging-test');
  const add = (name: string, type: string) => {
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  };
  for (const metric of await server.registry.getMetricsAsJSON()) add(metric.name, String(metric.type));
  server.registry.clear();
  const files = [...sourceFiles(join(ROOT, 'libs'), /(?<!\.spec)\.ts$/), ...sourceFiles(join(ROOT, 'services'), /(?<!\.spec)\.ts$/)];
  for (const file of files) {
    const text = read(file);
    for (const m of text.matchAll(/new\s+(?:client\.)?(Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\s*\(\s*\{[^}]*?name:\s*['"]([A-Za-z_:][A-Za-z0-9_:]*)['"]/g)) add(m[2], m[1].toLowerCase());
  }
  return names;
}

function dashboardExpressions(dashboard: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'expr' || key === 'definition') && typeof value === 'string') out.push(value);
        else if (key === 'query' && typeof value === 'string' && value !== 'prometheus') out.push(value);
        else walk(value);
      }
    }
  };
  walk(dashboard);
  return out;
}

const dashboardFiles = readdirSync(join(CHART, 'dashboards')).filter((f) => f.endsWith('.json'));

describe('dashboards and alerts', () => {
  let known: Set<string>;
  beforeAll(async () => {
    known = await registeredMetrics();
  });

  it('finds the metrics the services register (libs/runtime: prom-client defaults)', () => {
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds_sum']) expect(known).toContain(name);
    expect(metricNames('sum by (service) (rate(process_cpu_seconds_total{namespace="$namespace", service=~"$service"}[$__rate_interval]))')).toEqual(['process_cpu_seconds_total']);
    expect(metricNames('process_open_fds{a="b"} / process_max_fds{a="b"} > 0.8')).toEqual(['process_open_fds', 'process_max_fds']);
    expect(metricNames('label_values(process_start_time_seconds{namespace="$namespace"}, service)')).toEqual(['process_start_time_seconds', 'service']);
    expect(metricNames('rate(cairn_made_up_total[5m]) * 1e3')).toEqual(['cairn_made_up_total']);
    expect(known).not.toContain('cairn_made_up_total');
  });

  it.each(dashboardFiles)('%s references only metrics that exist', (file) => {
    const dashboard = JSON.parse(read(join(CHART, 'dashboards', file)));
    const expressions = dashboardExpressions(dashboard);
    expect(expressions.length).toBeGreaterThan(3);
    const unknown = new Set<string>();
    for (const expr of expressions) {
      // label_values(metric{…}, label): the second argument is a label, not a metric.
      const query = expr.replace(/label_values\(([^,]*),\s*[A-Za-z_]+\)/g, '$1');
      for (const name of metricNames(query)) if (!known.has(name) && !EXTERNAL_METRICS.has(name)) unknown.add(name);
    }
    expect([...unknown]).toEqual([]);
  });

  it.each(dashboardFiles)('%s is a Grafana dashboard for the sidecar (uid, datasource variable, panels on the grid)', (file) => {
    const dashboard = JSON.parse(read(join(CHART, 'dashboards', file)));
    expect(dashboard.uid).toMatch(/^cairn-/);
    expect(dashboard.templating.list.map((v: { name: string }) => v.name)).toContain('datasource');
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      expect(panel.targets.length).toBeGreaterThan(0);
    }
  });

  it('renders each dashboard into a ConfigMap the Grafana sidecar picks up', () => {
    const maps = parseYaml(renderChart([])).filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
    expect(maps.map((m) => Object.keys(m.data)[0]).sort()).toEqual([...dashboardFiles].sort());
    for (const m of maps) expect(JSON.parse(Object.values<string>(m.data)[0]).uid).toMatch(/^cairn-/);
  });

  it('alerts only on metrics that exist', () => {
    const rule = parseYaml(renderChart([])).find((o) => o.kind === 'PrometheusRule')!;
    const rules = rule.spec.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules);
    expect(rules.length).toBeGreaterThan(5);
    const unknown = rules.flatMap((r: { alert: string; expr: string }) => metricNames(r.expr).filter((n) => !known.has(n) && !EXTERNAL_METRICS.has(n)).map((n) => `${r.alert}: ${n}`));
    expect(unknown).toEqual([]);
  });
});
