// Synthetic repositories, generated locally with `git fast-import` (no downloads).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { GIT_ENV, git } from './util.mjs';

/**
 * A bare repository with `commits` commits on main. The first commit fills `dirs × filesPerDir`
 * files; each later commit rewrites `filesPerCommit` of them with fresh random content (so
 * objects do not delta against each other and the pack size is predictable). Every
 * commits/tags-th commit is tagged.
 *
 *  - `binary`: raw random bytes (incompressible) instead of base64 text.
 */
export async function generateRepo(dir, { commits, filesPerCommit, fileBytes, dirs = 20, filesPerDir = 25, tags = 10, binary = false, compression }) {
  await git(['init', '-q', '--bare', '-b', 'main', dir]);
  const config = compression === undefined ? [] : ['-c', `pack.compression=${compression}`, '-c', `core.compression=${compression}`];
  const child = spawn('git', [...config, 'fast-import', '--quiet', '--done', '--big-file-threshold=64m'], { cwd: dir, env: { ...GIT_ENV, GIT_DIR: dir }, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const done = new Promise((res, rej) => child.on('close', (code) => (code === 0 ? res() : rej(new Error(`fast-import exited ${code}: ${stderr}`)))));
  const write = async (buf) => {
    if (!child.stdin.write(buf)) await new Promise((r) => child.stdin.once('drain', r));
  };
  const content = () => {
    const raw = randomBytes(fileBytes);
    if (binary) return raw;
    const b64 = raw.toString('base64');
    return Buffer.from(b64.replace(/(.{76})/g, '$1\n') + '\n');
  };
  const paths = [];
  for (let d = 0; d < dirs; d++) for (let f = 0; f < filesPerDir; f++) paths.push(`d${String(d).padStart(2, '0')}/f${String(f).padStart(3, '0')}.${binary ? 'bin' : 'txt'}`);
  let mark = 0;
  const blob = async () => {
    const data = content();
    mark++;
    await write(`blob\nmark :${mark}\ndata ${data.length}\n`);
    await write(data);
    await write('\n');
    return mark;
  };
  const tagEvery = tags > 0 ? Math.max(1, Math.floor(commits / tags)) : Infinity;
  let ts = 1_600_000_000;
  for (let c = 0; c < commits; c++) {
    const touched = c === 0 ? paths : Array.from({ length: filesPerCommit }, () => paths[Math.floor(Math.random() * paths.length)]);
    const marks = [];
    for (const p of touched) marks.push([p, await blob()]);
    const msg = `commit ${c}\n`;
    mark++;
    const commitMark = mark;
    ts += 60;
    let text = `commit refs/heads/main\nmark :${commitMark}\nauthor Bench <bench@example.com> ${ts} +0000\ncommitter Bench <bench@example.com> ${ts} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`;
    for (const [p, m] of marks) text += `M 100644 :${m} ${p}\n`;
    await write(text + '\n');
    if ((c + 1) % tagEvery === 0) await write(`reset refs/tags/v${(c + 1) / tagEvery}\nfrom :${commitMark}\n\n`);
  }
  await write('done\n');
  child.stdin.end();
  await done;
}

/** Total size of the repository's packs, in bytes. */
export async function packBytes(dir) {
  const out = (await git(['count-objects', '-v'], { env: { ...GIT_ENV, GIT_DIR: dir } })).stdout;
  return Number(/^size-pack: (\d+)/m.exec(out)[1]) * 1024;
}
