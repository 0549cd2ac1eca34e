// The branches the merge goals need, written with one `git fast-import` stream on top of the
// large repository of bench/codecommit-api (lib/bigrepo.mjs), every one starting at main's tip:
//
//   pr                 the "pull request": `changed` files changed from main (line edits, a few
//                      additions and deletions) over `prCommits` commits
//   d-s-NNN, d-g-NNN,  destination branches, one per sample and per measured operation
//   d-p-NNN, d-o-NNN,  (s: MergeBranchesByThreeWay at LINE_LEVEL, f: the same at the default
//   d-u-NNN, d-f-NNN,  FILE_LEVEL, g: the raw `git merge-tree`, p: the raw git pipeline of a merge
//   d-w-N              commit, o: GetMergeOptions, u: CreateUnreferencedMergeCommit, w: warm-up).
//                      Each has one commit changing `destFiles` files the PR does not touch plus
//                      (all but d-f-NNN) `destOverlap` files the PR edits (at a distant line, so
//                      they merge cleanly line by line): a destination that moved on since the PR
//                      branched
//   conflict-src,      both change the same line of `conflicts` files (and a few files apart)
//   conflict-dst
//   div-src, div-dst,  `divergence` commits each side, each commit editing one of `divergenceFiles`
//   div-dst-N          files of its side (disjoint sides, so the merge is clean); div-dst-N are
//                      copies of div-dst, one per MergeBranchesByThreeWay sample
//
// Seeded, so a run can be rebuilt exactly.
import { GIT_ENV, git, run } from '../../lib/util.mjs';
import { prng } from '../../codecommit-api/lib/bigrepo.mjs';
import { shuffle } from '../../codecommit-api/lib/common.mjs';

const pad = (n, w = 3) => String(n).padStart(w, '0');

/** The text of `paths` at `rev` (one `git cat-file --batch`). The generated files are ASCII. */
export async function readTexts(gitDir, rev, paths) {
  const input = paths.map((p) => `${rev}:${p}\n`).join('');
  const { stdout } = await run('git', ['cat-file', '--batch'], { env: { ...GIT_ENV, GIT_DIR: gitDir }, input, timeoutMs: 300_000 });
  const out = new Map();
  let at = 0;
  for (const path of paths) {
    const nl = stdout.indexOf('\n', at);
    const header = stdout.slice(at, nl).split(' ');
    if (header[1] !== 'blob') throw new Error(`cat-file: ${rev}:${path} is ${header.join(' ')}`);
    const size = Number(header[2]);
    const text = stdout.slice(nl + 1, nl + 1 + size);
    if (Buffer.byteLength(text) !== size) throw new Error(`cat-file: ${path} is not ASCII`);
    out.set(path, text);
    at = nl + 1 + size + 1;
  }
  return out;
}

/** `text` with line `index` (0-based) replaced. */
export function editLine(text, index, line) {
  const lines = text.split('\n');
  if (index >= lines.length - 1) throw new Error(`line ${index} is past the end`);
  lines[index] = line;
  return lines.join('\n');
}

/** Line indexes each kind of edit uses (every generated file has at least 21 lines). */
export const LINES = { pr: 2, dest: 14, conflict: 6, conflictApart: 9, divSource: 3, divDestination: 17 };

/** One fast-import stream, built in memory. */
class Stream {
  constructor(startTs) {
    this.parts = [];
    this.ts = startTs;
    this.marks = 0;
    this.commits = 0;
  }

  push(s) {
    this.parts.push(typeof s === 'string' ? Buffer.from(s) : s);
  }

  /** A commit on `ref` from `from` (a commit id or ":mark"); `files`: path → text, or null to delete. Returns its mark. */
  commit(ref, from, message, files) {
    const mark = `:${++this.marks}`;
    this.ts += 1;
    this.commits++;
    this.push(`commit refs/heads/${ref}\nmark ${mark}\n`);
    this.push(`author Bench <bench@example.com> ${this.ts} +0000\ncommitter Bench <bench@example.com> ${this.ts} +0000\n`);
    this.push(`data ${Buffer.byteLength(message)}\n${message}\nfrom ${from}\n`);
    for (const [path, text] of files) {
      if (text === null) this.push(`D ${path}\n`);
      else {
        const data = Buffer.from(text);
        this.push(`M 100644 inline ${path}\ndata ${data.length}\n`);
        this.push(data);
        this.push('\n');
      }
    }
    this.push('\n');
    return mark;
  }

  reset(ref, from) {
    this.push(`reset refs/heads/${ref}\nfrom ${from}\n\n`);
  }

  buffer() {
    this.push('done\n');
    return Buffer.concat(this.parts);
  }
}

/**
 * Adds the branches to the bare repository `dir` (which has main). Returns what was built: the
 * branch names by role and the paths each role touches, for the checks.
 */
