import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_ENV } from '../env';
import { TEST_TMP_ROOT_ENV } from '../fs';
import { spawnReaper } from '../process';
import { ensureAwsCli } from '../aws-cli';
import { ensureHelm, ensureKubeValidate, HELM_TEST_ENV } from '../helm';
import { startKafka } from '../kafka';
import { startPostgres } from '../postgres';

/** Servers started here, stopped by global-teardown.ts (jest runs both in its main process). */
export const RUNNING_KEY = '__cairnTestServers__';
type Stoppable = { name: string; stop(): Promise<void> };

interface Part {
  name: string;
  /** Env var with the part's address; when already set (a server of your own) nothing is started. */
  env: string;
  unavailableEnv: string;
  start(): Promise<{ value: string; detail: string; stop?: () => Promise<void> }>;
}

const parts: Part[] = [
  {
    name: 'PostgreSQL',
    env: TEST_ENV.postgresUrl,
    unavailableEnv: TEST_ENV.postgresUnavailable,
    async start() {
      const server = await startPostgres();
      return { value: server.url, detail: `${server.version} at ${server.url}`, stop: server.stop };
    },
  },
  {
    name: 'Kafka',
    env: TEST_ENV.kafkaBrokers,
    unavailableEnv: TEST_ENV.kafkaUnavailable,
    async start() {
      const server = await startKafka();
      return { value: server.brokers, detail: `${server.version} (KRaft) at ${server.brokers}`, stop: server.stop };
    },
  },
  {
    name: 'AWS CLI',
    env: TEST_ENV.awsCli,
    unavailableEnv: TEST_ENV.awsCliUnavailable,
    async start() {
      const aws = await ensureAwsCli();
      return { value: aws, detail: aws };
    },
  },
  {
    name: 'Helm',
    env: HELM_TEST_ENV.helm,
    unavailableEnv: HELM_TEST_ENV.helmUnavailable,
    async start() {
      const helm = await ensureHelm();
      return { value: helm, detail: helm };
    },
  },
  {
    name: 'kubernetes-validate',
    env: HELM_TEST_ENV.kubeValidate,
    unavailableEnv: HELM_TEST_ENV.kubeValidateUnavailable,
    async start() {
      const python = await ensureKubeValidate();
      return { value: python, detail: python };
    },
  },
];

/**
 * Starts the real dependencies once per jest run, in parallel. A part that cannot start is not
 * faked: its reason goes to CAIRN_TEST_<PART>_UNAVAILABLE and every test that needs it fails with it.
 */
export default async function globalSetup(): Promise<void> {
  const running: Stoppable[] = [];
  (globalThis as Record<string, unknown>)[RUNNING_KEY] = running;
  const tmpRoot = mkdtempSync(join(tmpdir(), 'cairn-test-run-'));
  process.env[TEST_TMP_ROOT_ENV] = tmpRoot;
  const reaper = spawnReaper(process.pid, `rm -rf ${tmpRoot}`);
  running.push({
    name: 'temp root',
    async stop() {
      rmSync(tmpRoot, { recursive: true, force: true });
      reaper.kill('SIGKILL');
    },
  });
  const lines = await Promise.all(
    parts.map(async (part) => {
      delete process.env[part.unavailableEnv];
      if (process.env[part.env]) return `${part.name}: using ${process.env[part.env]} from the environment`;
      const started = Date.now();
      try {
        const { value, detail, stop } = await part.start();
        process.env[part.env] = value;
        if (stop) running.push({ name: part.name, stop });
        return `${part.name}: ${detail} (${((Date.now() - started) / 1000).toFixed(1)} s)`;
      } catch (error) {
        const reason = (error as Error).message.replace(/\s+/g, ' ').slice(0, 2000);
        process.env[part.unavailableEnv] = reason;
        return `${part.name}: UNAVAILABLE: ${reason}`;
      }
    }),
  );
  process.stderr.write(`\n[cairn test setup]\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
}
