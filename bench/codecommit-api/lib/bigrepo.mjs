// The large repository of goal 1, generated locally with one `git fast-import` stream.
//
// Shape: `dirs × subdirs × filesPerDir` text files (dNN/sNN/fNNN.txt, 20–60 lines of made-up
// source code each) in the first commit, then `commits − 1` more commits on main, each editing
// `editsPerCommit` existing files (a few lines change, so versions delta well, as real edits do)
// and every `addEvery`-th one adding a new file. Seeded, so a run can be rebuilt exactly.
import { spawn } from 'node:child_process';
import { GIT_ENV, git } from '../../lib/util.mjs';

/** mulberry32: small, fast, seeded. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'count', 'index', 'value', 'buffer', 'stream', 'parse', 'render', 'commit', 'branch', 'merge', 'cache', 'token', 'range', 'limit', 'offset'];
const pad = (n, w) => String(n).padStart(w, '0');

/** File `seed`'s text at `version`: the same base lines, with one line per version rewritten. */
function content(seed, version) {
  const rnd = prng(seed * 2654435761);
  const n = 20 + Math.floor(rnd() * 40);
  const lines = [`// file ${seed}`];
  for (let j = 0; j < n; j++) {
    const w1 = WORDS[Math.floor(rnd() * WORDS.length)];
    const w2 = WORDS[Math.floor(rnd() * WORDS.length)];
    lines.push(`export const ${w1}_${j}_${Math.floor(rnd() * 1e6).toString(36)} = ${w2}(${Math.floor(rnd() * 1e4)}, "${w1}-${w2}");`);
  }
  if (version > 0) {
    lines[1 + ((version * 13 + seed) % n)] = `// revision ${version}: ${WORDS[version % WORDS.length]} changed`;
    lines.push(`// last revision ${version}`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

export function basePaths({ dirs, subdirs, filesPerDir }) {
  const paths = [];
  for (let d = 0; d < dirs; d++) for (let s = 0; s < subdirs; s++) for (let f = 0; f < filesPerDir; f++) paths.push(`d${pad(d, 2)}/s${pad(s, 2)}/f${pad(f, 3)}.txt`);
  return paths;
}

/**
 * Writes the repository into the bare repository `dir` (created here). Returns the number of
 * files at the tip and of commits.
 */
export async function generateBigRepo(dir, { dirs, subdirs, filesPerDir, commits, editsPerCommit = 3, addEvery = 10, seed = 42 }) {
  await git(['init', '-q', '--bare', '-b', 'main', dir]);
  const child = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, env: { ...GIT_ENV, GIT_DIR: dir }, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const done = new Promise((res, rej) => child.on('close', (code) => (code === 0 ? res() : rej(new Error(`fast-import exited ${code}: ${stderr.slice(-2000)}`)))));
  // Batches writes: one syscall per ~1 MB rather than per object.
  let pending = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const buf = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    if (!child.stdin.write(buf)) await new Promise((r) => child.stdin.once('drain', r));
  };
  const write = async (data) => {
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    pending.push(b);
    pendingBytes += b.length;
    if (pendingBytes > 1 << 20) await flush();
  };
  const inline = async (path, data) => {
    await write(`M 100644 inline ${path}\ndata ${data.length}\n`);
    await write(data);
    await write('\n');
  };

  const paths = basePaths({ dirs, subdirs, filesPerDir });
  const versions = new Array(paths.length).fill(0);
  const rnd = prng(seed);
  let ts = 1_600_000_000;
  const header = (c) => {
    ts += 60;
    const msg = c === 0 ? 'initial import\n' : `change ${c}\n`;
    return `commit refs/heads/main\nauthor Bench <bench@example.com> ${ts} +0000\ncommitter Bench <bench@example.com> ${ts} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`;
  };
  await write(header(0));
  for (let i = 0; i < paths.length; i++) await inline(paths[i], content(i, 0));
  await write('\n');
  for (let c = 1; c < commits; c++) {
    await write(header(c));
    const touched = new Set();
    while (touched.size < editsPerCommit) touched.add(Math.floor(rnd() * paths.length));
    for (const i of touched) {
      versions[i]++;
      await inline(paths[i], content(i, versions[i]));
    }
    if (c % addEvery === 0) {
      const d = Math.floor(rnd() * dirs);
      const s = Math.floor(rnd() * subdirs);
      paths.push(`d${pad(d, 2)}/s${pad(s, 2)}/added-${pad(c, 5)}.txt`);
      versions.push(0);
      await inline(paths[paths.length - 1], content(paths.length - 1, 0));
    }
    await write('\n');
  }
  await write('done\n');
  await flush();
  child.stdin.end();
  await done;
  return { files: paths.length, commits };
}
