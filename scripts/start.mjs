#!/usr/bin/env node
// `npm start`: on a fresh clone, install what is missing, build, and run the all-in-one
// supervisor in the foreground. Ctrl-C / SIGTERM stops every service cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (!existsSync(join(root, 'node_modules/.package-lock.json'))) {
  console.log('cairn: installing dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
console.log('cairn: building…');
run('npm', ['run', '--silent', 'build']);

const supervisor = spawn(process.execPath, [join(root, 'services/supervisor/dist/main.js')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => supervisor.kill('SIGTERM'));
supervisor.on('exit', (code) => process.exit(code ?? 0));
