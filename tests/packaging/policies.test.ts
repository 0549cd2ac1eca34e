import { join } from 'node:path';
import { createEventLog } from '@cairn/events';
import { ROOT, VALUES_CASES, allContainers, parseYaml, podSpecs, read, renderChart, selects, serviceConfig, serviceNames, type K8sObject } from './support';

/** Who calls whom, read from the code: a service that reads CAIRN_<X>_ADDR calls X. */
const ADDRESS_VARS: Record<string, string> = {
  CAIRN_POLICY_ADDR: 'policy',
  CAIRN_METADATA_ADDR: 'repo-metadata',
  CAIRN_STORAGE_ADDR: 'git-storage',
  CAIRN_PULL_REQUESTS_ADDR: 'pull-requests',
  CAIRN_AUDIT_ADDR: 'audit',
  CAIRN_API_GATEWAY_URL: 'api-gateway',
};
/** Variables the image's entry point reads (docker/entrypoint.sh), not the service. */
const ENTRYPOINT_VARS = new Set(['CAIRN_ZONE_FILE', 'CAIRN_DRAIN_PORTS', 'CAIRN_DRAIN_TIMEOUT_SECONDS', 'CAIRN_DRAIN_DELAY_SECONDS']);

const renders = Object.fromEntries(Object.entries(VALUES_CASES).map(([name, files]) => [name, parseYaml(renderChart(files))]));
const cases = Object.keys(renders);

function serviceContainers(objects: K8sObject[]) {
  return podSpecs(objects)
    .filter((p) => ['Deployment', 'StatefulSet'].includes(p.owner.kind))
    .map((p) => ({ ...p, container: p.spec.containers[0], service: p.spec.containers[0].args[0] as string }));
}

function envOf(container: { env?: { name: string; value?: string; valueFrom?: unknown }[] }) {
  return new Map((container.env ?? []).map((e) => [e.name, e]));
}

