import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainCodeOf } from '@cairn/contracts';
import { MergeEngine } from './merge-engine';

/** The merge engine's CodeCommit knobs (detail levels, strategies, resolutions) on real repositories. */
describe('MergeEngine', () => {
  const work = mkdtempSync(join(tmpdir(), 'cairn-merge-'));
  const gitDir = join(work, '.git');
  const engine = new MergeEngine(join(work, 'tmp'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', ...args], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    })
      .toString()
      .trim();
  const show = (rev: string) => git('cat-file', '-p', rev);
  const code = (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: unknown) => domainCodeOf(e));
  const numbered = (n: number, change: Record<number, string> = {}) => Array.from({ length: n }, (_, i) => `${change[i + 1] ?? i + 1}\n`).join('');

  beforeAll(() => {
    git('init', '-q', '-b', 'main');
    writeFileSync(join(work, 'conflict.txt'), numbered(10));
    writeFileSync(join(work, 'both.txt'), numbered(10));
    writeFileSync(join(work, 'clean.txt'), 'clean\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    git('checkout', '-q', '-b', 'feature');
    writeFileSync(join(work, 'conflict.txt'), numbered(10, { 5: 'five from feature' }));
    writeFileSync(join(work, 'both.txt'), numbered(10, { 1: 'one from feature' }));
    writeFileSync(join(work, 'new.txt'), 'new\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'feature');
    git('checkout', '-q', 'main');
    writeFileSync(join(work, 'conflict.txt'), numbered(10, { 5: 'five from main' }));
    writeFileSync(join(work, 'both.txt'), numbered(10, { 10: 'ten from main' }));
    git('add', '-A');
    git('commit', '-q', '-m', 'main');
    git('branch', 'ahead', 'feature');
    git('checkout', '-q', 'ahead');
    writeFileSync(join(work, 'clean.txt'), 'ahead\n');
    git('commit', '-q', '-am', 'ahead');
    git('checkout', '-q', 'main');
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const spec = { gitDir, sourceRevision: 'feature', destinationRevision: 'main' };

  it('reports line-level conflicts with their metadata and no tree', async () => {
    const analysis = await engine.analyze(spec);
    expect(analysis.baseCommitId).toBe(git('merge-base', 'main', 'feature'));
    expect(analysis.fastForward).toBe(false);
    expect(analysis.treeId).toBe('');
    expect(analysis.conflicts.map((c) => c.path)).toEqual(['conflict.txt']);
    expect(analysis.conflicts[0]).toMatchObject({ contentConflict: true, fileModeConflict: false, objectTypeConflict: false, numberOfConflicts: 1, mergeOperations: { source: 'M', destination: 'M' } });
  });

  it('adds files both sides changed at file level, unless AUTOMERGE merges their lines', async () => {
    expect((await engine.analyze({ ...spec, detailLevel: 'FILE_LEVEL' })).conflicts.map((c) => c.path)).toEqual(['both.txt', 'conflict.txt']);
    expect((await engine.analyze({ ...spec, detailLevel: 'FILE_LEVEL', strategy: 'AUTOMERGE' })).conflicts.map((c) => c.path)).toEqual(['conflict.txt']);
  });

  it('settles conflicts with ACCEPT_SOURCE and ACCEPT_DESTINATION', async () => {
    const source = await engine.analyze({ ...spec, strategy: 'ACCEPT_SOURCE' });
    expect(show(`${source.treeId}:conflict.txt`)).toContain('five from feature');
    expect(show(`${source.treeId}:both.txt`)).toBe(numbered(10, { 1: 'one from feature', 10: 'ten from main' }).trim());
    const destination = await engine.analyze({ ...spec, strategy: 'ACCEPT_DESTINATION', detailLevel: 'FILE_LEVEL' });
    expect(show(`${destination.treeId}:conflict.txt`)).toContain('five from main');
    expect(show(`${destination.treeId}:both.txt`)).toBe(numbered(10, { 10: 'ten from main' }).trim());
    expect(show(`${destination.treeId}:new.txt`)).toBe('new');
  });

  it('applies explicit resolutions and refuses bad ones', async () => {
    const resolved = await engine.analyze({ ...spec, resolution: { replaceContents: [{ path: 'conflict.txt', replacementType: 'USE_NEW_CONTENT', content: Buffer.from('mine\n') }], deleteFiles: [], setFileModes: [] } });
    expect(show(`${resolved.treeId}:conflict.txt`)).toBe('mine');
    const kept = await engine.analyze({ ...spec, resolution: { replaceContents: [{ path: 'conflict.txt', replacementType: 'KEEP_BASE' }], deleteFiles: [], setFileModes: [{ path: 'conflict.txt', fileMode: '100755' }] } });
    expect(git('ls-tree', kept.treeId, 'conflict.txt')).toMatch(/^100755 blob /);
    const deleted = await engine.analyze({ ...spec, resolution: { replaceContents: [], deleteFiles: ['conflict.txt'], setFileModes: [] } });
    expect(git('ls-tree', deleted.treeId, 'conflict.txt')).toBe('');
    expect(await code(engine.analyze({ ...spec, resolution: { replaceContents: [], deleteFiles: ['clean.txt'], setFileModes: [] } }))).toBe('InvalidConflictResolutionException');
    expect(await code(engine.analyze({ ...spec, resolution: { replaceContents: [{ path: 'conflict.txt', replacementType: 'KEEP_BASE' }], deleteFiles: ['conflict.txt'], setFileModes: [] } }))).toBe('MultipleConflictResolutionEntriesException');
  });

  it('describes the conflicting hunk with each side’s lines', async () => {
    const { files } = await engine.describe(spec, ['conflict.txt', 'missing.txt']);
    expect([...files.keys()]).toEqual(['conflict.txt']);
    const file = files.get('conflict.txt')!;
    const conflicting = file.regions.filter((r) => r.conflict);
    expect(conflicting).toHaveLength(1);
    expect(file.lines.source.slice(conflicting[0].source.start, conflicting[0].source.start + conflicting[0].source.count)).toEqual(['five from feature\n']);
    expect(conflicting[0].base).toEqual({ start: 4, count: 1 });
  });

  it('creates squash and three-way commits, and refuses what needs a manual merge', async () => {
    expect(await code(engine.merge({ ...spec, option: 'THREE_WAY_MERGE', authorName: 'Ada', authorEmail: 'ada@example.com', message: 'merge' }))).toBe('ManualMergeRequiredException');
    expect(await code(engine.merge({ ...spec, option: 'FAST_FORWARD_MERGE', authorName: 'Ada', authorEmail: 'ada@example.com', message: 'merge' }))).toBe('ManualMergeRequiredException');
    const threeWay = await engine.merge({ ...spec, strategy: 'ACCEPT_SOURCE', option: 'THREE_WAY_MERGE', authorName: 'Ada', authorEmail: 'ada@example.com', message: 'merge it' });
    expect(threeWay.created).toBe(true);
    expect(git('rev-list', '--parents', '-n1', threeWay.commitId).split(' ').slice(1)).toEqual([git('rev-parse', 'main'), git('rev-parse', 'feature')]);
    expect(show(threeWay.commitId)).toContain('author Ada <ada@example.com>');
    const squash = await engine.merge({ ...spec, strategy: 'ACCEPT_SOURCE', option: 'SQUASH_MERGE', authorName: 'Ada', authorEmail: 'ada@example.com', message: 'squash' });
    expect(git('rev-list', '--parents', '-n1', squash.commitId).split(' ').slice(1)).toEqual([git('rev-parse', 'main')]);
    expect(git('rev-parse', `${squash.commitId}^{tree}`)).toBe(threeWay.treeId);
  });

  it('fast-forwards when the destination is an ancestor, and does nothing when already merged', async () => {
    const ff = await engine.merge({ gitDir, sourceRevision: 'ahead', destinationRevision: 'feature', option: 'FAST_FORWARD_MERGE', authorName: '', authorEmail: '', message: '' });
    expect(ff).toMatchObject({ created: false, commitId: git('rev-parse', 'ahead'), fastForward: true });
    const none = await engine.merge({ gitDir, sourceRevision: 'feature', destinationRevision: 'ahead', option: 'THREE_WAY_MERGE', authorName: '', authorEmail: '', message: '' });
    expect(none).toMatchObject({ created: false, commitId: git('rev-parse', 'ahead'), alreadyMerged: true });
  });

  it('finds the commit that merged a source in, and none for a fast-forward', async () => {
    git('checkout', '-q', '-b', 'merged', 'main');
    git('merge', '-q', '--no-ff', '-X', 'theirs', '-m', 'merge feature', 'feature');
    const mergeCommit = git('rev-parse', 'HEAD');
    writeFileSync(join(work, 'after.txt'), 'after\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'after');
    git('checkout', '-q', 'main');
    expect((await engine.findMergeCommit({ gitDir, sourceRevision: 'feature', destinationRevision: 'merged' })).mergedCommitId).toBe(mergeCommit);
    expect((await engine.findMergeCommit({ gitDir, sourceRevision: 'feature', destinationRevision: 'ahead' })).mergedCommitId).toBe('');
    expect((await engine.findMergeCommit({ gitDir, sourceRevision: 'feature', destinationRevision: 'main' })).mergedCommitId).toBe('');
  });
});
