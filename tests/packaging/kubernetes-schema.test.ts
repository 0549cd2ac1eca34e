import { join } from 'node:path';
import { KUBE_VERSIONS, ROOT, VALUES_CASES, parseAndValidate, read, renderChart, type ValidationResult } from './support';

/**
 * Custom resources are not in Kubernetes' OpenAPI schema, so kubernetes-validate has none for them:
 * only these kinds may go unvalidated (their operators check them on apply; the test plan in
 * docs/operations/test-plan.md applies them to a real cluster).
 */
const CUSTOM_KINDS = new Set([
  'monitoring.coreos.com/v1 ServiceMonitor',
  'monitoring.coreos.com/v1 PrometheusRule',
  'postgresql.cnpg.io/v1 Cluster',
  'postgresql.cnpg.io/v1 Database',
  'postgresql.cnpg.io/v1 ScheduledBackup',
  'kafka.strimzi.io/v1beta2 Kafka',
  'kafka.strimzi.io/v1beta2 KafkaNodePool',
  'kafka.strimzi.io/v1beta2 KafkaTopic',
]);

describe(`every rendered object validates against the Kubernetes OpenAPI schema (strict; ${KUBE_VERSIONS.join(', ')})`, () => {
  let validated: Record<string, { results: ValidationResult[] }>;

  beforeAll(() => {
    const documents: Record<string, string> = {};
    for (const [name, files] of Object.entries(VALUES_CASES)) {
      documents[`chart (${name} values)`] = renderChart(files);
    }
    documents['k8s/cairn.yaml'] = read(join(ROOT, 'k8s/cairn.yaml'));
    documents['k8s/monitoring/monitoring.yaml'] = read(join(ROOT, 'k8s/monitoring/monitoring.yaml'));
    documents['k8s/examples/cloudnative-pg'] = read(join(ROOT, 'k8s/examples/cloudnative-pg/cluster.yaml'));
    documents['k8s/examples/strimzi'] = read(join(ROOT, 'k8s/examples/strimzi/kafka.yaml'));
    validated = parseAndValidate(documents);
  });

  it('covers every render and file', () => {
    expect(Object.keys(validated)).toHaveLength(Object.keys(VALUES_CASES).length + 4);
    for (const { results } of Object.values(validated)) expect(results.length).toBeGreaterThan(0);
  });

  it.each([...Object.keys(VALUES_CASES).map((n) => `chart (${n} values)`), 'k8s/cairn.yaml', 'k8s/monitoring/monitoring.yaml', 'k8s/examples/cloudnative-pg', 'k8s/examples/strimzi'])(
    '%s',
    (name) => {
      const { results } = validated[name];
      const invalid = results.filter((r) => r.status === 'invalid').map((r) => `${r.kind}/${r.name} (${r.version}): ${r.error}`);
      expect(invalid).toEqual([]);
      const unchecked = results.filter((r) => r.status === 'no-schema');
      const unexpected = unchecked.filter((r) => !CUSTOM_KINDS.has(`${r.apiVersion} ${r.kind}`)).map((r) => `${r.apiVersion} ${r.kind}/${r.name}: ${r.error}`);
      expect(unexpected).toEqual([]);
      const valid = results.filter((r) => r.status === 'valid').length;
      if (unchecked.length > 0) {
        const kinds = [...new Set(unchecked.map((r) => r.kind))].join(', ');
        process.stderr.write(`[packaging] ${name}: ${valid} validations passed; custom resources without a Kubernetes schema, not validated offline: ${kinds}\n`);
      }
    },
  );
});
