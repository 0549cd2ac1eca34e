#!/usr/bin/env node
// Regenerates the TypeScript gRPC contracts from libs/contracts/proto with buf + ts-proto.
// `--check` fails when the checked-in code is stale (CI runs it through npm test).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const lib = join(root, 'libs/contracts');
const target = join(lib, 'src/generated');
const buf = join(root, 'node_modules/.bin/buf');
const check = process.argv.includes('--check');

const out = mkdtempSync(join(tmpdir(), 'cairn-proto-'));
execFileSync(buf, ['generate', '--template', 'buf.gen.yaml', '-o', out], { cwd: lib, stdio: 'inherit' });
const generated = join(out, 'src/generated');

function files(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p, base) : [p.slice(base.length + 1)];
  });
}

if (check) {
  const want = files(generated).sort();
  let have = [];
  try { have = files(target).sort(); } catch { /* missing */ }
  const stale = want.length !== have.length || want.some((f, i) => f !== have[i] || readFileSync(join(generated, f), 'utf8') !== readFileSync(join(target, f), 'utf8'));
  rmSync(out, { recursive: true, force: true });
  if (stale) { console.error('libs/contracts/src/generated is stale: run `npm run proto`'); process.exit(1); }
  console.log('contracts are up to date');
} else {
  rmSync(target, { recursive: true, force: true });
  cpSync(generated, target, { recursive: true });
  rmSync(out, { recursive: true, force: true });
  console.log(`generated ${files(target).length} files into libs/contracts/src/generated`);
}