describe.each(cases)('rendered objects (%s values)', (name) => {
  const objects = renders[name];
  const pods = podSpecs(objects);

  it('run no container as root', () => {
    const offenders: string[] = [];
    for (const { owner, spec } of pods) {
      for (const c of allContainers(spec)) {
        const runAsNonRoot = c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
        const runAsUser = c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
        if (runAsNonRoot !== true || !(Number(runAsUser) > 0)) offenders.push(`${owner.kind}/${owner.metadata.name} ${c.name}`);
      }
    }
    expect(pods.length).toBeGreaterThan(7);
    expect(offenders).toEqual([]);
  });

  it('give every container CPU and memory requests and limits', () => {
    const offenders: string[] = [];
    for (const { owner, spec } of pods) {
      for (const c of allContainers(spec)) {
        for (const kind of ['requests', 'limits']) for (const r of ['cpu', 'memory']) if (!c.resources?.[kind]?.[r]) offenders.push(`${owner.metadata.name}/${c.name}: no ${kind}.${r}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('lock every container down: read-only root, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault', () => {
    const offenders: string[] = [];
    for (const { owner, spec } of pods) {
      for (const c of allContainers(spec)) {
        const sc = c.securityContext ?? {};
        const seccomp = sc.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type;
        const problems = [
          sc.readOnlyRootFilesystem !== true && 'writable root filesystem',
          sc.allowPrivilegeEscalation !== false && 'privilege escalation allowed',
          !(sc.capabilities?.drop ?? []).includes('ALL') && 'capabilities not all dropped',
          (sc.capabilities?.add ?? []).length > 0 && 'capabilities added',
          sc.privileged === true && 'privileged',
          seccomp !== 'RuntimeDefault' && `seccomp ${seccomp}`,
        ].filter(Boolean);
        if (problems.length) offenders.push(`${owner.metadata.name}/${c.name}: ${problems.join(', ')}`);
      }
      if (spec.hostNetwork || spec.hostPID || spec.hostIPC) offenders.push(`${owner.metadata.name}: host namespaces`);
    }
    expect(offenders).toEqual([]);
  });

  it('mount an API token only where a tool needs one (the init Job; the node-zone init container)', () => {
    for (const { owner, spec } of pods) {
      const tokenMounted = spec.automountServiceAccountToken !== false;
      expect({ pod: owner.metadata.name, tokenMounted }).toEqual({ pod: owner.metadata.name, tokenMounted: owner.kind === 'Job' });
      const projected = (spec.volumes ?? []).filter((v: K8sObject) => v.projected?.sources?.some((s: K8sObject) => s.serviceAccountToken));
      for (const volume of projected) {
        const users = allContainers(spec).filter((c) => (c.volumeMounts ?? []).some((m: { name: string }) => m.name === volume.name));
        expect(users.map((c) => c.name)).toEqual(['node-zone']);
      }
    }
  });

  it('place storage pods in distinct zones, each with its own volume', () => {
    const [sts] = objects.filter((o) => o.kind === 'StatefulSet');
    expect(objects.filter((o) => o.kind === 'StatefulSet')).toHaveLength(1);
    const podLabels = sts.spec.template.metadata.labels;
    const spec = sts.spec.template.spec;
    const zone = 'topology.kubernetes.io/zone';
    // Never two in one zone: required anti-affinity on the zone key, against its own pods.
    const anti = spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(anti.some((t: K8sObject) => t.topologyKey === zone && selects(t.labelSelector, podLabels))).toBe(true);
    // And spread evenly, refusing to schedule rather than pile up.
    expect(spec.topologySpreadConstraints.some((t: K8sObject) => t.topologyKey === zone && t.maxSkew === 1 && t.whenUnsatisfiable === 'DoNotSchedule' && selects(t.labelSelector, podLabels))).toBe(true);
    expect(sts.spec.volumeClaimTemplates.map((v: K8sObject) => v.metadata.name)).toEqual(['data']);
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } });
    expect(sts.spec.podManagementPolicy).toBe('Parallel'); // a pod stuck in a failed zone must not block the others
    const headless = objects.find((o) => o.kind === 'Service' && o.metadata.name === sts.spec.serviceName);
    expect(headless?.spec.clusterIP).toBe('None');
    expect(selects({ matchLabels: headless?.spec.selector }, podLabels)).toBe(true);
  });

  it('give storage pods a grace period that outlasts the drain of in-flight pushes', () => {
    const sts = objects.find((o) => o.kind === 'StatefulSet')!;
    const spec = sts.spec.template.spec;
    const container = spec.containers[0];
    expect(container.lifecycle.preStop.exec.command).toEqual(['/usr/local/bin/cairn-service', 'drain']);
    const drain = Number(envOf(container).get('CAIRN_DRAIN_TIMEOUT_SECONDS')?.value);
    expect(drain).toBeGreaterThanOrEqual(600);
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(drain + 10);
  });

  it('cover every Deployment and the StatefulSet with a PodDisruptionBudget that allows a drain', () => {
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    const workloads = objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind));
    expect(workloads.length).toBe(serviceNames().length);
    for (const w of workloads) {
      const covering = pdbs.filter((p) => selects(p.spec.selector, w.spec.template.metadata.labels));
      expect({ workload: w.metadata.name, pdbs: covering.length }).toEqual({ workload: w.metadata.name, pdbs: 1 });
      const pdb = covering[0].spec;
      // A budget that can never be met blocks node drains forever.
      if (pdb.minAvailable !== undefined) expect(Number(pdb.minAvailable)).toBeLessThan(w.spec.replicas ?? 2);
      else expect(String(pdb.maxUnavailable)).not.toMatch(/^0%?$/);
    }
  });

  it('put no Secret value into a ConfigMap, an annotation or a plain environment variable', () => {
    const secretValues = new Set<string>();
    for (const s of objects.filter((o) => o.kind === 'Secret')) {
      for (const v of Object.values<string>(s.data ?? {})) secretValues.add(Buffer.from(v, 'base64').toString('utf8'));
      for (const v of Object.values<string>(s.stringData ?? {})) secretValues.add(v);
    }
    if (name === 'external-tls') expect(secretValues.size).toBe(4); // the inline database passwords
    const plain: { where: string; text: string }[] = [];
    for (const o of objects) {
      if (o.kind === 'ConfigMap') for (const [k, v] of Object.entries<string>({ ...o.data, ...o.binaryData })) plain.push({ where: `ConfigMap/${o.metadata.name}:${k}`, text: v });
      for (const [k, v] of Object.entries<string>(o.metadata.annotations ?? {})) plain.push({ where: `${o.kind}/${o.metadata.name} annotation ${k}`, text: v });
    }
    for (const { owner, spec } of pods) {
      for (const c of allContainers(spec)) for (const e of c.env ?? []) if (e.value !== undefined) plain.push({ where: `${owner.metadata.name}/${c.name} env ${e.name}`, text: e.value });
    }
    const leaks: string[] = [];
    for (const { where, text } of plain) {
      for (const secret of secretValues) if (secret.length >= 6 && text.includes(secret)) leaks.push(`${where} holds a Secret's value`);
      if (/PRIVATE KEY/.test(text)) leaks.push(`${where} holds a private key`);
      if (/:\/\/[^/@\s:]+:[^/@\s]+@/.test(text)) leaks.push(`${where} holds a URL with a password`);
    }
    expect(leaks).toEqual([]);
    // Anything named like a secret comes from a Secret, never a literal.
    for (const { owner, spec } of pods) {
      for (const c of allContainers(spec)) {
        for (const e of c.env ?? []) {
          if (/PASSWORD|SECRET(?!_FILE)|TOKEN|CREDENTIAL/.test(e.name) && !/_(FILE|SECRET|CREDENTIALS)$/.test(e.name)) {
            expect({ where: `${owner.metadata.name}/${c.name} ${e.name}`, fromSecret: Boolean(e.valueFrom?.secretKeyRef) }).toEqual({ where: `${owner.metadata.name}/${c.name} ${e.name}`, fromSecret: true });
          }
        }
      }
    }
  });

  it('run every service of services/ once, with startup, liveness and readiness probes', () => {
    const containers = serviceContainers(objects);
    expect(containers.map((c) => c.service).sort()).toEqual(serviceNames());
    for (const { container } of containers) {
      expect(container.startupProbe).toBeDefined();
      expect(container.livenessProbe).toBeDefined();
      expect(container.readinessProbe).toBeDefined();
      expect(container.lifecycle?.preStop).toBeDefined();
    }
  });

  it('set every CAIRN_ variable each service requires, and none it does not read', () => {
    for (const { service, container } of serviceContainers(objects)) {
      const config = serviceConfig(service);
      const env = envOf(container);
      const missing = [...config].filter(([v, required]) => required && !env.has(v)).map(([v]) => v);
      expect({ service, missing }).toEqual({ service, missing: [] });
      const unknown = [...env.keys()].filter((v) => v.startsWith('CAIRN_') && !config.has(v) && !ENTRYPOINT_VARS.has(v));
      expect({ service, unknown }).toEqual({ service, unknown: [] });
    }
  });

  it('give services a Kafka event log URL the event log accepts and database URLs without passwords', async () => {
    for (const { service, container } of serviceContainers(objects)) {
      const env = envOf(container);
      const eventLog = env.get('CAIRN_EVENT_LOG_URL')?.value;
      if (eventLog) {
        expect(eventLog).toMatch(/^kafka:\/\//);
        await createEventLog(eventLog, { clientId: 'packaging-test' }).close();
      }
      const database = env.get('CAIRN_DATABASE_URL')?.value;
      if (database) {
        const parsed = new URL(database);
        expect({ service, protocol: parsed.protocol, password: parsed.password }).toEqual({ service, protocol: 'postgres:', password: '' });
        expect(env.get('PGPASSWORD')?.valueFrom).toBeDefined();
        expect(database).toMatch(/sslmode=(verify-full|require|disable)/);
      }
    }
  });

  it('fence every gRPC port to the services whose code calls it', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const defaultDeny = policies.filter((p) => !p.spec.podSelector.matchLabels['app.kubernetes.io/component'] && !p.spec.ingress);
    expect(defaultDeny).toHaveLength(1);
    const callersFromCode = new Map<string, Set<string>>();
    for (const caller of serviceNames()) {
      for (const v of serviceConfig(caller).keys()) {
        const callee = ADDRESS_VARS[v];
        if (callee) callersFromCode.set(callee, (callersFromCode.get(callee) ?? new Set()).add(caller));
      }
    }
    const peersOf = (rule: K8sObject) => (rule.from?.length ? rule.from.map((peer: K8sObject) => (peer.podSelector ? peer.podSelector.matchLabels['app.kubernetes.io/component'] : 'OTHER')) : ['ANYONE']);
    const front: Record<string, string[]> = { 'git-protocol': ['http', 'ssh'], 'api-gateway': ['api'] };
    for (const { labels, service } of serviceContainers(objects)) {
      const mine = policies.filter((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/component'] && selects(p.spec.podSelector, labels));
      expect({ service, policies: mine.length }).toEqual({ service, policies: 1 });
      const rules: K8sObject[] = mine[0].spec.ingress ?? [];
      const on = (port: string) => rules.filter((r) => r.ports.some((p: K8sObject) => p.port === port)).flatMap(peersOf);
      const callers = [...(callersFromCode.get(service) ?? [])];
      if (service === 'api-gateway') {
        // Its callers use the API port, open to anyone unless networkPolicy.httpFrom narrows it.
        const peers = on('api');
        for (const caller of callers) expect({ service, caller, admitted: peers.includes('ANYONE') || peers.includes(caller) }).toEqual({ service, caller, admitted: true });
      } else if (service !== 'git-protocol') {
        const expected = service === 'git-storage' ? [...callers, 'git-storage'] : callers; // storage also admits its peers
        expect({ service, grpcFrom: on('grpc').sort() }).toEqual({ service, grpcFrom: expected.sort() });
      }
      // Only the front services have ports open to anyone (the HTTP, API and SSH ports).
      const open = rules.filter((r) => peersOf(r).includes('ANYONE')).flatMap((r) => r.ports.map((p: K8sObject) => p.port));
      for (const port of open) expect({ service, port, open: true }).toEqual({ service, port, open: (front[service] ?? []).includes(port) });
    }
    expect(callersFromCode.get('git-storage')).toEqual(new Set(['git-protocol', 'repo-metadata', 'pull-requests']));
  });

  it('expose git-protocol and api-gateway through the Ingress, and SSH through its own Service', () => {
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    const paths = Object.fromEntries(ingress.spec.rules[0].http.paths.map((p: K8sObject) => [p.path, p.backend.service.name]));
    expect(paths).toEqual({ '/v1/repos': 'cairn-git-protocol', '/healthz': 'cairn-git-protocol', '/': 'cairn-api-gateway' });
    expect(Boolean(ingress.spec.tls)).toBe(name !== 'external-tls');
    const ssh = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'cairn-ssh')!;
    expect(ssh.spec.type).toBe(name === 'external-tls' ? 'NodePort' : 'LoadBalancer');
    expect(ssh.spec.ports[0].targetPort).toBe('ssh');
    const gitProtocol = serviceContainers(objects).find((c) => c.service === 'git-protocol')!;
    expect(selects({ matchLabels: ssh.spec.selector }, gitProtocol.labels)).toBe(true);
    const publicUrl = envOf(serviceContainers(objects).find((c) => c.service === 'repo-metadata')!.container).get('CAIRN_PUBLIC_HTTP_URL')?.value;
    expect(publicUrl).toMatch(/^https:\/\//);
  });

  it('autoscale a Deployment only without a fixed replica count', () => {
    const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    for (const hpa of hpas) {
      const target = objects.find((o) => o.kind === hpa.spec.scaleTargetRef.kind && o.metadata.name === hpa.spec.scaleTargetRef.name);
      expect(target).toBeDefined();
      expect(target!.spec.replicas).toBeUndefined();
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    }
    const expected = { default: 2, 'single-zone': 0, 'three-zones-hpa': 6, 'external-tls': 2 }[name];
    expect(hpas).toHaveLength(expected!);
  });

  it('label every object with the recommended labels', () => {
    for (const o of objects) {
      const labels = o.metadata.labels ?? {};
      for (const key of ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/part-of', 'helm.sh/chart']) {
        expect({ object: `${o.kind}/${o.metadata.name}`, key, present: key in labels }).toEqual({ object: `${o.kind}/${o.metadata.name}`, key, present: true });
      }
    }
  });
});

it('runs the storage pods one per zone for each values file (replicas as configured)', () => {
  const replicas = Object.fromEntries(cases.map((n) => [n, renders[n].find((o) => o.kind === 'StatefulSet')!.spec.replicas]));
  expect(replicas).toEqual({ default: 3, 'single-zone': 1, 'three-zones-hpa': 3, 'external-tls': 3 });
  // The image the entry point names each service by: every service has its case in docker/entrypoint.sh.
  const entrypoint = read(join(ROOT, 'docker/entrypoint.sh'));
  for (const service of serviceNames()) expect(entrypoint).toMatch(new RegExp(`(^|[\\s|])${service}([\\s|)])`, 'm'));
});
