/**
 * Conflict corpus: the merge engine agrees with `git merge`.
 *
 * Each scenario builds a small history with real git (a base commit, then `main` and `feature`
 * move apart), pushes it to a bare repository and merges `feature` into `main` twice: with
 * `git merge --no-ff` in a working tree (the oracle) and with MergeEngine.analyze on the bare
 * repository. The engine must report the same conflicted paths and, when the merge is clean, the
 * very same merged tree; it must also tell a fast-forward (main an ancestor of feature) apart.
 * The scenarios cover line merges, add/add, modify/delete, renames, modes, binary files,
 * symlinks, file/directory clashes, odd path names, line endings, and fast-forward, already-merged
 * and criss-cross histories. Each scenario also states whether git merges it cleanly, so a
 * generator that stops producing its case fails loudly instead of testing nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTempDir } from '@cairn/testing';
import { MergeEngine } from './merge-engine';

type Branch = 'main' | 'feature';

/** One change to the working tree, applied before a commit. */
type Op =
  | { kind: 'write'; path: string; content: string | Buffer; executable: boolean }
  | { kind: 'remove'; path: string }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chmod'; path: string; executable: boolean }
  | { kind: 'move'; from: string; to: string };

/** A commit of some changes on a branch, or a merge of a revision into it. */
type Step = { on: Branch; commit: readonly Op[] } | { on: Branch; merge: string };

interface Scenario {
  name: string;
  /** What `git merge` does with it; checked so that the scenario keeps testing what it says. */
  outcome: 'clean' | 'conflict';
  /** The first commit, on main; feature branches from it. */
  base: readonly Op[];
  steps: readonly Step[];
  /** Facts about the history itself, checked on git's side so the scenario keeps its shape. */
  history?: { mergeBases?: number; fastForward?: boolean; mergedTreeIs?: Branch };
}

/** The comparable part of a merge analysis. */
interface MergeOutcome {
  sourceCommitId: string;
  destinationCommitId: string;
  fastForward: boolean;
  conflicts: string[];
  treeId: string;
  mergeable: boolean;
}

const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LC_ALL: 'C',
  TZ: 'UTC',
  GIT_AUTHOR_NAME: 'Ada',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
  GIT_AUTHOR_DATE: '1700000000 +0000',
  GIT_COMMITTER_DATE: '1700000000 +0000',
};

