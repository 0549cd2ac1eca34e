import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { testHelm, testKubeValidatePython } from '../../libs/testing/src/helm';

export const ROOT = resolve(__dirname, '../..');
export const CHART = join(ROOT, 'charts/cairn');
/** The Kubernetes releases every object must validate against: the chart's floor and the newest kubernetes-validate ships. */
export const KUBE_VERSIONS = ['1.30.0', '1.37.0'];
export const MONITORING_APIS = ['monitoring.coreos.com/v1/ServiceMonitor', 'monitoring.coreos.com/v1/PrometheusRule'];

/** The values files the chart is checked with: its defaults and the three in charts/cairn/ci. */
export const VALUES_CASES: Record<string, string[]> = {
  default: [],
  'single-zone': [join(CHART, 'ci/single-zone-values.yaml')],
  'three-zones-hpa': [join(CHART, 'ci/three-zones-hpa-values.yaml')],
  'external-tls': [join(CHART, 'ci/external-tls-values.yaml')],
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };

export function helm(args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(testHelm(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** `helm template` of the chart as release "cairn" in namespace "cairn", with the monitoring CRDs known. */
export function renderChart(valuesFiles: string[], extra: string[] = []): string {
  const args = ['template', 'cairn', CHART, '--namespace', 'cairn', ...MONITORING_APIS.flatMap((a) => ['--api-versions', a]), ...valuesFiles.flatMap((f) => ['-f', f]), ...extra];
  const result = helm(args);
  if (result.status !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

export interface ValidationResult {
  index: number;
  kind: string;
  apiVersion: string;
  name: string;
  version: string;
  status: 'valid' | 'invalid' | 'no-schema';
  error?: string;
}

/**
 * Parses YAML streams and validates every object against the Kubernetes OpenAPI schemas of
 * KUBE_VERSIONS, in one python process (tests/packaging/validate_k8s.py).
 */
export function parseAndValidate(documents: Record<string, string>): Record<string, { objects: K8sObject[]; results: ValidationResult[] }> {
  const result = spawnSync(testKubeValidatePython(), [join(__dirname, 'validate_k8s.py')], {
    input: JSON.stringify({ versions: KUBE_VERSIONS, documents }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`validate_k8s.py failed (${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The objects of a YAML stream, parsed by the same python (PyYAML) without validating. */
export function parseYaml(text: string): K8sObject[] {
  const python = testKubeValidatePython();
  const script = 'import json,sys,yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d], sys.stdout)';
  return JSON.parse(execFileSync(python, ['-c', script], { input: text, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
}

/** Pod templates of workloads (Deployment, StatefulSet, Job) and bare Pods. */
export function podSpecs(objects: K8sObject[]): { owner: K8sObject; labels: Record<string, string>; spec: K8sObject['spec'] }[] {
  const out = [];
  for (const o of objects) {
    if (['Deployment', 'StatefulSet', 'Job', 'DaemonSet'].includes(o.kind)) out.push({ owner: o, labels: o.spec.template.metadata?.labels ?? {}, spec: o.spec.template.spec });
    else if (o.kind === 'Pod') out.push({ owner: o, labels: o.metadata.labels ?? {}, spec: o.spec });
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function allContainers(spec: any): any[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

export function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  if (selector.matchExpressions?.length) throw new Error('matchExpressions are not evaluated by these tests');
  const wanted = Object.entries(selector.matchLabels ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels[k] === v);
}

export function component(o: K8sObject): string | undefined {
  return o.metadata.labels?.['app.kubernetes.io/component'];
}

/** Every file under dir whose name matches, recursively (skipping node_modules and dist). */
export function sourceFiles(dir: string, match: RegExp): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path, match));
    else if (match.test(entry)) out.push(path);
  }
  return out;
}

export const read = (path: string) => readFileSync(path, 'utf8');

/** The services the chart must run: every services/<name> but the all-in-one supervisor. */
export function serviceNames(): string[] {
  return readdirSync(join(ROOT, 'services'))
    .filter((name) => name !== 'supervisor' && statSync(join(ROOT, 'services', name, 'src')).isDirectory())
    .sort();
}

/**
 * The CAIRN_* variables a service reads, from its sources (config schemas and process.env) and
 * libs it shares: name → required (a str()/int()/url() field without a default).
 */
export function serviceConfig(service: string): Map<string, boolean> {
  const vars = new Map<string, boolean>();
  const files = [...sourceFiles(join(ROOT, 'services', service, 'src'), /(?<!\.spec)\.ts$/), ...sourceFiles(join(ROOT, 'libs/runtime/src'), /(?<!\.spec)\.ts$/)];
  for (const file of files) {
    const text = read(file);
    for (const m of text.matchAll(/\b(?:str|int|url)\(\s*'(CAIRN_[A-Z0-9_]+)'\s*(,)?/g)) vars.set(m[1], (vars.get(m[1]) ?? false) || !m[2]);
    for (const m of text.matchAll(/process\.env(?:\.|\[')(CAIRN_[A-Z0-9_]+)/g)) if (!vars.has(m[1])) vars.set(m[1], false);
  }
  return vars;
}
