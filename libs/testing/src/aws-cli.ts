import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './fs';
import { run, runUnchecked, withFileLock } from './process';

/**
 * AWS CLI v1 comes from PyPI (v2 is not published there). git-remote-codecommit shares the venv,
 * so `<dirname of aws>/git-remote-codecommit` is there for the git end-to-end tests.
 */
export const AWS_CLI_REQUIREMENTS = ['awscli==1.46.2', 'git-remote-codecommit==1.17'];

/**
 * Returns the path of an `aws` binary from a venv in $HOME/.cache/cairn/awscli-venv, creating the
 * venv and installing the CLI first when missing (a marker names what was installed).
 */
export async function ensureAwsCli(): Promise<string> {
  const venv = cacheDir('awscli-venv');
  const aws = join(venv, 'bin', 'aws');
  const marker = join(venv, '.complete');
  const stamp = AWS_CLI_REQUIREMENTS.join(' ');
  const ready = () => existsSync(aws) && existsSync(marker) && readFileSync(marker, 'utf8') === stamp;
  if (!ready()) {
    await withFileLock(venv, async () => {
      if (ready()) return;
      rmSync(venv, { recursive: true, force: true });
      await run(await systemPython(), ['-m', 'venv', venv]);
      const pip = join(venv, 'bin', 'pip');
      await run(pip, ['install', '--quiet', '--disable-pip-version-check', '--no-input', ...AWS_CLI_REQUIREMENTS]);
      writeFileSync(marker, stamp);
    });
  }
  await run(aws, ['--version'], { env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } });
  return aws;
}

/** Debian's own python3 first (python3-venv makes its venv module work), then whatever is on PATH. */
async function systemPython(): Promise<string> {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = await runUnchecked(candidate, ['-c', 'import venv, ensurepip']).catch(() => undefined);
    if (probe?.code === 0) return candidate;
  }
  throw new Error('no python3 with the venv and ensurepip modules (run scripts/ensure-system-deps.sh: python3-venv)');
}