export async function addMergeBranches(dir, s, { seed = 1414 } = {}) {
  const env = { ...GIT_ENV, GIT_DIR: dir };
  const mainId = (await git(['rev-parse', 'refs/heads/main'], { env })).stdout.trim();
  const all = (await git(['ls-tree', '-r', '--name-only', 'main'], { env, timeoutMs: 120_000 })).stdout.split('\n').filter(Boolean);
  const rnd = prng(seed);
  const pool = shuffle([...all], rnd);
  let next = 0;
  const take = (n) => {
    if (next + n > pool.length) throw new Error(`the repository has too few files (${pool.length}) for this scenario`);
    const out = pool.slice(next, next + n);
    next += n;
    return out;
  };

  // The pull request: additions and deletions are 1% each of the changed files.
  const adds = Math.max(1, Math.round(s.changed / 100));
  const deletes = adds;
  const prModified = take(s.changed - adds - deletes);
  const prDeleted = take(deletes);
  const prAdded = Array.from({ length: adds }, (_, i) => `${prModified[i].replace(/\/[^/]+$/, '')}/pr-added-${pad(i)}.txt`);
  const destNames = [];
  for (let i = 0; i < 6; i++) destNames.push(`d-w-${i}`);
  for (const role of ['s', 'f', 'g', 'p', 'o', 'u']) for (let i = 0; i < s.samples; i++) destNames.push(`d-${role}-${pad(i)}`);
  // d-f-NNN (and their warm-up d-w-5) share no file with the pull request: mergeable at FILE_LEVEL.
  const noOverlap = (name) => name.startsWith('d-f-') || name === 'd-w-5';
  const destOwn = new Map(destNames.map((name) => [name, take(s.destFiles)]));
  const conflicted = take(s.conflicts).sort();
  const conflictApart = { source: take(s.conflictApart), destination: take(s.conflictApart) };
  const div = { source: take(s.divergenceFiles), destination: take(s.divergenceFiles) };

  const needed = [...new Set([...prModified, ...[...destOwn.values()].flat(), ...conflicted, ...conflictApart.source, ...conflictApart.destination, ...div.source, ...div.destination])];
  const base = await readTexts(dir, mainId, needed);
  const stream = new Stream(1_700_000_000);

  // pr: its changes spread over prCommits commits; the deletions and additions in the last.
  const prEdits = prModified.map((p, i) => [p, editLine(base.get(p), LINES.pr, `// pull request: change ${i} to ${p}`)]);
  const perCommit = Math.ceil(prEdits.length / s.prCommits);
  let from = mainId;
  for (let c = 0; c < s.prCommits; c++) {
    const files = prEdits.slice(c * perCommit, (c + 1) * perCommit);
    if (c === s.prCommits - 1) {
      for (const p of prDeleted) files.push([p, null]);
      prAdded.forEach((p, i) => files.push([p, `// added by the pull request (${i})\n${'export const added = 1;\n'.repeat(5 + i)}`]));
    }
    from = stream.commit('pr', from, `pull request, part ${c + 1} of ${s.prCommits}\n`, files);
  }

  // Destination branches: own files, plus files the PR edits, at a distant line.
  const prRnd = prng(seed + 1);
  for (const name of destNames) {
    const files = destOwn.get(name).map((p) => [p, editLine(base.get(p), LINES.dest, `// destination ${name} moved on`)]);
    const overlap = new Set();
    while (!noOverlap(name) && overlap.size < Math.min(s.destOverlap, prModified.length)) overlap.add(prModified[Math.floor(prRnd() * prModified.length)]);
    for (const p of overlap) files.push([p, editLine(base.get(p), LINES.dest, `// destination ${name} also edited this`)]);
    stream.commit(name, mainId, `${name}: the destination moves on\n`, files);
  }

  // Conflicts: the same line of each conflicted file, differently on each side.
  stream.commit(
    'conflict-src',
    mainId,
    'source side of the conflict\n',
    [...conflicted.map((p) => [p, editLine(base.get(p), LINES.conflict, `// source says: ${p} is ours`)]), ...conflictApart.source.map((p) => [p, editLine(base.get(p), LINES.conflictApart, '// source only')])],
  );
  stream.commit(
    'conflict-dst',
    mainId,
    'destination side of the conflict\n',
    [...conflicted.map((p) => [p, editLine(base.get(p), LINES.conflict, `// destination says: ${p} is theirs`)]), ...conflictApart.destination.map((p) => [p, editLine(base.get(p), LINES.conflictApart, '// destination only')])],
  );

  // Divergence: `divergence` commits on each side, one file each, cycling through the side's files.
  for (const [ref, paths, line] of [['div-src', div.source, LINES.divSource], ['div-dst', div.destination, LINES.divDestination]]) {
    let tip = mainId;
    for (let c = 0; c < s.divergence; c++) {
      const p = paths[c % paths.length];
      tip = stream.commit(ref, tip, `${ref} ${c + 1}\n`, [[p, editLine(base.get(p), line, `// ${ref} commit ${c + 1}`)]]);
    }
    if (ref === 'div-dst') for (let k = 1; k <= s.divergenceMerges; k++) stream.reset(`div-dst-${k}`, tip);
  }

  const data = stream.buffer();
  await run('git', ['fast-import', '--quiet', '--done'], { env, input: data, timeoutMs: 900_000 });
  const ids = Object.fromEntries(
    (await git(['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/'], { env, timeoutMs: 60_000 })).stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ')),
  );
  return {
    mainId,
    ids,
    destNames,
    pr: { modified: prModified.length, added: prAdded.length, deleted: prDeleted.length },
    conflicted,
    streamBytes: data.length,
    commitsWritten: stream.commits,
  };
}
