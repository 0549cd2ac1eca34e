// The few Kubernetes API calls the cluster tools make (get, create, replace), with the pod's
// service account. No client library: the image carries only the services' dependencies.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The mounted service account (token, ca.crt, namespace); CAIRN_KUBE_API_URL points elsewhere (tests). */
export function kubeClient(env = process.env) {
  const accountDir = env.CAIRN_SERVICE_ACCOUNT_DIR || '/var/run/secrets/kubernetes.io/serviceaccount';
  const host = env.KUBERNETES_SERVICE_HOST?.includes(':') ? `[${env.KUBERNETES_SERVICE_HOST}]` : env.KUBERNETES_SERVICE_HOST;
  const base = new URL(env.CAIRN_KUBE_API_URL || `https://${host}:${env.KUBERNETES_SERVICE_PORT || 443}`);
  const namespace = env.CAIRN_NAMESPACE || readFileSync(`${accountDir}/namespace`, 'utf8').trim();
  const ca = base.protocol === 'https:' ? readFileSync(`${accountDir}/ca.crt`) : undefined;

  const call = (method, path, body) =>
    new Promise((resolve, reject) => {
      // Projected tokens are rotated on disk: read it for every call.
      const token = readFileSync(`${accountDir}/token`, 'utf8').trim();
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        new URL(path, base),
        {
          method,
          ca,
          timeout: 30_000,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = { message: text };
            }
            resolve({ status: res.statusCode ?? 0, body: json });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      req.on('error', reject);
      req.end(payload);
    });

  const expect = async (method, path, body, ok) => {
    const res = await call(method, path, body);
    if (!ok.includes(res.status)) throw new KubeError(method, path, res);
    return res;
  };
  const collection = (resource) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource}`;

  return {
    namespace,
    /** The object, or undefined when it does not exist. */
    async get(resource, name) {
      const res = await expect('GET', `${collection(resource)}/${encodeURIComponent(name)}`, undefined, [200, 404]);
      return res.status === 200 ? res.body : undefined;
    },
    /** Creates the object; false when one of that name exists already. */
    async create(resource, object) {
      const res = await expect('POST', collection(resource), object, [201, 409]);
      return res.status === 201;
    },
    async replace(resource, object) {
      await expect('PUT', `${collection(resource)}/${encodeURIComponent(object.metadata.name)}`, object, [200]);
    },
    /** Cluster-scoped read, e.g. getCluster('nodes', name). */
    async getCluster(resource, name) {
      const res = await expect('GET', `/api/v1/${resource}/${encodeURIComponent(name)}`, undefined, [200, 404]);
      return res.status === 200 ? res.body : undefined;
    },
  };
}

export class KubeError extends Error {
  constructor(method, path, res) {
    super(`${method} ${path} answered ${res.status}: ${res.body?.message ?? JSON.stringify(res.body)}`);
    this.status = res.status;
  }
}

/** Object labels given to the tools as JSON (the chart's common labels), so what they create is found with the release. */
export function labelsFromEnv(env = process.env) {
  try {
    return env.CAIRN_OBJECT_LABELS ? JSON.parse(env.CAIRN_OBJECT_LABELS) : {};
  } catch {
    throw new Error(`CAIRN_OBJECT_LABELS is not JSON: ${env.CAIRN_OBJECT_LABELS}`);
  }
}

export function log(message) {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}