/** Fixed dates, one minute apart per commit, so every run builds the same commit ids. */
function commitDates(tick: number): NodeJS.ProcessEnv {
  const date = `${1700000000 + tick * 60} +0000`;
  return { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
}

function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, { cwd, env: { ...GIT_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

function revParse(cwd: string, revision: string): string {
  return git(cwd, ['rev-parse', '--verify', '-q', revision]).trim();
}

function isAncestor(cwd: string, ancestor: string, descendant: string): boolean {
  const result = spawnSync('git', ['merge-base', '--is-ancestor', ancestor, descendant], { cwd, env: GIT_ENV });
  if (result.status !== 0 && result.status !== 1) throw new Error(`git merge-base --is-ancestor failed: ${result.stderr.toString()}`);
  return result.status === 0;
}

// ---- Working-tree changes ------------------------------------------------------------------

const write = (path: string, content: string | Buffer): Op => ({ kind: 'write', path, content, executable: false });
const writeExecutable = (path: string, content: string | Buffer): Op => ({ kind: 'write', path, content, executable: true });
const remove = (path: string): Op => ({ kind: 'remove', path });
const symlink = (path: string, target: string): Op => ({ kind: 'symlink', path, target });
const chmod = (path: string, executable: boolean): Op => ({ kind: 'chmod', path, executable });
const move = (from: string, to: string): Op => ({ kind: 'move', from, to });

function applyOps(work: string, ops: readonly Op[]): void {
  for (const op of ops) {
    switch (op.kind) {
      case 'write': {
        const file = join(work, op.path);
        rmSync(file, { recursive: true, force: true }); // never write through a symlink
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, op.content);
        chmodSync(file, op.executable ? 0o755 : 0o644);
        break;
      }
      case 'remove':
        rmSync(join(work, op.path), { recursive: true, force: true });
        break;
      case 'symlink': {
        const link = join(work, op.path);
        rmSync(link, { recursive: true, force: true });
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(op.target, link);
        break;
      }
      case 'chmod':
        chmodSync(join(work, op.path), op.executable ? 0o755 : 0o644);
        break;
      case 'move':
        mkdirSync(dirname(join(work, op.to)), { recursive: true });
        renameSync(join(work, op.from), join(work, op.to));
        break;
    }
  }
}

// ---- File contents ---------------------------------------------------------------------------

const TEN_LINES = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'] as const;

/** Lines, each ended by `eol`. */
function text(lines: readonly string[], eol = '\n'): string {
  return lines.map((line) => line + eol).join('');
}

/** The ten lines with line `index` (0-based) replaced. */
function tenWith(index: number, replacement: string, eol = '\n'): string {
  return text(
    TEN_LINES.map((line, i) => (i === index ? replacement : line)),
    eol,
  );
}

/** The ten lines with the first and/or last replaced, each side of a clean line merge taking one. */
function tenWithEnds(first: string | undefined, last: string | undefined, eol = '\n'): string {
  return text(
    TEN_LINES.map((line, i) => (i === 0 && first !== undefined ? first : i === 9 && last !== undefined ? last : line)),
    eol,
  );
}

/** Bytes with NULs (so git treats them as binary), distinct per `seed`. */
function binary(seed: number): Buffer {
  return Buffer.from(Array.from({ length: 64 }, (_, i) => (i % 8 === 0 ? 0 : (i * 31 + seed * 17) % 256)));
}

// ---- Scenario generators ---------------------------------------------------------------------

/** The usual shape: one commit on main and one on feature, each skipped when it changes nothing. */
function diverged(name: string, outcome: Scenario['outcome'], base: readonly Op[], onMain: readonly Op[], onFeature: readonly Op[]): Scenario {
  const steps: Step[] = [];
  if (onMain.length > 0) steps.push({ on: 'main', commit: onMain });
  if (onFeature.length > 0) steps.push({ on: 'feature', commit: onFeature });
  return { name, outcome, base, steps };
}

/** Both sides change one path of the base in the given ways. */
function bothChange(name: string, outcome: Scenario['outcome'], path: string, base: string | Buffer, onMain: Op, onFeature: Op): Scenario {
  return diverged(name, outcome, [write(path, base), write('README.md', 'unrelated\n')], [onMain], [onFeature]);
}

/** 50 files merged line by line (main edits the top, feature the bottom), plus one that conflicts. */
function manyFilesOneConflict(): Scenario {
  const names = Array.from({ length: 50 }, (_, i) => `many/file-${String(i).padStart(2, '0')}.txt`);
  return diverged(
    'conflict: one overlapping edit among 50 files that merge line by line',
    'conflict',
    [...names.map((name) => write(name, text(TEN_LINES))), write('many/conflicted.txt', text(TEN_LINES))],
    [...names.map((name) => write(name, tenWithEnds('ONE on main', undefined))), write('many/conflicted.txt', tenWith(4, 'FIVE on main'))],
    [...names.map((name) => write(name, tenWithEnds(undefined, 'TEN on feature'))), write('many/conflicted.txt', tenWith(4, 'FIVE on feature'))],
  );
}

/**
 * Criss-cross: main and feature each merge the other's first commit, so the final tips have two
 * merge bases; then each side changes something more (`lastOnMain`, `lastOnFeature`).
 */
function crissCross(name: string, outcome: Scenario['outcome'], lastOnMain: readonly Op[], lastOnFeature: readonly Op[]): Scenario {
  return {
    name,
    outcome,
    base: [write('shared.txt', text(TEN_LINES)), write('m.txt', 'main 0\n'), write('f.txt', 'feature 0\n')],
    steps: [
      { on: 'main', commit: [write('m.txt', 'main 1\n')] },
      { on: 'feature', commit: [write('f.txt', 'feature 1\n')] },
      { on: 'main', merge: 'feature' },
      { on: 'feature', merge: 'main^1' }, // main's commit before its merge: the cross
      { on: 'main', commit: lastOnMain },
      { on: 'feature', commit: lastOnFeature },
    ],
    history: { mergeBases: 2, fastForward: false },
  };
}

const DEEP = 'a/b/c/d';

const SCENARIOS: readonly Scenario[] = [
  // Line-level content merges.
  diverged('clean: edits to different files', 'clean', [write('a.txt', 'a\n'), write('b.txt', 'b\n')], [write('a.txt', 'a on main\n')], [write('b.txt', 'b on feature\n')]),
  bothChange('clean: edits at the top and at the bottom of one file', 'clean', 'f.txt', text(TEN_LINES), write('f.txt', tenWith(0, 'ONE')), write('f.txt', tenWith(9, 'TEN'))),
  bothChange('conflict: overlapping edits of one line', 'conflict', 'f.txt', text(TEN_LINES), write('f.txt', tenWith(4, 'five on main')), write('f.txt', tenWith(4, 'five on feature'))),
  bothChange('clean: the same edit on both sides', 'clean', 'f.txt', text(TEN_LINES), write('f.txt', tenWith(4, 'FIVE')), write('f.txt', tenWith(4, 'FIVE'))),
  diverged('clean: add/add with the same content', 'clean', [write('README.md', 'base\n')], [write('new.txt', 'same\n')], [write('new.txt', 'same\n')]),
  diverged('conflict: add/add with different content', 'conflict', [write('README.md', 'base\n')], [write('new.txt', 'from main\n')], [write('new.txt', 'from feature\n')]),

  // Deletions.
  bothChange('conflict: modified on main, deleted on feature', 'conflict', 'f.txt', text(TEN_LINES), write('f.txt', tenWith(2, 'THREE')), remove('f.txt')),
  bothChange('conflict: deleted on main, modified on feature', 'conflict', 'f.txt', text(TEN_LINES), remove('f.txt'), write('f.txt', tenWith(2, 'THREE'))),
  bothChange('clean: deleted on both sides', 'clean', 'f.txt', text(TEN_LINES), remove('f.txt'), remove('f.txt')),

  // Renames (found by similarity, as git merge does).
  bothChange('clean: renamed on feature, edited on main', 'clean', 'old.txt', text(TEN_LINES), write('old.txt', tenWith(0, 'ONE')), move('old.txt', 'new.txt')),
  bothChange('clean: renamed on main, edited on feature', 'clean', 'old.txt', text(TEN_LINES), move('old.txt', 'new.txt'), write('old.txt', tenWith(9, 'TEN'))),
  bothChange('clean: moved into a new deep folder on main, edited on feature', 'clean', 'old.txt', text(TEN_LINES), move('old.txt', `${DEEP}/moved.txt`), write('old.txt', tenWith(9, 'TEN'))),
  bothChange('conflict: renamed to different names on each side', 'conflict', 'old.txt', text(TEN_LINES), move('old.txt', 'by-main.txt'), move('old.txt', 'by-feature.txt')),
  bothChange('clean: renamed to the same name on both sides', 'clean', 'old.txt', text(TEN_LINES), move('old.txt', 'new.txt'), move('old.txt', 'new.txt')),
  bothChange('conflict: renamed on main, deleted on feature', 'conflict', 'old.txt', text(TEN_LINES), move('old.txt', 'new.txt'), remove('old.txt')),
  diverged(
    'conflict: folder renamed on main, file added to the old folder on feature',
    'conflict',
    [write('lib/one.txt', text(TEN_LINES)), write('lib/two.txt', tenWith(0, 'TWO'))],
    [move('lib', 'src')],
    [write('lib/three.txt', 'added on feature\n')],
  ),

  // File modes.
  bothChange('clean: made executable on main, content changed on feature', 'clean', 'run.sh', text(TEN_LINES), chmod('run.sh', true), write('run.sh', tenWith(9, 'TEN'))),
  bothChange('clean: made executable on both sides', 'clean', 'run.sh', text(TEN_LINES), chmod('run.sh', true), chmod('run.sh', true)),
  bothChange('conflict: made executable on main, deleted on feature', 'conflict', 'run.sh', text(TEN_LINES), chmod('run.sh', true), remove('run.sh')),
  diverged(
    'clean: executable file edited at both ends, its mode kept',
    'clean',
    [writeExecutable('bin/tool', text(TEN_LINES))],
    [writeExecutable('bin/tool', tenWith(0, 'ONE'))],
    [writeExecutable('bin/tool', tenWith(9, 'TEN'))],
  ),

  // Binary files.
  bothChange('conflict: binary file changed on both sides', 'conflict', 'image.bin', binary(1), write('image.bin', binary(2)), write('image.bin', binary(3))),
  bothChange('clean: binary file changed on one side', 'clean', 'image.bin', binary(1), write('image.bin', binary(2)), write('README.md', 'changed\n')),

  // Deep paths.
  diverged(
    'clean: deep paths, different files edited',
    'clean',
    [write(`${DEEP}/one.txt`, text(TEN_LINES)), write(`${DEEP}/two.txt`, text(TEN_LINES))],
    [write(`${DEEP}/one.txt`, tenWith(3, 'FOUR'))],
    [write(`${DEEP}/two.txt`, tenWith(3, 'FOUR'))],
  ),
  bothChange('conflict: deep path, same line edited on both sides', 'conflict', `${DEEP}/file.txt`, text(TEN_LINES), write(`${DEEP}/file.txt`, tenWith(6, 'main')), write(`${DEEP}/file.txt`, tenWith(6, 'feature'))),
  diverged(
    'conflict: one deep conflict among several changed folders',
    'conflict',
    [
      write('alpha/a.txt', text(TEN_LINES)),
      write('beta/x/y/z/deep.txt', text(TEN_LINES)),
      write('beta/x/other.txt', text(TEN_LINES)),
      write('gamma/g.txt', text(TEN_LINES)),
    ],
    [write('alpha/a.txt', tenWith(0, 'ONE')), write('beta/x/y/z/deep.txt', tenWith(5, 'six on main')), write('gamma/g.txt', tenWith(0, 'ONE')), write('gamma/new-on-main.txt', 'm\n')],
    [write('alpha/a.txt', tenWith(9, 'TEN')), write('beta/x/y/z/deep.txt', tenWith(5, 'six on feature')), write('beta/x/other.txt', tenWith(9, 'TEN')), write('gamma/h.txt', 'f\n')],
  ),

  // Files against directories.
  diverged('conflict: file added on main where feature adds a directory', 'conflict', [write('README.md', 'base\n')], [write('thing', 'a file\n')], [write('thing/inside.txt', 'in a directory\n')]),
  diverged(
    'conflict: file modified on main, replaced by a directory on feature',
    'conflict',
    [write('thing', text(TEN_LINES))],
    [write('thing', tenWith(0, 'ONE'))],
    [remove('thing'), write('thing/inside.txt', 'in a directory\n')],
  ),

  // Symlinks.
  diverged('conflict: symlink added on both sides with different targets', 'conflict', [write('README.md', 'base\n')], [symlink('link', 'target-main')], [symlink('link', 'target-feature')]),
  diverged('clean: symlink target changed on one side', 'clean', [symlink('link', 'README.md'), write('README.md', 'base\n')], [symlink('link', 'elsewhere')], [write('README.md', 'edited\n')]),
  diverged('conflict: symlink target changed differently on both sides', 'conflict', [symlink('link', 'README.md'), write('README.md', 'base\n')], [symlink('link', 'by-main')], [symlink('link', 'by-feature')]),
  diverged('conflict: symlink on main, regular file on feature, same path added', 'conflict', [write('README.md', 'base\n')], [symlink('entry', 'README.md')], [write('entry', 'README.md')]),

  // Scale.
  manyFilesOneConflict(),

  // Empty files, final newlines, line endings.
  bothChange('clean: empty file gains content on one side', 'clean', 'empty.txt', '', write('empty.txt', 'now with content\n'), write('README.md', 'changed\n')),
  // add/add merges against the empty blob, so an empty side is no change at all.
  diverged('clean: add/add of an empty file and a file with content', 'clean', [write('README.md', 'base\n')], [write('e.txt', '')], [write('e.txt', 'content\n')]),
  bothChange('clean: final newline removed on main, first line edited on feature', 'clean', 'f.txt', text(TEN_LINES), write('f.txt', text(TEN_LINES).slice(0, -1)), write('f.txt', tenWith(0, 'ONE'))),
  bothChange('conflict: final newline removed on main, a line appended on feature', 'conflict', 'f.txt', text(TEN_LINES), write('f.txt', text(TEN_LINES).slice(0, -1)), write('f.txt', text([...TEN_LINES, 'eleven']))),
  bothChange('clean: CRLF file edited at the top and at the bottom', 'clean', 'dos.txt', text(TEN_LINES, '\r\n'), write('dos.txt', tenWith(0, 'ONE', '\r\n')), write('dos.txt', tenWith(9, 'TEN', '\r\n'))),
  bothChange('conflict: CRLF line endings on main, one line edited on feature', 'conflict', 'dos.txt', text(TEN_LINES), write('dos.txt', text(TEN_LINES, '\r\n')), write('dos.txt', tenWith(4, 'FIVE'))),

  // Path names.
  diverged(
    'conflict: unicode names (données/résumé.txt), one clean beside it',
    'conflict',
    [write('données/résumé.txt', text(TEN_LINES)), write('ünïcode/ñame.txt', text(TEN_LINES))],
    [write('données/résumé.txt', tenWith(1, 'deux')), write('ünïcode/ñame.txt', tenWith(0, 'ONE'))],
    [write('données/résumé.txt', tenWith(1, 'zwei')), write('ünïcode/ñame.txt', tenWith(9, 'TEN'))],
  ),
  diverged(
    'conflict: names with spaces',
    'conflict',
    [write('my folder/a file.txt', text(TEN_LINES)), write('my folder/another file.txt', text(TEN_LINES))],
    [write('my folder/a file.txt', tenWith(7, 'main')), write('my folder/another file.txt', tenWith(0, 'ONE'))],
    [write('my folder/a file.txt', tenWith(7, 'feature')), write('my folder/another file.txt', tenWith(9, 'TEN'))],
  ),
  diverged('clean: unicode and spaces in names added on each side', 'clean', [write('README.md', 'base\n')], [write('été 2024/notes.txt', 'main\n')], [write('日本語/ファイル.txt', 'feature\n')]),

  // History shapes.
  {
    ...diverged('fast-forward: main is an ancestor of feature', 'clean', [write('f.txt', text(TEN_LINES))], [], [write('f.txt', tenWith(4, 'FIVE')), write('g.txt', 'g\n')]),
    history: { mergeBases: 1, fastForward: true, mergedTreeIs: 'feature' },
  },
  {
    ...diverged('fast-forward: main and feature are the same commit', 'clean', [write('f.txt', text(TEN_LINES))], [], []),
    history: { mergeBases: 1, fastForward: true, mergedTreeIs: 'main' },
  },
  {
    name: 'already merged: feature is an ancestor of main',
    outcome: 'clean',
    base: [write('f.txt', text(TEN_LINES))],
    steps: [
      { on: 'feature', commit: [write('f.txt', tenWith(4, 'FIVE'))] },
      { on: 'main', commit: [write('g.txt', 'g\n')] },
      { on: 'main', merge: 'feature' },
      { on: 'main', commit: [write('f.txt', tenWith(4, 'five again'))] },
    ],
    history: { mergeBases: 1, fastForward: false, mergedTreeIs: 'main' },
  },
  crissCross('clean: criss-cross history with two merge bases', 'clean', [write('shared.txt', tenWith(0, 'ONE'))], [write('shared.txt', tenWith(9, 'TEN'))]),
  crissCross('conflict: criss-cross history, then the same line edited on both sides', 'conflict', [write('shared.txt', tenWith(5, 'six on main'))], [write('shared.txt', tenWith(5, 'six on feature'))]),
];

// ---- Building and merging ----------------------------------------------------------------------

interface BuiltScenario {
  work: string;
  bare: string;
}

/** Builds the scenario's history in a working clone and pushes main and feature to a new bare repository. */
function buildScenario(dir: string, scenario: Scenario): BuiltScenario {
  const work = join(dir, 'work');
  const bare = join(dir, 'bare.git');
  mkdirSync(work, { recursive: true });
  git(dir, ['init', '-q', '--bare', '-b', 'main', bare]);
  git(work, ['init', '-q', '-b', 'main']);
  let tick = 0;
  const commitAll = (message: string) => {
    git(work, ['add', '-A']);
    git(work, ['commit', '-q', '--allow-empty', '-m', message], commitDates(++tick));
  };
  applyOps(work, scenario.base);
  commitAll('base');
  git(work, ['branch', 'feature']);
  scenario.steps.forEach((step, i) => {
    git(work, ['checkout', '-q', step.on]);
    if ('commit' in step) {
      applyOps(work, step.commit);
      commitAll(`${step.on}: step ${i + 1}`);
    } else {
      git(work, ['merge', '-q', '--no-ff', '-m', `merge ${step.merge} into ${step.on}`, step.merge], commitDates(++tick));
    }
  });
  git(work, ['push', '-q', bare, 'main', 'feature']);
  return { work, bare };
}

/** The oracle: `git merge --no-ff feature` on main, in the working clone. */
function mergeWithGit(work: string): MergeOutcome & { clean: boolean; mergeBases: string[] } {
  const destinationCommitId = revParse(work, 'main');
  const sourceCommitId = revParse(work, 'feature');
  const fastForward = isAncestor(work, 'main', 'feature');
  const mergeBases = git(work, ['merge-base', '--all', 'main', 'feature']).split('\n').filter(Boolean);
  git(work, ['checkout', '-q', 'main']);
  const merge = spawnSync('git', ['-c', 'merge.conflictStyle=merge', '-c', 'core.autocrlf=false', 'merge', '--no-ff', '--no-edit', 'feature'], {
    cwd: work,
    env: { ...GIT_ENV, ...commitDates(1000) },
  });
  const common = { sourceCommitId, destinationCommitId, fastForward, mergeBases };
  if (merge.status === 0) {
    return { ...common, clean: true, conflicts: [], treeId: revParse(work, 'HEAD^{tree}'), mergeable: true };
  }
  if (merge.status !== 1) throw new Error(`git merge failed (${merge.status}): ${merge.stderr.toString()}`);
  const commits = [...mergeBases, destinationCommitId, sourceCommitId];
  const unmerged = git(work, ['diff', '--name-only', '--diff-filter=U', '-z']).split('\0').filter(Boolean);
  const conflicts = [...new Set(unmerged.map((path) => pathInCommits(work, commits, path)))].sort(byteOrder);
  return { ...common, clean: false, conflicts, treeId: '', mergeable: false };
}

/**
 * merge-ort moves one side of a file/directory or file/symlink clash aside, to "<path>~<label>",
 * the label being the merge's name for that side: "HEAD" or "feature" in `git merge feature`,
 * whatever the engine passes to git otherwise. That name is in no commit and says nothing about the
 * repository; the conflict is about <path>, the name the commits have, and that is what is expected.
 */
function pathInCommits(work: string, commits: readonly string[], path: string): string {
  const labelled = /^(.+)~(?:HEAD|feature)(?:_\d+)?$/s.exec(path);
  if (!labelled || commits.some((commit) => hasPath(work, commit, path))) return path;
  if (!commits.some((commit) => hasPath(work, commit, labelled[1]))) throw new Error(`git merge left ${path} unmerged, and no commit has ${labelled[1]}`);
  return labelled[1];
}

function hasPath(cwd: string, commit: string, path: string): boolean {
  return spawnSync('git', ['cat-file', '-e', `${commit}:${path}`], { cwd, env: GIT_ENV }).status === 0;
}

/** git's path order: byte-wise on UTF-8. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

describe('MergeEngine against git merge: the conflict corpus', () => {
  const root = makeTempDir('cairn-merge-corpus-');
  const engineTmp = join(root, 'engine-tmp');
  mkdirSync(engineTmp);
  const engine = new MergeEngine(engineTmp);

  it('has at least 30 scenarios, with distinct names', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
  });

  SCENARIOS.forEach((scenario, index) => {
    it(scenario.name, async () => {
      const dir = join(root, `scenario-${String(index).padStart(2, '0')}`);
      const { work, bare } = buildScenario(dir, scenario);
      const { clean, mergeBases, ...expected } = mergeWithGit(work);
      expect(clean ? 'clean' : 'conflict').toBe(scenario.outcome);
      const { mergedTreeIs, ...shape } = scenario.history ?? {};
      expect({ mergeBases: mergeBases.length, fastForward: expected.fastForward }).toMatchObject(shape);
      if (mergedTreeIs) {
        const tip = mergedTreeIs === 'main' ? expected.destinationCommitId : expected.sourceCommitId;
        expect(expected.treeId).toBe(revParse(work, `${tip}^{tree}`));
      }

      const analysis = await engine.analyze({ gitDir: bare, sourceRevision: 'feature', destinationRevision: 'main' });
      const actual: MergeOutcome = {
        sourceCommitId: analysis.sourceCommitId,
        destinationCommitId: analysis.destinationCommitId,
        fastForward: analysis.fastForward,
        conflicts: analysis.conflicts.map((c) => c.path),
        treeId: analysis.treeId,
        mergeable: analysis.treeId !== '',
      };
      expect(actual).toEqual(expected);
      expect(mergeBases).toContain(analysis.baseCommitId);
    });
  });
});
