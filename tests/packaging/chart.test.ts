import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testHelm } from '../../libs/testing/src/helm';
import { CHART, MONITORING_APIS, ROOT, VALUES_CASES, helm, parseYaml, read, renderChart } from './support';
import { makeTempDir } from '@cairn/testing';

describe('charts/cairn', () => {
  describe.each(Object.entries(VALUES_CASES))('with %s values', (_name, files) => {
    it('passes helm lint --strict', () => {
      const result = helm(['lint', '--strict', CHART, ...files.flatMap((f) => ['-f', f])]);
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/\[(WARNING|ERROR)\]/);
      expect(result.status).toBe(0);
    });

    it('renders with helm template, with and without the monitoring CRDs', () => {
      const withCrds = parseYaml(renderChart(files));
      const kinds = new Set(withCrds.map((o) => o.kind));
      for (const kind of ['Deployment', 'StatefulSet', 'Service', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'Job', 'ServiceMonitor', 'PrometheusRule', 'ConfigMap']) {
        expect(kinds).toContain(kind);
      }
      const args = ['template', 'cairn', CHART, '--namespace', 'cairn', ...files.flatMap((f) => ['-f', f])];
      const plain = helm(args);
      expect(plain.stderr).toBe('');
      const plainKinds = new Set(parseYaml(plain.stdout).map((o) => o.kind));
      expect(plainKinds).not.toContain('ServiceMonitor');
      expect(plainKinds).not.toContain('PrometheusRule');
    });
  });

  it('ships the three extra values files the acceptance names', () => {
    expect(Object.keys(VALUES_CASES)).toEqual(['default', 'single-zone', 'three-zones-hpa', 'external-tls']);
  });

  describe('values.schema.json', () => {
    const wrong: [string, string[], RegExp][] = [
      ['a string for a replica count', ['--set', 'gitStorage.replicas=three'], /gitStorage\/replicas.*want integer/],
      ['a number for a boolean', ['--set-json', 'ingress.enabled=1'], /ingress\/enabled.*want boolean/],
      ['a string for the broker list', ['--set-json', 'kafka.brokers="broker:9092"'], /kafka\/brokers.*want array/],
      ['a broker without a port', ['--set-json', 'kafka.brokers=["broker"]'], /kafka\/brokers\/0/],
      ['an unknown TLS mode', ['--set', 'postgresql.tls.mode=prefer'], /postgresql\/tls\/mode/],
      ['a misspelt key', ['--set', 'gitStorage.replica=3'], /additional properties 'replica' not allowed/],
      ['a container without limits', ['--set', 'gitProtocol.resources.limits=null'], /gitProtocol\/resources.*limits/],
      ['an object for an annotation value', ['--set-json', 'ingress.annotations={"a":{"b":1}}'], /ingress\/annotations\/a.*want string/],
      ['an unknown anti-affinity', ['--set', 'gitStorage.zoneAntiAffinity=sometimes'], /zoneAntiAffinity/],
    ];
    it.each(wrong)('rejects %s', (_what, args, message) => {
      const result = helm(['template', 'cairn', CHART, ...args]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
      expect(result.stderr).toMatch(message);
    });

    it('accepts every values file the tests use', () => {
      for (const files of Object.values(VALUES_CASES)) expect(() => renderChart(files)).not.toThrow();
    });
  });

  it('documents every value in values.yaml with a comment', () => {
    // Children of these keys are data (a securityContext, resource quantities, label maps), not values of their own.
    const dataKeys = new Set(['podSecurityContext', 'containerSecurityContext', 'resources', 'labels', 'annotations', 'metricsFrom', 'httpFrom', 'sshFrom']);
    const lines = read(join(CHART, 'values.yaml')).split('\n');
    const undocumented: string[] = [];
    const stack: { indent: number; key: string }[] = [];
    lines.forEach((line, i) => {
      const m = /^(\s*)([A-Za-z][\w.-]*):/.exec(line);
      if (!m) return;
      const indent = m[1].length;
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      const insideData = stack.some((s) => dataKeys.has(s.key));
      stack.push({ indent, key: m[2] });
      if (insideData) return;
      let j = i - 1;
      while (j >= 0 && !lines[j].trim()) j--;
      if (j < 0 || !lines[j].trim().startsWith('#')) undocumented.push(`${i + 1}: ${stack.map((s) => s.key).join('.')}`);
    });
    expect(undocumented).toEqual([]);
  });

  it('has a NOTES.txt that tells a new user how to get the admin credentials and clone', () => {
    // `helm install --dry-run` wants a cluster; render NOTES.txt as an ordinary template of a copy instead.
    const copy = makeTempDir('cairn-chart-');
    try {
      cpSync(CHART, join(copy, 'cairn'), { recursive: true });
      const notes = read(join(copy, 'cairn/templates/NOTES.txt'));
      writeFileSync(join(copy, 'cairn/templates/_notes.tpl'), `{{- define "test.notes" -}}\n${notes}\n{{- end }}\n`);
      rmSync(join(copy, 'cairn/templates/NOTES.txt'));
      writeFileSync(join(copy, 'cairn/templates/notes.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: {{ include "test.notes" . | quote }}\n');
      const result = helm(['template', 'cairn', join(copy, 'cairn'), '--namespace', 'cairn', '--show-only', 'templates/notes.yaml']);
      expect(result.stderr).toBe('');
      const text: string = parseYaml(result.stdout)[0].data.notes;
      expect(text).toContain('kubectl -n cairn get secret cairn-admin-credentials');
      expect(text).toContain("-o jsonpath='{.data.admin-credentials\\.json}' | base64 -d > admin-credentials.json");
      expect(text).toContain('git clone https://cairn.example.com/v1/repos/demo');
      expect(text).toContain('aws codecommit create-repository --repository-name demo');
      expect(text).toContain('--endpoint-url https://cairn.example.com');
      expect(text).toContain('git clone ssh://cairn.example.com/v1/repos/demo');
      expect(text).toContain('helm test cairn -n cairn');
      expect(text).not.toMatch(/<no value>/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('k8s/ (plain manifests)', () => {
  it('is identical to a fresh render of the chart (scripts/k8s/render.mjs --check)', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts/k8s/render.mjs'), '--check', '--helm', testHelm()], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('holds the chart with its defaults, monitoring kept apart', () => {
    const base = parseYaml(read(join(ROOT, 'k8s/cairn.yaml')));
    const monitoring = parseYaml(read(join(ROOT, 'k8s/monitoring/monitoring.yaml')));
    expect(base.map((o) => o.kind)).not.toContain('ServiceMonitor');
    expect(base.map((o) => o.kind)).not.toContain('Pod'); // no `helm test` pod
    expect(new Set(monitoring.map((o) => o.kind))).toEqual(new Set(['ServiceMonitor', 'PrometheusRule', 'ConfigMap']));
    // The render script's only departures from a plain `helm template` are those two splits.
    const full = parseYaml(renderChart([], ['--skip-tests']));
    const key = (o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`;
    expect([...base, ...monitoring].map(key).sort()).toEqual(full.map(key).sort());
  });

  it('builds with kustomize (kubectl kustomize), each directory on its own', () => {
    const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (kubectl.error) throw new Error(`kubectl is not installed here, so \`kubectl kustomize\` could not be checked: ${kubectl.error.message}`);
    for (const dir of ['k8s', 'k8s/monitoring', 'k8s/examples/cloudnative-pg', 'k8s/examples/strimzi']) {
      const result = spawnSync('kubectl', ['kustomize', join(ROOT, dir)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect({ dir, stderr: result.stderr, status: result.status }).toEqual({ dir, stderr: '', status: 0 });
      for (const o of parseYaml(result.stdout)) if (!['ClusterRole', 'ClusterRoleBinding'].includes(o.kind)) expect(o.metadata.namespace).toBe('cairn');
    }
  });
});

describe('the chart packages', () => {
  it('without the CI values files (.helmignore)', () => {
    const out = makeTempDir('cairn-package-');
    try {
      const result = helm(['package', CHART, '--destination', out]);
      expect(result.status).toBe(0);
      const listing = spawnSync('tar', ['-tzf', join(out, 'cairn-0.1.0.tgz')], { encoding: 'utf8' }).stdout;
      expect(listing).toContain('cairn/values.schema.json');
      expect(listing).toContain('cairn/dashboards/cairn-services.json');
      expect(listing).not.toContain('cairn/ci/');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

// Keeps the monitoring APIs list and the render script in step.
it('renders monitoring with the same API list as scripts/k8s/render.mjs', () => {
  const script = readFileSync(join(ROOT, 'scripts/k8s/render.mjs'), 'utf8');
  for (const api of MONITORING_APIS) expect(script).toContain(api);
});
