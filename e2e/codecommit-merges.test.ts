import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  BatchDescribeMergeConflictsCommand,
  BatchDescribeMergeConflictsCommandInput,
  CodeCommitClient,
  ConflictDetailLevelTypeEnum,
  ConflictMetadata,
  ConflictResolution,
  ConflictResolutionStrategyTypeEnum,
  CreateBranchCommand,
  CreateCommitCommand,
  CreateRepositoryCommand,
  CreateUnreferencedMergeCommitCommand,
  CreateUnreferencedMergeCommitCommandInput,
  DescribeMergeConflictsCommand,
  DescribeMergeConflictsCommandInput,
  GetBranchCommand,
  GetCommitCommand,
  GetFileCommand,
  GetMergeCommitCommand,
  GetMergeConflictsCommand,
  GetMergeConflictsCommandInput,
  GetMergeOptionsCommand,
  GetMergeOptionsCommandInput,
  MergeBranchesByFastForwardCommand,
  MergeBranchesByFastForwardCommandInput,
  MergeBranchesBySquashCommand,
  MergeBranchesBySquashCommandInput,
  MergeBranchesByThreeWayCommand,
  MergeBranchesByThreeWayCommandInput,
  MergeHunk,
  MergeOptionTypeEnum,
  PutFileCommand,
  ReplacementTypeEnum,
} from '@aws-sdk/client-codecommit';
import { git, gitResult, Stack } from './support/stack';
import { makeTempDir } from '@cairn/testing';

const execFileAsync = promisify(execFile);

/** File changes of one commit: content to write, or null to delete the file. */
type Files = Record<string, string | null>;

/** `l1\n…ln\n`, with the lines named in `edits` (1-based) replaced; a null edit drops the line. */
function lines(n: number, edits: Record<number, string | null> = {}): string {
  const out: string[] = [];
  for (let i = 1; i <= n; i += 1) {
    const edit = i in edits ? edits[i] : `l${i}`;
    if (edit !== null) out.push(edit);
  }
  return out.map((l) => `${l}\n`).join('');
}

/** The text of a hunk side without its final line break, so `x\n` and `x` compare alike. */
const text = (content: string | undefined) => (content ?? '').replace(/\n$/, '');

const ALL_OPTIONS = ['FAST_FORWARD_MERGE', 'SQUASH_MERGE', 'THREE_WAY_MERGE'];
const MERGE_OPTIONS = ['SQUASH_MERGE', 'THREE_WAY_MERGE'];
const LOSING_ERRORS = ['ConcurrentReferenceUpdateException', 'ParentCommitIdOutdatedException'];

/**
 * The merge operations (decision 0014) through the AWS SDK and the AWS CLI, checked against the
 * branches, commits and files a user reads back, and against what git itself fetches.
 * Branches are diverged from a common base with CreateCommit: `feature` is the source, `main`
 * (or a copy of it) the destination.
 */
describe('CodeCommit merges', () => {
  const stack = new Stack();
  let sdk: CodeCommitClient;
  const work = makeTempDir('cairn-merges-');

  beforeAll(async () => {
    await stack.start();
    const c = stack.credentials();
    sdk = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
  }, 240_000);

  afterAll(async () => {
    sdk?.destroy();
    await stack.stop();
  });

  const rejects = (promise: Promise<unknown>, name: string) => expect(promise).rejects.toMatchObject({ name });
  const tip = async (repositoryName: string, branchName = 'main') => (await sdk.send(new GetBranchCommand({ repositoryName, branchName }))).branch!.commitId!;
  const getCommit = async (repositoryName: string, commitId: string) => (await sdk.send(new GetCommitCommand({ repositoryName, commitId }))).commit!;
  const fileText = async (repositoryName: string, commitSpecifier: string, filePath: string) =>
    Buffer.from((await sdk.send(new GetFileCommand({ repositoryName, commitSpecifier, filePath }))).fileContent!).toString('utf8');
  const sorted = (values: readonly string[] | undefined) => [...(values ?? [])].sort();
  const paths = (list: ConflictMetadata[] | undefined) => sorted((list ?? []).map((m) => m.filePath!));
  const clone = (name: string, dir = join(work, `${name}-${Date.now()}`)) => {
    git(['clone', '-q', stack.gitUrl(name), dir]);
    return dir;
  };

  /** One commit of `files` on `branchName` (the first commit of the repository when it is empty). */
  async function commitFiles(repositoryName: string, branchName: string, files: Files, commitMessage = 'change'): Promise<string> {
    let parentCommitId: string | undefined;
    try {
      parentCommitId = await tip(repositoryName, branchName);
    } catch (error) {
      if ((error as Error).name !== 'BranchDoesNotExistException') throw error;
    }
    const entries = Object.entries(files);
    const out = await sdk.send(
      new CreateCommitCommand({
        repositoryName,
        branchName,
        parentCommitId,
        commitMessage,
        authorName: 'Tester',
        email: 'tester@example.com',
        putFiles: entries.filter(([, v]) => v !== null).map(([filePath, v]) => ({ filePath, fileContent: Buffer.from(v!) })),
        deleteFiles: entries.filter(([, v]) => v === null).map(([filePath]) => ({ filePath })),
      }),
    );
    return out.commitId!;
  }

  async function branchAt(repositoryName: string, branchName: string, commitId: string): Promise<void> {
    await sdk.send(new CreateBranchCommand({ repositoryName, branchName, commitId }));
  }

  /**
   * A repository whose `main` holds `base`, then `feature` (the source) branches off it and gets
   * the `source` commits while `main` (the destination) gets the `destination` commits.
   */
  async function diverged(repositoryName: string, spec: { base: Files; source?: Files[]; destination?: Files[] }): Promise<{ base: string; source: string; destination: string }> {
    await sdk.send(new CreateRepositoryCommand({ repositoryName }));
    const base = await commitFiles(repositoryName, 'main', spec.base, 'base');
    await branchAt(repositoryName, 'feature', base);
    let source = base;
    for (const [i, files] of (spec.source ?? []).entries()) source = await commitFiles(repositoryName, 'feature', files, `source ${i + 1}`);
    let destination = base;
    for (const [i, files] of (spec.destination ?? []).entries()) destination = await commitFiles(repositoryName, 'main', files, `destination ${i + 1}`);
    return { base, source, destination };
  }

  /** `conflict.txt` changed on line 2 by both sides: the simplest content conflict. */
  const CONFLICT = {
    base: lines(3),
    source: lines(3, { 2: 'source 2' }),
    destination: lines(3, { 2: 'destination 2' }),
  };

  /** `aws codecommit …` with only the credentials file's values, never a developer's profile. */
  async function awsCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const c = stack.credentials();
    const cli = process.env.CAIRN_TEST_AWS_CLI;
    if (!cli) throw new Error(`AWS CLI unavailable: ${process.env.CAIRN_TEST_AWS_CLI_UNAVAILABLE ?? 'not set up by the global setup'}`);
    try {
      const { stdout, stderr } = await execFileAsync(cli, ['codecommit', ...args, '--endpoint-url', c.endpoint, '--output', 'json'], {
        env: { PATH: process.env.PATH, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, AWS_DEFAULT_REGION: c.region },
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  describe('GetMergeOptions', () => {
    it('offers fast-forward only while the destination is an ancestor of the source, and names the three commits', async () => {
      const repositoryName = 'options';
      const c = await diverged(repositoryName, { base: { 'a.txt': 'a\n' }, source: [{ 'b.txt': 'b\n' }] });
      const options = (extra: Partial<GetMergeOptionsCommandInput> = {}) =>
        sdk.send(new GetMergeOptionsCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', ...extra }));

      const ff = await options();
      expect(sorted(ff.mergeOptions)).toEqual(ALL_OPTIONS);
      expect(ff.sourceCommitId).toBe(await tip(repositoryName, 'feature'));
      expect(ff.destinationCommitId).toBe(await tip(repositoryName, 'main'));
      expect(ff).toMatchObject({ sourceCommitId: c.source, destinationCommitId: c.base, baseCommitId: c.base });
      // Both detail levels agree when the sides touch different files.
      expect(sorted((await options({ conflictDetailLevel: 'FILE_LEVEL' })).mergeOptions)).toEqual(ALL_OPTIONS);
      expect(sorted((await options({ conflictDetailLevel: 'LINE_LEVEL' })).mergeOptions)).toEqual(ALL_OPTIONS);
      // Commit ids are specifiers too; a branch merged with itself can be fast-forwarded (nothing to do).
      expect(sorted((await options({ sourceCommitSpecifier: c.source, destinationCommitSpecifier: c.base })).mergeOptions)).toEqual(ALL_OPTIONS);
      expect(sorted((await options({ sourceCommitSpecifier: 'main' })).mergeOptions)).toEqual(ALL_OPTIONS);

      const destination = await commitFiles(repositoryName, 'main', { 'c.txt': 'c\n' });
      for (const conflictDetailLevel of ['FILE_LEVEL', 'LINE_LEVEL'] as const) {
        const out = await options({ conflictDetailLevel });
        expect(sorted(out.mergeOptions)).toEqual(MERGE_OPTIONS);
        expect(out).toMatchObject({ sourceCommitId: c.source, destinationCommitId: destination, baseCommitId: c.base });
        expect(out.destinationCommitId).toBe(await tip(repositoryName, 'main'));
      }
      // The other way round: main is not an ancestor of feature either.
      expect(sorted((await options({ sourceCommitSpecifier: 'main', destinationCommitSpecifier: 'feature' })).mergeOptions)).toEqual(MERGE_OPTIONS);
    });

    it('offers nothing for a conflict unless a strategy resolves it', async () => {
      const repositoryName = 'options-conflict';
      const c = await diverged(repositoryName, {
        base: { 'conflict.txt': CONFLICT.base, 'other.txt': 'o\n' },
        source: [{ 'conflict.txt': CONFLICT.source }],
        destination: [{ 'conflict.txt': CONFLICT.destination }],
      });
      const options = (extra: Partial<GetMergeOptionsCommandInput> = {}) =>
        sdk.send(new GetMergeOptionsCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', ...extra }));

      for (const conflictDetailLevel of ['FILE_LEVEL', 'LINE_LEVEL'] as const) {
        const out = await options({ conflictDetailLevel });
        expect(out.mergeOptions).toEqual([]);
        expect(out).toMatchObject({ sourceCommitId: c.source, destinationCommitId: c.destination, baseCommitId: c.base });
        expect((await options({ conflictDetailLevel, conflictResolutionStrategy: 'NONE' })).mergeOptions).toEqual([]);
        expect(sorted((await options({ conflictDetailLevel, conflictResolutionStrategy: 'ACCEPT_SOURCE' })).mergeOptions)).toEqual(MERGE_OPTIONS);
        expect(sorted((await options({ conflictDetailLevel, conflictResolutionStrategy: 'ACCEPT_DESTINATION' })).mergeOptions)).toEqual(MERGE_OPTIONS);
      }
      // AUTOMERGE is the line-level merge: overlapping changes still conflict.
      expect((await options({ conflictResolutionStrategy: 'AUTOMERGE' })).mergeOptions).toEqual([]);
    });

    it('merges unrelated histories against the empty tree, with no base commit', async () => {
      const repositoryName = 'unrelated';
      await sdk.send(new CreateRepositoryCommand({ repositoryName }));
      const main = await commitFiles(repositoryName, 'main', { 'main.txt': 'main\n' });
      const dir = join(work, 'unrelated-src');
      git(['init', '-q', '-b', 'orphan', dir]);
      writeFileSync(join(dir, 'orphan.txt'), 'orphan\n');
      git(['add', '.'], { cwd: dir });
      git(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'orphan root'], { cwd: dir });
      git(['push', '-q', stack.gitUrl(repositoryName), 'orphan'], { cwd: dir });
      const orphan = git(['rev-parse', 'HEAD'], { cwd: dir }).trim();

      const out = await sdk.send(new GetMergeOptionsCommand({ repositoryName, sourceCommitSpecifier: 'orphan', destinationCommitSpecifier: 'main', conflictDetailLevel: 'LINE_LEVEL' }));
      expect(sorted(out.mergeOptions)).toEqual(MERGE_OPTIONS);
      expect(out).toMatchObject({ sourceCommitId: orphan, destinationCommitId: main });
      expect(out.baseCommitId).toBeUndefined();

      const merged = await sdk.send(new MergeBranchesByThreeWayCommand({ repositoryName, sourceCommitSpecifier: 'orphan', destinationCommitSpecifier: 'main', conflictDetailLevel: 'LINE_LEVEL' }));
      expect((await getCommit(repositoryName, merged.commitId!)).parents).toEqual([main, orphan]);
      expect(await fileText(repositoryName, 'main', 'orphan.txt')).toBe('orphan\n');
      expect(await fileText(repositoryName, 'main', 'main.txt')).toBe('main\n');
    });

    it('refuses unknown commits and repositories and invalid knobs', async () => {
      const repositoryName = 'options-errors';
      await diverged(repositoryName, { base: { 'a.txt': 'a\n' }, source: [{ 'b.txt': 'b\n' }] });
      const options = (extra: Partial<GetMergeOptionsCommandInput>) =>
        sdk.send(new GetMergeOptionsCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', ...extra }));
      await rejects(options({ sourceCommitSpecifier: 'no-such-branch' }), 'CommitDoesNotExistException');
      await rejects(options({ destinationCommitSpecifier: 'f'.repeat(40) }), 'CommitDoesNotExistException');
      await rejects(options({ sourceCommitSpecifier: undefined }), 'CommitRequiredException');
      await rejects(options({ destinationCommitSpecifier: undefined }), 'CommitRequiredException');
      await rejects(options({ conflictDetailLevel: 'WORD_LEVEL' as ConflictDetailLevelTypeEnum }), 'InvalidConflictDetailLevelException');
      await rejects(options({ conflictResolutionStrategy: 'ACCEPT_BOTH' as ConflictResolutionStrategyTypeEnum }), 'InvalidConflictResolutionStrategyException');
      await rejects(options({ repositoryName: 'no-such-repository' }), 'RepositoryDoesNotExistException');
    });
  });

  /**
   * One repository with every kind of conflict, analysed without moving a branch. LINE_LEVEL
   * conflicts: conflict.txt, modify/delete both ways, one.txt, two.txt, gap.txt. FILE_LEVEL adds
   * apart.txt (both sides changed it, in lines far apart); same.txt was changed alike on both.
   */
  describe('conflict analysis', () => {
    const repositoryName = 'conflicts';
    let c: { base: string; source: string; destination: string };
    const LINE_CONFLICTS = ['conflict.txt', 'deleted-by-destination.txt', 'deleted-by-source.txt', 'gap.txt', 'one.txt', 'two.txt'];
    const base: Files = {
      'conflict.txt': CONFLICT.base,
      'deleted-by-source.txt': 'keep me\n',
      'deleted-by-destination.txt': 'keep me\n',
      'one.txt': lines(7),
      'two.txt': lines(12),
      'gap.txt': lines(7),
      'apart.txt': lines(10),
      'same.txt': 'before\n',
      'clean.txt': 'clean\n',
      'untouched.txt': 'untouched\n',
    };
    const source: Files = {
      'conflict.txt': CONFLICT.source,
      'deleted-by-source.txt': null,
      'deleted-by-destination.txt': 'changed by source\n',
      'one.txt': lines(7, { 4: 'source 4' }),
      'two.txt': lines(12, { 3: 'source 3', 6: 'source 6', 10: 'source 10' }),
      'gap.txt': lines(7, { 4: 'source 4' }),
      'apart.txt': lines(10, { 2: 'source 2' }),
      'same.txt': 'after\n',
      'clean.txt': 'clean, by source\n',
    };
    const destination: Files = {
      'conflict.txt': CONFLICT.destination,
      'deleted-by-source.txt': 'changed by destination\n',
      'deleted-by-destination.txt': null,
      'one.txt': lines(7, { 4: 'destination 4' }),
      'two.txt': lines(12, { 3: 'destination 3', 10: 'destination 10' }),
      'gap.txt': lines(7, { 4: null }),
      'apart.txt': lines(10, { 9: 'destination 9' }),
      'same.txt': 'after\n',
    };

    beforeAll(async () => {
      c = await diverged(repositoryName, { base, source: [source], destination: [destination] });
    }, 120_000);

    const conflicts = (extra: Partial<GetMergeConflictsCommandInput> = {}) =>
      sdk.send(
        new GetMergeConflictsCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', mergeOption: 'THREE_WAY_MERGE', conflictDetailLevel: 'LINE_LEVEL', ...extra }),
      );
    const describeFile = (filePath: string | undefined, extra: Partial<DescribeMergeConflictsCommandInput> = {}) =>
      sdk.send(
        new DescribeMergeConflictsCommand({
          repositoryName,
          sourceCommitSpecifier: 'feature',
          destinationCommitSpecifier: 'main',
          mergeOption: 'THREE_WAY_MERGE',
          conflictDetailLevel: 'LINE_LEVEL',
          filePath: filePath!,
          ...extra,
        }),
      );
    const batch = (extra: Partial<BatchDescribeMergeConflictsCommandInput> = {}) =>
      sdk.send(
        new BatchDescribeMergeConflictsCommand({
          repositoryName,
          sourceCommitSpecifier: 'feature',
          destinationCommitSpecifier: 'main',
          mergeOption: 'THREE_WAY_MERGE',
          conflictDetailLevel: 'LINE_LEVEL',
          ...extra,
        }),
      );

    it('GetMergeConflicts lists each conflicting file with its metadata', async () => {
      for (const mergeOption of ['THREE_WAY_MERGE', 'SQUASH_MERGE'] as const) {
        const out = await conflicts({ mergeOption });
        expect(out).toMatchObject({ mergeable: false, sourceCommitId: c.source, destinationCommitId: c.destination, baseCommitId: c.base });
        expect(out.nextToken).toBeUndefined();
        expect(paths(out.conflictMetadataList)).toEqual(LINE_CONFLICTS);
      }
      const list = (await conflicts()).conflictMetadataList!;
      const byPath = (p: string) => list.find((m) => m.filePath === p)!;

      const content = byPath('conflict.txt');
      expect(content).toMatchObject({
        filePath: 'conflict.txt',
        contentConflict: true,
        mergeOperations: { source: 'M', destination: 'M' },
        fileModes: { source: 'NORMAL', destination: 'NORMAL', base: 'NORMAL' },
        fileSizes: { source: Buffer.byteLength(CONFLICT.source), destination: Buffer.byteLength(CONFLICT.destination), base: Buffer.byteLength(CONFLICT.base) },
      });
      expect(content.numberOfConflicts).toBeGreaterThanOrEqual(1);
      expect(content.fileModeConflict ?? false).toBe(false);
      expect(content.objectTypeConflict ?? false).toBe(false);

      expect(byPath('deleted-by-source.txt').mergeOperations).toEqual({ source: 'D', destination: 'M' });
      expect(byPath('deleted-by-destination.txt').mergeOperations).toEqual({ source: 'M', destination: 'D' });
      expect(byPath('deleted-by-source.txt').numberOfConflicts).toBeGreaterThanOrEqual(1);
      expect(byPath('deleted-by-destination.txt').numberOfConflicts).toBeGreaterThanOrEqual(1);
      expect(byPath('two.txt')).toMatchObject({ contentConflict: true, numberOfConflicts: 2, mergeOperations: { source: 'M', destination: 'M' } });
    });

    it('GetMergeConflicts: FILE_LEVEL adds files both sides changed apart; a strategy makes it mergeable but still lists the conflicts', async () => {
      const fileLevel = await conflicts({ conflictDetailLevel: 'FILE_LEVEL' });
      expect(fileLevel.mergeable).toBe(false);
      expect(paths(fileLevel.conflictMetadataList)).toEqual(sorted([...LINE_CONFLICTS, 'apart.txt']));
      expect(paths((await conflicts()).conflictMetadataList)).not.toContain('apart.txt');

      for (const conflictResolutionStrategy of ['ACCEPT_SOURCE', 'ACCEPT_DESTINATION'] as const) {
        const out = await conflicts({ conflictResolutionStrategy });
        expect(out.mergeable).toBe(true);
        expect(paths(out.conflictMetadataList)).toEqual(LINE_CONFLICTS);
      }
      expect((await conflicts({ conflictResolutionStrategy: 'AUTOMERGE' })).mergeable).toBe(false);
    });

    it('GetMergeConflicts with FAST_FORWARD_MERGE: not mergeable between diverged commits, and never a conflict list', async () => {
      // CodeCommit: "If the specified merge strategy is FAST_FORWARD_MERGE, this list is always empty."
      for (const conflictDetailLevel of ['FILE_LEVEL', 'LINE_LEVEL'] as const) {
        const ff = await conflicts({ mergeOption: 'FAST_FORWARD_MERGE', conflictDetailLevel });
        expect(ff).toMatchObject({ mergeable: false, sourceCommitId: c.source, destinationCommitId: c.destination, baseCommitId: c.base });
        expect(ff.conflictMetadataList).toEqual([]);
      }
    });

    it('GetMergeConflicts pages with maxConflictFiles and nextToken, each file exactly once', async () => {
      for (const maxConflictFiles of [1, 4]) {
        const seen: string[] = [];
        let nextToken: string | undefined;
        let pages = 0;
        do {
          const page = await conflicts({ maxConflictFiles, nextToken });
          expect(page.conflictMetadataList!.length).toBeLessThanOrEqual(maxConflictFiles);
          expect(page.mergeable).toBe(false);
          seen.push(...page.conflictMetadataList!.map((m) => m.filePath!));
          nextToken = page.nextToken;
          pages += 1;
        } while (nextToken && pages < 20);
        expect(pages).toBe(Math.ceil(LINE_CONFLICTS.length / maxConflictFiles));
        expect(seen).toHaveLength(LINE_CONFLICTS.length);
        expect(sorted(seen)).toEqual(LINE_CONFLICTS);
      }
    });

    it('GetMergeConflicts refuses invalid requests with the modelled errors', async () => {
      await rejects(conflicts({ mergeOption: 'OCTOPUS_MERGE' as MergeOptionTypeEnum }), 'InvalidMergeOptionException');
      await rejects(conflicts({ mergeOption: undefined }), 'MergeOptionRequiredException');
      await rejects(conflicts({ conflictDetailLevel: 'WORD_LEVEL' as ConflictDetailLevelTypeEnum }), 'InvalidConflictDetailLevelException');
      await rejects(conflicts({ conflictResolutionStrategy: 'ACCEPT_BOTH' as ConflictResolutionStrategyTypeEnum }), 'InvalidConflictResolutionStrategyException');
      await rejects(conflicts({ maxConflictFiles: 0 }), 'InvalidMaxConflictFilesException');
      await rejects(conflicts({ maxConflictFiles: -1 }), 'InvalidMaxConflictFilesException');
      await rejects(conflicts({ sourceCommitSpecifier: 'no-such-branch' }), 'CommitDoesNotExistException');
      await rejects(conflicts({ destinationCommitSpecifier: 'e'.repeat(40) }), 'CommitDoesNotExistException');
      await rejects(conflicts({ sourceCommitSpecifier: undefined }), 'CommitRequiredException');
      await rejects(conflicts({ destinationCommitSpecifier: undefined }), 'CommitRequiredException');
      await rejects(conflicts({ nextToken: 'bogus' }), 'InvalidContinuationTokenException');
      await rejects(conflicts({ repositoryName: 'no-such-repository' }), 'RepositoryDoesNotExistException');
    });

    it('DescribeMergeConflicts shows the conflicting hunk of each side, 1-based with an inclusive end', async () => {
      const out = await describeFile('one.txt');
      expect(out).toMatchObject({ sourceCommitId: c.source, destinationCommitId: c.destination, baseCommitId: c.base });
      expect(out.conflictMetadata).toMatchObject({ filePath: 'one.txt', contentConflict: true, numberOfConflicts: 1, mergeOperations: { source: 'M', destination: 'M' } });
      expect(out.nextToken).toBeUndefined();
      // The only change on either side is line 4: one hunk, and it conflicts.
      expect(out.mergeHunks).toHaveLength(1);
      const hunk = out.mergeHunks![0];
      expect(hunk.isConflict).toBe(true);
      expect(hunk.base).toMatchObject({ startLine: 4, endLine: 4 });
      expect(hunk.source).toMatchObject({ startLine: 4, endLine: 4 });
      expect(hunk.destination).toMatchObject({ startLine: 4, endLine: 4 });
      expect(text(hunk.base!.hunkContent)).toBe('l4');
      expect(text(hunk.source!.hunkContent)).toBe('source 4');
      expect(text(hunk.destination!.hunkContent)).toBe('destination 4');

      // The destination deleted line 4 that the source changed: its side has no lines.
      const gap = (await describeFile('gap.txt')).mergeHunks!.filter((h) => h.isConflict);
      expect(gap).toHaveLength(1);
      expect(gap[0].source).toMatchObject({ startLine: 4, endLine: 4 });
      expect(text(gap[0].source!.hunkContent)).toBe('source 4');
      expect(gap[0].destination).toMatchObject({ startLine: 4, endLine: 3 });
      expect(gap[0].destination!.hunkContent ?? '').toBe('');
      expect(text(gap[0].base!.hunkContent)).toBe('l4');
    });

    it('DescribeMergeConflicts includes non-conflicting changes in base order, and pages with maxMergeHunks', async () => {
      const all = await describeFile('two.txt');
      expect(all.conflictMetadata).toMatchObject({ filePath: 'two.txt', numberOfConflicts: 2, contentConflict: true });
      const summary = (hunks: MergeHunk[]) => hunks.map((h) => [h.base!.startLine, !!h.isConflict, text(h.source!.hunkContent)]);
      expect(summary(all.mergeHunks!)).toEqual([
        [3, true, 'source 3'],
        [6, false, 'source 6'],
        [10, true, 'source 10'],
      ]);
      expect(all.mergeHunks!.filter((h) => h.isConflict).map((h) => text(h.destination!.hunkContent))).toEqual(['destination 3', 'destination 10']);

      const paged: MergeHunk[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await describeFile('two.txt', { maxMergeHunks: 1, nextToken });
        expect(page.mergeHunks!.length).toBeLessThanOrEqual(1);
        expect(page.conflictMetadata!.filePath).toBe('two.txt');
        paged.push(...page.mergeHunks!);
        nextToken = page.nextToken;
        pages += 1;
      } while (nextToken && pages < 10);
      expect(pages).toBe(3);
      expect(paged).toEqual(all.mergeHunks);
    });

    it('DescribeMergeConflicts answers for any existing path, and refuses missing paths and bad limits', async () => {
      // Changed only by the source, or by neither: metadata with no conflict.
      const clean = await describeFile('clean.txt');
      expect(clean.conflictMetadata).toMatchObject({ filePath: 'clean.txt', numberOfConflicts: 0 });
      expect(clean.conflictMetadata!.contentConflict ?? false).toBe(false);
      expect(clean.mergeHunks!.filter((h) => h.isConflict)).toEqual([]);
      const untouched = await describeFile('untouched.txt');
      expect(untouched.conflictMetadata).toMatchObject({ filePath: 'untouched.txt', numberOfConflicts: 0 });
      expect(untouched.mergeHunks).toEqual([]);
      // Deleted on one side only still exists in the others.
      expect((await describeFile('deleted-by-source.txt')).conflictMetadata).toMatchObject({ filePath: 'deleted-by-source.txt', mergeOperations: { source: 'D', destination: 'M' } });
      expect((await describeFile('deleted-by-source.txt')).conflictMetadata!.numberOfConflicts).toBeGreaterThanOrEqual(1);

      await rejects(describeFile('nowhere.txt'), 'FileDoesNotExistException');
      await rejects(describeFile(undefined), 'PathRequiredException');
      await rejects(describeFile('one.txt', { maxMergeHunks: 0 }), 'InvalidMaxMergeHunksException');
      await rejects(describeFile('one.txt', { maxMergeHunks: -3 }), 'InvalidMaxMergeHunksException');
      await rejects(describeFile('one.txt', { mergeOption: undefined }), 'MergeOptionRequiredException');
      await rejects(describeFile('one.txt', { nextToken: 'bogus' }), 'InvalidContinuationTokenException');
      await rejects(describeFile('one.txt', { sourceCommitSpecifier: 'no-such-branch' }), 'CommitDoesNotExistException');
      await rejects(describeFile('one.txt', { repositoryName: 'no-such-repository' }), 'RepositoryDoesNotExistException');
    });

    it('DescribeMergeConflicts refuses FAST_FORWARD_MERGE', async () => {
      // CodeCommit: "If the merge option for the attempted merge is specified as FAST_FORWARD_MERGE, an exception is thrown."
      await rejects(describeFile('one.txt', { mergeOption: 'FAST_FORWARD_MERGE' }), 'InvalidMergeOptionException');
    });

    it('BatchDescribeMergeConflicts describes every conflicting file, or those asked for, and pages', async () => {
      const all = await batch();
      expect(all).toMatchObject({ sourceCommitId: c.source, destinationCommitId: c.destination, baseCommitId: c.base });
      expect(all.nextToken).toBeUndefined();
      expect(all.errors ?? []).toEqual([]);
      expect(sorted(all.conflicts!.map((x) => x.conflictMetadata!.filePath!))).toEqual(LINE_CONFLICTS);
      const one = all.conflicts!.find((x) => x.conflictMetadata!.filePath === 'one.txt')!;
      expect(one.conflictMetadata).toMatchObject({ contentConflict: true, numberOfConflicts: 1 });
      expect(one.mergeHunks).toEqual((await describeFile('one.txt')).mergeHunks);
      for (const x of all.conflicts!.filter((y) => y.conflictMetadata!.contentConflict)) expect(x.mergeHunks!.some((h) => h.isConflict)).toBe(true);

      const fileLevel = await batch({ conflictDetailLevel: 'FILE_LEVEL' });
      expect(sorted(fileLevel.conflicts!.map((x) => x.conflictMetadata!.filePath!))).toEqual(sorted([...LINE_CONFLICTS, 'apart.txt']));

      const filtered = await batch({ filePaths: ['two.txt', 'conflict.txt'] });
      expect(sorted(filtered.conflicts!.map((x) => x.conflictMetadata!.filePath!))).toEqual(['conflict.txt', 'two.txt']);
      expect(filtered.conflicts!.find((x) => x.conflictMetadata!.filePath === 'two.txt')!.mergeHunks!.filter((h) => h.isConflict)).toHaveLength(2);

      const seen: string[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await batch({ maxConflictFiles: 2, nextToken });
        expect(page.conflicts!.length).toBeLessThanOrEqual(2);
        seen.push(...page.conflicts!.map((x) => x.conflictMetadata!.filePath!));
        nextToken = page.nextToken;
        pages += 1;
      } while (nextToken && pages < 20);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(LINE_CONFLICTS.length);
      expect(sorted(seen)).toEqual(LINE_CONFLICTS);

      await rejects(batch({ maxConflictFiles: 0 }), 'InvalidMaxConflictFilesException');
      await rejects(batch({ maxMergeHunks: 0 }), 'InvalidMaxMergeHunksException');
      await rejects(batch({ mergeOption: undefined }), 'MergeOptionRequiredException');
      await rejects(batch({ mergeOption: 'OCTOPUS_MERGE' as MergeOptionTypeEnum }), 'InvalidMergeOptionException');
      await rejects(batch({ nextToken: 'bogus' }), 'InvalidContinuationTokenException');
      await rejects(batch({ destinationCommitSpecifier: 'no-such-branch' }), 'CommitDoesNotExistException');
    });

    it('BatchDescribeMergeConflicts reports a requested path that exists nowhere in errors, not by silence', async () => {
      // DescribeMergeConflicts refuses such a path with FileDoesNotExistException; the batch has a per-file errors list for it.
      const missing = await batch({ filePaths: ['one.txt', 'nowhere.txt'] });
      expect(missing.conflicts!.map((x) => x.conflictMetadata!.filePath)).toEqual(['one.txt']);
      expect(missing.errors).toEqual([expect.objectContaining({ filePath: 'nowhere.txt', exceptionName: 'FileDoesNotExistException' })]);
    });

    it('CreateUnreferencedMergeCommit refuses the conflict with NONE and applies ACCEPT_SOURCE, moving no branch', async () => {
      const create = (extra: Partial<CreateUnreferencedMergeCommitCommandInput>) =>
        sdk.send(
          new CreateUnreferencedMergeCommitCommand({
            repositoryName,
            sourceCommitSpecifier: 'feature',
            destinationCommitSpecifier: 'main',
            mergeOption: 'THREE_WAY_MERGE',
            conflictDetailLevel: 'LINE_LEVEL',
            ...extra,
          }),
        );
      await rejects(create({}), 'ManualMergeRequiredException');
      await rejects(create({ conflictResolutionStrategy: 'NONE' }), 'ManualMergeRequiredException');
      const out = await create({ conflictResolutionStrategy: 'ACCEPT_SOURCE' });
      expect(await fileText(repositoryName, out.commitId!, 'conflict.txt')).toBe(CONFLICT.source);
      expect(await fileText(repositoryName, out.commitId!, 'one.txt')).toBe(source['one.txt']);
      await rejects(sdk.send(new GetFileCommand({ repositoryName, commitSpecifier: out.commitId!, filePath: 'deleted-by-source.txt' })), 'FileDoesNotExistException');
      expect(await fileText(repositoryName, out.commitId!, 'deleted-by-destination.txt')).toBe('changed by source\n');
      // Non-conflicting changes of both sides are merged as usual.
      expect(await fileText(repositoryName, out.commitId!, 'apart.txt')).toBe(lines(10, { 2: 'source 2', 9: 'destination 9' }));
      expect(await fileText(repositoryName, out.commitId!, 'clean.txt')).toBe('clean, by source\n');
      expect(await fileText(repositoryName, out.commitId!, 'same.txt')).toBe('after\n');
      // At FILE_LEVEL apart.txt is a conflict too, so the strategy takes the source's whole file.
      const fileLevel = await create({ conflictResolutionStrategy: 'ACCEPT_SOURCE', conflictDetailLevel: 'FILE_LEVEL' });
      expect(await fileText(repositoryName, fileLevel.commitId!, 'apart.txt')).toBe(source['apart.txt']);
      expect(await fileText(repositoryName, fileLevel.commitId!, 'conflict.txt')).toBe(CONFLICT.source);
      expect(await tip(repositoryName, 'main')).toBe(c.destination);
      expect(await tip(repositoryName, 'feature')).toBe(c.source);
    });
  });

  describe('conflicts that are not about lines', () => {
    it('reports add/add and binary conflicts, and resolves them by strategy', async () => {
      const repositoryName = 'odd-conflicts';
      await sdk.send(new CreateRepositoryCommand({ repositoryName }));
      const base = (
        await sdk.send(new PutFileCommand({ repositoryName, branchName: 'main', filePath: 'bin.dat', fileContent: Buffer.from([0, 1, 2, 0, 255]) }))
      ).commitId!;
      await branchAt(repositoryName, 'feature', base);
      await commitFiles(repositoryName, 'feature', { 'added.txt': 'added by source\n' });
      const source = (
        await sdk.send(new PutFileCommand({ repositoryName, branchName: 'feature', filePath: 'bin.dat', fileContent: Buffer.from([0, 1, 3, 0, 255, 7]), parentCommitId: await tip(repositoryName, 'feature') }))
      ).commitId!;
      await commitFiles(repositoryName, 'main', { 'added.txt': 'added by destination\n' });
      const destination = (
        await sdk.send(new PutFileCommand({ repositoryName, branchName: 'main', filePath: 'bin.dat', fileContent: Buffer.from([0, 1, 4, 0, 255]), parentCommitId: await tip(repositoryName) }))
      ).commitId!;
      const input = { repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', mergeOption: 'THREE_WAY_MERGE', conflictDetailLevel: 'LINE_LEVEL' } as const;

      const out = await sdk.send(new GetMergeConflictsCommand(input));
      expect(out).toMatchObject({ mergeable: false, sourceCommitId: source, destinationCommitId: destination, baseCommitId: base });
      expect(paths(out.conflictMetadataList)).toEqual(['added.txt', 'bin.dat']);
      const added = out.conflictMetadataList!.find((m) => m.filePath === 'added.txt')!;
      expect(added).toMatchObject({ contentConflict: true, mergeOperations: { source: 'A', destination: 'A' }, fileSizes: { source: 16, destination: 21 } });
      expect(added.fileSizes!.base).toBeUndefined();
      expect(added.numberOfConflicts).toBeGreaterThanOrEqual(1);
      const binary = out.conflictMetadataList!.find((m) => m.filePath === 'bin.dat')!;
      expect(binary).toMatchObject({ isBinaryFile: { source: true, destination: true, base: true }, mergeOperations: { source: 'M', destination: 'M' }, fileSizes: { source: 6, destination: 5, base: 5 } });
      expect(binary.numberOfConflicts).toBeGreaterThanOrEqual(1);

      const described = await sdk.send(new DescribeMergeConflictsCommand({ ...input, filePath: 'bin.dat' }));
      expect(described.conflictMetadata).toMatchObject({ filePath: 'bin.dat', isBinaryFile: { source: true, destination: true, base: true } });
      expect(described.conflictMetadata!.numberOfConflicts).toBeGreaterThanOrEqual(1);

      const resolved = await sdk.send(new CreateUnreferencedMergeCommitCommand({ ...input, conflictResolutionStrategy: 'ACCEPT_DESTINATION' }));
      expect(Buffer.from((await sdk.send(new GetFileCommand({ repositoryName, commitSpecifier: resolved.commitId!, filePath: 'bin.dat' }))).fileContent!)).toEqual(Buffer.from([0, 1, 4, 0, 255]));
      expect(await fileText(repositoryName, resolved.commitId!, 'added.txt')).toBe('added by destination\n');
      expect(await tip(repositoryName)).toBe(destination);
    });

    it('keeps a folder that a conflict resolution empties only when keepEmptyFolders is set', async () => {
      const repositoryName = 'resolution-empty-folders';
      const c = await diverged(repositoryName, {
        base: { 'folder/conflict.txt': CONFLICT.base, 'top.txt': 'top\n' },
        source: [{ 'folder/conflict.txt': CONFLICT.source }],
        destination: [{ 'folder/conflict.txt': CONFLICT.destination }],
      });
      const deleteIt = { deleteFiles: [{ filePath: 'folder/conflict.txt' }] };
      await branchAt(repositoryName, 'keep', c.destination);
      const kept = await sdk.send(
        new MergeBranchesBySquashCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'keep', keepEmptyFolders: true, conflictResolution: deleteIt }),
      );
      expect(await fileText(repositoryName, kept.commitId!, 'folder/.gitkeep')).toBe('');
      await rejects(sdk.send(new GetFileCommand({ repositoryName, commitSpecifier: kept.commitId!, filePath: 'folder/conflict.txt' })), 'FileDoesNotExistException');

      const dropped = await sdk.send(new MergeBranchesByThreeWayCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', conflictResolution: deleteIt }));
      expect(await tip(repositoryName)).toBe(dropped.commitId);
      expect(git(['ls-tree', '-r', '--name-only', 'HEAD'], { cwd: clone(repositoryName) }).trim().split('\n')).toEqual(['top.txt']);
    });

    it('keeps a folder that the merged deletions empty only when keepEmptyFolders is set', async () => {
      // CodeCommit: "If the commit contains deletions, whether to keep a folder or folder structure if the
      // changes leave the folders empty." The source's deletion is one of the merge commit's changes.
      const repositoryName = 'merge-empty-folders';
      const c = await diverged(repositoryName, {
        base: { 'folder/only.txt': 'only\n', 'top.txt': 'top\n' },
        source: [{ 'folder/only.txt': null }],
        destination: [{ 'top.txt': 'top, by destination\n' }],
      });
      await branchAt(repositoryName, 'keep', c.destination);
      const kept = await sdk.send(new MergeBranchesBySquashCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'keep', keepEmptyFolders: true }));
      await rejects(sdk.send(new GetFileCommand({ repositoryName, commitSpecifier: kept.commitId!, filePath: 'folder/only.txt' })), 'FileDoesNotExistException');
      expect(await fileText(repositoryName, kept.commitId!, 'folder/.gitkeep')).toBe('');

      const dropped = await sdk.send(new MergeBranchesByThreeWayCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main' }));
      expect(await tip(repositoryName)).toBe(dropped.commitId);
      expect(git(['ls-tree', '-r', '--name-only', 'HEAD'], { cwd: clone(repositoryName) }).trim().split('\n')).toEqual(['top.txt']);
    });
  });

  describe('GetMergeConflicts detail levels', () => {
    it('a file changed apart on both sides conflicts only at FILE_LEVEL (and not with AUTOMERGE)', async () => {
      const repositoryName = 'detail-levels';
      await diverged(repositoryName, {
        base: { 'apart.txt': lines(10), 'same.txt': 'before\n' },
        source: [{ 'apart.txt': lines(10, { 2: 'source 2' }), 'same.txt': 'after\n' }],
        destination: [{ 'apart.txt': lines(10, { 9: 'destination 9' }), 'same.txt': 'after\n' }],
      });
      const input = { repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', mergeOption: 'SQUASH_MERGE' } as const;

      const lineLevel = await sdk.send(new GetMergeConflictsCommand({ ...input, conflictDetailLevel: 'LINE_LEVEL' }));
      expect(lineLevel).toMatchObject({ mergeable: true, conflictMetadataList: [] });
      const fileLevel = await sdk.send(new GetMergeConflictsCommand({ ...input, conflictDetailLevel: 'FILE_LEVEL' }));
      expect(fileLevel.mergeable).toBe(false);
      // same.txt got the same content on both sides: not a conflict even at FILE_LEVEL.
      expect(paths(fileLevel.conflictMetadataList)).toEqual(['apart.txt']);
      expect(fileLevel.conflictMetadataList![0]).toMatchObject({ mergeOperations: { source: 'M', destination: 'M' } });
      const automerge = await sdk.send(new GetMergeConflictsCommand({ ...input, conflictDetailLevel: 'FILE_LEVEL', conflictResolutionStrategy: 'AUTOMERGE' }));
      expect(automerge).toMatchObject({ mergeable: true, conflictMetadataList: [] });

      const options = (conflictDetailLevel: ConflictDetailLevelTypeEnum) =>
        sdk.send(new GetMergeOptionsCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', conflictDetailLevel }));
      expect((await options('FILE_LEVEL')).mergeOptions).toEqual([]);
      expect(sorted((await options('LINE_LEVEL')).mergeOptions)).toEqual(MERGE_OPTIONS);

      // The merges follow the same analysis.
      const before = await tip(repositoryName);
      await rejects(
        sdk.send(new MergeBranchesBySquashCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', conflictDetailLevel: 'FILE_LEVEL' })),
        'ManualMergeRequiredException',
      );
      expect(await tip(repositoryName)).toBe(before);
      const squashed = await sdk.send(new MergeBranchesBySquashCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', conflictDetailLevel: 'LINE_LEVEL' }));
      expect(await fileText(repositoryName, squashed.commitId!, 'apart.txt')).toBe(lines(10, { 2: 'source 2', 9: 'destination 9' }));
      expect(await fileText(repositoryName, squashed.commitId!, 'same.txt')).toBe('after\n');
    });
  });

  describe('MergeBranchesByFastForward', () => {
    it('moves the destination branch to the source commit, for the API and for git', async () => {
      const repositoryName = 'fast-forward';
      const c = await diverged(repositoryName, { base: { 'a.txt': 'a\n' }, source: [{ 'b.txt': 'b\n' }, { 'c.txt': 'c\n' }] });
      const dir = clone(repositoryName);
      expect(git(['rev-parse', 'origin/main'], { cwd: dir }).trim()).toBe(c.base);

      const out = await sdk.send(new MergeBranchesByFastForwardCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main' }));
      expect(out.commitId).toBe(c.source);
      expect(out.treeId).toBe((await getCommit(repositoryName, c.source)).treeId);
      expect(await tip(repositoryName, 'main')).toBe(c.source);
      expect(await tip(repositoryName, 'feature')).toBe(c.source);
      expect(git(['ls-remote', stack.gitUrl(repositoryName), 'refs/heads/main'])).toContain(c.source);
      git(['fetch', '-q', 'origin'], { cwd: dir });
      expect(git(['rev-parse', 'origin/main'], { cwd: dir }).trim()).toBe(c.source);
      expect(git(['rev-list', '--count', 'origin/main'], { cwd: dir }).trim()).toBe('3');

      // Already there: nothing to do, the same commit.
      expect((await sdk.send(new MergeBranchesByFastForwardCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main' }))).commitId).toBe(c.source);
      expect(await tip(repositoryName, 'main')).toBe(c.source);

      // A fast-forward merge leaves no merge commit to report.
      const merged = await sdk.send(new GetMergeCommitCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main' }));
      expect(merged).toMatchObject({ sourceCommitId: c.source, destinationCommitId: c.source, baseCommitId: c.source });
      expect(merged.mergedCommitId).toBeUndefined();
    });

    it('moves targetBranch when given, also for a destination given as a commit id', async () => {
      const repositoryName = 'fast-forward-target';
      const c = await diverged(repositoryName, { base: { 'a.txt': 'a\n' }, source: [{ 'b.txt': 'b\n' }] });
      await branchAt(repositoryName, 'release', c.base);
      await branchAt(repositoryName, 'hotfix', c.base);
      const out = await sdk.send(new MergeBranchesByFastForwardCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', targetBranch: 'release' }));
      expect(out.commitId).toBe(c.source);
      expect(await tip(repositoryName, 'release')).toBe(c.source);
      expect(await tip(repositoryName, 'main')).toBe(c.base);

      await sdk.send(new MergeBranchesByFastForwardCommand({ repositoryName, sourceCommitSpecifier: c.source, destinationCommitSpecifier: c.base, targetBranch: 'hotfix' }));
      expect(await tip(repositoryName, 'hotfix')).toBe(c.source);
      // A commit id destination and no target: nothing to move.
      await rejects(sdk.send(new MergeBranchesByFastForwardCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: c.base })), 'InvalidTargetBranchException');
      expect(await tip(repositoryName, 'main')).toBe(c.base);
    });

    it('refuses diverged branches and bad targets, moving nothing', async () => {
      const repositoryName = 'fast-forward-refusals';
      const c = await diverged(repositoryName, { base: { 'a.txt': 'a\n' }, source: [{ 'b.txt': 'b\n' }], destination: [{ 'c.txt': 'c\n' }] });
      const dir = clone(repositoryName);
      git(['tag', 'v1', 'origin/main'], { cwd: dir });
      git(['push', '-q', 'origin', 'v1'], { cwd: dir });
      await branchAt(repositoryName, 'at-base', c.base);
      const ff = (extra: Partial<MergeBranchesByFastForwardCommandInput>) =>
        sdk.send(new MergeBranchesByFastForwardCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', ...extra }));

      await rejects(ff({}), 'ManualMergeRequiredException');
      await rejects(ff({ targetBranch: 'no-such-branch', destinationCommitSpecifier: 'at-base' }), 'BranchDoesNotExistException');
      await rejects(ff({ targetBranch: 'v1', destinationCommitSpecifier: 'at-base' }), 'BranchNameIsTagNameException');
      await expect(ff({ targetBranch: 'bad..name', destinationCommitSpecifier: 'at-base' })).rejects.toMatchObject({
        name: expect.stringMatching(/^(InvalidBranchNameException|InvalidTargetBranchException)$/),
      });
      await rejects(ff({ sourceCommitSpecifier: 'no-such-branch' }), 'CommitDoesNotExistException');
      await rejects(ff({ sourceCommitSpecifier: undefined }), 'CommitRequiredException');
      await rejects(ff({ repositoryName: 'no-such-repository' }), 'RepositoryDoesNotExistException');
      expect(await tip(repositoryName, 'main')).toBe(c.destination);
      expect(await tip(repositoryName, 'at-base')).toBe(c.base);
      expect(git(['ls-remote', stack.gitUrl(repositoryName), 'refs/tags/v1'])).toContain(c.destination);
    });
  });

  describe('MergeBranchesBySquash', () => {
    it('makes one commit on the destination tip with both sides, and the author and message asked for', async () => {
      const repositoryName = 'squash';
      const c = await diverged(repositoryName, {
        base: { 'a.txt': 'a\n', 'b.txt': 'b\n', 'gone.txt': 'gone\n' },
        source: [{ 'a.txt': 'a, by source\n' }, { 'dir/s.txt': 'new from source\n', 'gone.txt': null }],
        destination: [{ 'b.txt': 'b, by destination\n' }],
      });
      const out = await sdk.send(
        new MergeBranchesBySquashCommand({
          repositoryName,
          sourceCommitSpecifier: 'feature',
          destinationCommitSpecifier: 'main',
          authorName: 'Squasher',
          email: 'squasher@example.com',
          commitMessage: 'squash the feature',
        }),
      );
      expect(out.commitId).toMatch(/^[0-9a-f]{40}$/);
      expect(await tip(repositoryName, 'main')).toBe(out.commitId);
      expect(await tip(repositoryName, 'feature')).toBe(c.source);
      const commit = await getCommit(repositoryName, out.commitId!);
      expect(commit.parents).toEqual([c.destination]);
      expect(commit.treeId).toBe(out.treeId);
      expect(commit.message).toMatch(/^squash the feature\n?$/);
      expect(commit.author).toMatchObject({ name: 'Squasher', email: 'squasher@example.com' });
      expect(await fileText(repositoryName, 'main', 'a.txt')).toBe('a, by source\n');
      expect(await fileText(repositoryName, 'main', 'b.txt')).toBe('b, by destination\n');
      expect(await fileText(repositoryName, 'main', 'dir/s.txt')).toBe('new from source\n');
      await rejects(sdk.send(new GetFileCommand({ repositoryName, commitSpecifier: 'main', filePath: 'gone.txt' })), 'FileDoesNotExistException');

      const dir = clone(repositoryName);
      expect(git(['rev-list', '--parents', '-n', '1', 'HEAD'], { cwd: dir }).trim()).toBe(`${out.commitId} ${c.destination}`);
      expect(git(['log', '-1', '--format=%an <%ae>', 'HEAD'], { cwd: dir }).trim()).toBe('Squasher <squasher@example.com>');
      git(['fsck', '--strict'], { cwd: dir });

      // A squash is not a merge: GetMergeCommit finds no merge commit for the source.
      expect((await sdk.send(new GetMergeCommitCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main' }))).mergedCommitId).toBeUndefined();
    });

    it('resolves conflicts by strategy or by explicit resolutions, and refuses the rest without moving the branch', async () => {
      const repositoryName = 'squash-conflict';
      const c = await diverged(repositoryName, {
        base: { 'conflict.txt': CONFLICT.base, 'other.txt': 'other\n' },
        source: [{ 'conflict.txt': CONFLICT.source, 'from-source.txt': 'from source\n' }],
        destination: [{ 'conflict.txt': CONFLICT.destination }],
      });
      const squash = (destination: string, extra: Partial<MergeBranchesBySquashCommandInput> = {}) =>
        sdk.send(new MergeBranchesBySquashCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: destination, conflictDetailLevel: 'LINE_LEVEL', ...extra }));
      const resolve = (conflictResolution: ConflictResolution) => squash('main', { conflictResolution });

      await rejects(squash('main'), 'ManualMergeRequiredException');
      await rejects(squash('main', { conflictResolutionStrategy: 'NONE' }), 'ManualMergeRequiredException');
      await rejects(
        resolve({
          replaceContents: [
            { filePath: 'conflict.txt', replacementType: 'KEEP_SOURCE' },
            { filePath: 'conflict.txt', replacementType: 'KEEP_DESTINATION' },
          ],
        }),
        'MultipleConflictResolutionEntriesException',
      );
      await rejects(resolve({ replaceContents: [{ filePath: 'conflict.txt', replacementType: 'USE_NEW_CONTENT' }] }), 'ReplacementContentRequiredException');
      await rejects(resolve({ replaceContents: [{ filePath: 'conflict.txt', replacementType: 'KEEP_SOURCE', content: Buffer.from('x') }] }), 'InvalidReplacementContentException');
      await rejects(resolve({ replaceContents: [{ filePath: 'conflict.txt', replacementType: 'KEEP_BOTH' as ReplacementTypeEnum }] }), 'InvalidReplacementTypeException');
      await rejects(resolve({ replaceContents: [{ filePath: 'conflict.txt', replacementType: undefined }] }), 'ReplacementTypeRequiredException');
      await rejects(resolve({ replaceContents: [{ filePath: 'other.txt', replacementType: 'KEEP_SOURCE' }] }), 'InvalidConflictResolutionException');
      await rejects(resolve({ deleteFiles: [{ filePath: 'other.txt' }] }), 'InvalidConflictResolutionException');
      await rejects(resolve({ replaceContents: [{ filePath: '', replacementType: 'KEEP_SOURCE' }] }), 'PathRequiredException');
      await rejects(resolve({ setFileModes: [{ filePath: 'conflict.txt', fileMode: 'WEIRD' as never }] }), 'InvalidFileModeException');
      await rejects(resolve({ setFileModes: [{ filePath: 'conflict.txt', fileMode: undefined }] }), 'FileModeRequiredException');
      await rejects(
        resolve({ replaceContents: Array.from({ length: 101 }, (_, i) => ({ filePath: `f${i}.txt`, replacementType: 'KEEP_SOURCE' as const })) }),
        'MaximumConflictResolutionEntriesExceededException',
      );
      await rejects(squash('main', { conflictResolutionStrategy: 'ACCEPT_SOURCE', email: 'not an email' }), 'InvalidEmailException');
      await rejects(squash('main', { conflictResolutionStrategy: 'ACCEPT_BOTH' as ConflictResolutionStrategyTypeEnum }), 'InvalidConflictResolutionStrategyException');
      expect(await tip(repositoryName, 'main')).toBe(c.destination);

      // Each resolution merges into its own copy of main.
      const cases: Array<[string, Partial<MergeBranchesBySquashCommandInput>, string | null, string?]> = [
        ['accept-source', { conflictResolutionStrategy: 'ACCEPT_SOURCE' }, CONFLICT.source],
        ['accept-destination', { conflictResolutionStrategy: 'ACCEPT_DESTINATION' }, CONFLICT.destination],
        ['new-content', { conflictResolution: { replaceContents: [{ filePath: 'conflict.txt', replacementType: 'USE_NEW_CONTENT', content: Buffer.from('resolved\n') }] } }, 'resolved\n'],
        [
          'new-executable',
          { conflictResolution: { replaceContents: [{ filePath: 'conflict.txt', replacementType: 'USE_NEW_CONTENT', content: Buffer.from('#!/bin/sh\n'), fileMode: 'EXECUTABLE' }] } },
          '#!/bin/sh\n',
          'EXECUTABLE',
        ],
        ['empty-content', { conflictResolution: { replaceContents: [{ filePath: 'conflict.txt', replacementType: 'USE_NEW_CONTENT', content: new Uint8Array(0) }] } }, ''],
        ['keep-destination', { conflictResolution: { replaceContents: [{ filePath: 'conflict.txt', replacementType: 'KEEP_DESTINATION' }] } }, CONFLICT.destination],
        ['keep-source', { conflictResolution: { replaceContents: [{ filePath: 'conflict.txt', replacementType: 'KEEP_SOURCE' }] } }, CONFLICT.source],
        ['keep-base', { conflictResolution: { replaceContents: [{ filePath: 'conflict.txt', replacementType: 'KEEP_BASE' }] } }, CONFLICT.base],
        ['delete', { conflictResolution: { deleteFiles: [{ filePath: 'conflict.txt' }] } }, null],
        ['set-mode', { conflictResolutionStrategy: 'ACCEPT_SOURCE', conflictResolution: { setFileModes: [{ filePath: 'conflict.txt', fileMode: 'EXECUTABLE' }] } }, CONFLICT.source, 'EXECUTABLE'],
        // Explicit resolutions apply after the strategy.
        ['strategy-then-resolution', { conflictResolutionStrategy: 'ACCEPT_SOURCE', conflictResolution: { replaceContents: [{ filePath: 'conflict.txt', replacementType: 'KEEP_BASE' }] } }, CONFLICT.base],
      ];
      for (const [branch, extra, expected, mode] of cases) {
        await branchAt(repositoryName, branch, c.destination);
        const out = await squash(branch, extra);
        expect(await tip(repositoryName, branch)).toBe(out.commitId);
        expect((await getCommit(repositoryName, out.commitId!)).parents).toEqual([c.destination]);
        expect(await fileText(repositoryName, out.commitId!, 'from-source.txt')).toBe('from source\n');
        expect(await fileText(repositoryName, out.commitId!, 'other.txt')).toBe('other\n');
        if (expected === null) {
          await rejects(sdk.send(new GetFileCommand({ repositoryName, commitSpecifier: out.commitId!, filePath: 'conflict.txt' })), 'FileDoesNotExistException');
        } else {
          const file = await sdk.send(new GetFileCommand({ repositoryName, commitSpecifier: out.commitId!, filePath: 'conflict.txt' }));
          expect([branch, Buffer.from(file.fileContent!).toString('utf8')]).toEqual([branch, expected]);
          expect([branch, file.fileMode]).toEqual([branch, mode ?? 'NORMAL']);
        }
      }
      expect(await tip(repositoryName, 'main')).toBe(c.destination);
      expect(await tip(repositoryName, 'feature')).toBe(c.source);
    });
  });

  describe('MergeBranchesByThreeWay and GetMergeCommit', () => {
    it('makes a merge commit with both parents, reported by GetMergeCommit and fetched by git', async () => {
      const repositoryName = 'three-way';
      const c = await diverged(repositoryName, {
        base: { 'a.txt': 'a\n', 'b.txt': 'b\n' },
        source: [{ 'a.txt': 'a, by source\n' }, { 'dir/s.txt': 'new from source\n' }],
        destination: [{ 'b.txt': 'b, by destination\n' }],
      });
      const dir = clone(repositoryName);

      const before = await sdk.send(new GetMergeCommitCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main' }));
      expect(before).toMatchObject({ sourceCommitId: c.source, destinationCommitId: c.destination, baseCommitId: c.base });
      expect(before.mergedCommitId).toBeUndefined();

      const out = await sdk.send(
        new MergeBranchesByThreeWayCommand({
          repositoryName,
          sourceCommitSpecifier: 'feature',
          destinationCommitSpecifier: 'main',
          authorName: 'Merger',
          email: 'merger@example.com',
          commitMessage: 'merge the feature',
        }),
      );
      expect(await tip(repositoryName, 'main')).toBe(out.commitId);
      expect(await tip(repositoryName, 'feature')).toBe(c.source);
      const commit = await getCommit(repositoryName, out.commitId!);
      expect(commit.parents).toEqual([c.destination, c.source]);
      expect(commit.treeId).toBe(out.treeId);
      expect(commit.message).toMatch(/^merge the feature\n?$/);
      expect(commit.author).toMatchObject({ name: 'Merger', email: 'merger@example.com' });
      expect(await fileText(repositoryName, 'main', 'a.txt')).toBe('a, by source\n');
      expect(await fileText(repositoryName, 'main', 'b.txt')).toBe('b, by destination\n');
      expect(await fileText(repositoryName, 'main', 'dir/s.txt')).toBe('new from source\n');

      // What git fetches is that merge commit, with the same parents and tree.
      git(['fetch', '-q', 'origin'], { cwd: dir });
      expect(git(['rev-parse', 'origin/main'], { cwd: dir }).trim()).toBe(out.commitId);
      expect(git(['rev-list', '--parents', '-n', '1', 'origin/main'], { cwd: dir }).trim()).toBe(`${out.commitId} ${c.destination} ${c.source}`);
      expect(git(['rev-parse', 'origin/main^{tree}'], { cwd: dir }).trim()).toBe(out.treeId);
      expect(git(['show', 'origin/main:a.txt'], { cwd: dir })).toBe('a, by source\n');
      expect(git(['log', '-1', '--format=%an <%ae>|%s', 'origin/main'], { cwd: dir }).trim()).toBe('Merger <merger@example.com>|merge the feature');
      git(['fsck', '--strict'], { cwd: dir });

      const after = await sdk.send(new GetMergeCommitCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main' }));
      expect(after).toMatchObject({ sourceCommitId: c.source, destinationCommitId: out.commitId, baseCommitId: c.source, mergedCommitId: out.commitId });

      // Already merged: squash and three-way make nothing and answer the destination commit.
      const again = { repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main' };
      expect((await sdk.send(new MergeBranchesByThreeWayCommand(again))).commitId).toBe(out.commitId);
      expect((await sdk.send(new MergeBranchesBySquashCommand(again))).commitId).toBe(out.commitId);
      expect(await tip(repositoryName, 'main')).toBe(out.commitId);
      const older = await sdk.send(new MergeBranchesByThreeWayCommand({ repositoryName, sourceCommitSpecifier: c.base, destinationCommitSpecifier: 'main' }));
      expect(older.commitId).toBe(out.commitId);
      expect(await tip(repositoryName, 'main')).toBe(out.commitId);
      git(['fetch', '-q', 'origin'], { cwd: dir });
      expect(git(['rev-list', '--count', 'origin/main'], { cwd: dir }).trim()).toBe('5');

      // Later commits on main: the merge commit is still the one that brought the source in.
      const later = await commitFiles(repositoryName, 'main', { 'later.txt': 'later\n' });
      const stillMerged = await sdk.send(new GetMergeCommitCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main' }));
      expect(stillMerged).toMatchObject({ destinationCommitId: later, baseCommitId: c.source, mergedCommitId: out.commitId });
    });

    it('merges into targetBranch, needs a branch to move, and handles conflicts like squash', async () => {
      const repositoryName = 'three-way-conflict';
      const c = await diverged(repositoryName, {
        base: { 'conflict.txt': CONFLICT.base, 'other.txt': 'other\n' },
        source: [{ 'conflict.txt': CONFLICT.source, 'from-source.txt': 'from source\n' }],
        destination: [{ 'conflict.txt': CONFLICT.destination }],
      });
      const merge = (extra: Partial<MergeBranchesByThreeWayCommandInput> = {}) =>
        sdk.send(new MergeBranchesByThreeWayCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', conflictDetailLevel: 'LINE_LEVEL', ...extra }));

      await rejects(merge(), 'ManualMergeRequiredException');
      await rejects(merge({ conflictResolution: { replaceContents: [{ filePath: 'other.txt', replacementType: 'KEEP_SOURCE' }] } }), 'InvalidConflictResolutionException');
      await rejects(merge({ conflictDetailLevel: 'WORD_LEVEL' as ConflictDetailLevelTypeEnum }), 'InvalidConflictDetailLevelException');
      await rejects(merge({ destinationCommitSpecifier: c.destination, conflictResolutionStrategy: 'ACCEPT_SOURCE' }), 'InvalidTargetBranchException');
      await rejects(merge({ targetBranch: 'no-such-branch', conflictResolutionStrategy: 'ACCEPT_SOURCE' }), 'BranchDoesNotExistException');
      await rejects(merge({ repositoryName: 'no-such-repository' }), 'RepositoryDoesNotExistException');
      expect(await tip(repositoryName, 'main')).toBe(c.destination);

      await branchAt(repositoryName, 'accept-destination', c.destination);
      const accepted = await merge({ destinationCommitSpecifier: 'accept-destination', conflictResolutionStrategy: 'ACCEPT_DESTINATION' });
      expect(await tip(repositoryName, 'accept-destination')).toBe(accepted.commitId);
      expect((await getCommit(repositoryName, accepted.commitId!)).parents).toEqual([c.destination, c.source]);
      expect(await fileText(repositoryName, accepted.commitId!, 'conflict.txt')).toBe(CONFLICT.destination);
      expect(await fileText(repositoryName, accepted.commitId!, 'from-source.txt')).toBe('from source\n');

      // The destination as a commit id, with the branch to move named by targetBranch.
      await branchAt(repositoryName, 'resolved', c.destination);
      const resolved = await merge({
        destinationCommitSpecifier: c.destination,
        targetBranch: 'resolved',
        conflictResolution: { replaceContents: [{ filePath: 'conflict.txt', replacementType: 'USE_NEW_CONTENT', content: Buffer.from('resolved\n') }] },
      });
      expect(await tip(repositoryName, 'resolved')).toBe(resolved.commitId);
      expect((await getCommit(repositoryName, resolved.commitId!)).parents).toEqual([c.destination, c.source]);
      expect(await fileText(repositoryName, resolved.commitId!, 'conflict.txt')).toBe('resolved\n');
      const mergedInto = await sdk.send(new GetMergeCommitCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'resolved' }));
      expect(mergedInto).toMatchObject({ destinationCommitId: resolved.commitId, baseCommitId: c.source, mergedCommitId: resolved.commitId });

      await branchAt(repositoryName, 'deleted', c.destination);
      const deleted = await merge({ destinationCommitSpecifier: 'deleted', conflictResolution: { deleteFiles: [{ filePath: 'conflict.txt' }] } });
      await rejects(sdk.send(new GetFileCommand({ repositoryName, commitSpecifier: deleted.commitId!, filePath: 'conflict.txt' })), 'FileDoesNotExistException');
      expect(await tip(repositoryName, 'main')).toBe(c.destination);
    });
  });

  describe('CreateUnreferencedMergeCommit', () => {
    it('writes a readable merge commit without moving any branch', async () => {
      const repositoryName = 'unreferenced';
      const c = await diverged(repositoryName, {
        base: { 'a.txt': 'a\n', 'b.txt': 'b\n' },
        source: [{ 'a.txt': 'a, by source\n' }],
        destination: [{ 'b.txt': 'b, by destination\n' }],
      });
      const create = (extra: Partial<CreateUnreferencedMergeCommitCommandInput>) =>
        sdk.send(new CreateUnreferencedMergeCommitCommand({ repositoryName, sourceCommitSpecifier: 'feature', destinationCommitSpecifier: 'main', mergeOption: 'THREE_WAY_MERGE', ...extra }));

      const threeWay = await create({ authorName: 'Preview', email: 'preview@example.com', commitMessage: 'preview merge' });
      expect(threeWay.commitId).toMatch(/^[0-9a-f]{40}$/);
      expect(threeWay.treeId).toMatch(/^[0-9a-f]{40}$/);
      const commit = await getCommit(repositoryName, threeWay.commitId!);
      expect(commit).toMatchObject({ commitId: threeWay.commitId, treeId: threeWay.treeId, parents: [c.destination, c.source] });
      expect(commit.author).toMatchObject({ name: 'Preview', email: 'preview@example.com' });
      expect(commit.message).toMatch(/^preview merge\n?$/);
      expect(await fileText(repositoryName, threeWay.commitId!, 'a.txt')).toBe('a, by source\n');
      expect(await fileText(repositoryName, threeWay.commitId!, 'b.txt')).toBe('b, by destination\n');

      const squash = await create({ mergeOption: 'SQUASH_MERGE' });
      expect((await getCommit(repositoryName, squash.commitId!)).parents).toEqual([c.destination]);
      // Same merged tree whatever the option.
      expect(squash.treeId).toBe(threeWay.treeId);

      expect(await tip(repositoryName, 'main')).toBe(c.destination);
      expect(await tip(repositoryName, 'feature')).toBe(c.source);
      const refs = git(['ls-remote', stack.gitUrl(repositoryName)]);
      expect(refs).not.toContain(threeWay.commitId);
      expect(refs).not.toContain(squash.commitId);

      await rejects(create({ mergeOption: undefined }), 'MergeOptionRequiredException');
      await rejects(create({ mergeOption: 'OCTOPUS_MERGE' as MergeOptionTypeEnum }), 'InvalidMergeOptionException');
      await rejects(create({ sourceCommitSpecifier: 'no-such-branch' }), 'CommitDoesNotExistException');
      await rejects(create({ destinationCommitSpecifier: undefined }), 'CommitRequiredException');
      expect(await tip(repositoryName, 'main')).toBe(c.destination);
    });

    it('refuses FAST_FORWARD_MERGE, whether or not a fast-forward is possible', async () => {
      // CodeCommit: "This API cannot be used with the fast-forward merge strategy because that strategy does not create a merge commit."
      const repositoryName = 'unreferenced-ff';
      const c = await diverged(repositoryName, { base: { 'a.txt': 'a\n' }, source: [{ 'b.txt': 'b\n' }] });
      const ff = (sourceCommitSpecifier: string, destinationCommitSpecifier: string) =>
        sdk.send(new CreateUnreferencedMergeCommitCommand({ repositoryName, sourceCommitSpecifier, destinationCommitSpecifier, mergeOption: 'FAST_FORWARD_MERGE' }));
      await rejects(ff('feature', 'main'), 'InvalidMergeOptionException');
      await commitFiles(repositoryName, 'main', { 'c.txt': 'c\n' });
      await rejects(ff('feature', 'main'), 'InvalidMergeOptionException');
      expect(await tip(repositoryName, 'feature')).toBe(c.source);
    });
  });

  it(
    'loses no commit when merges race with writes to the destination branch',
    async () => {
      const repositoryName = 'merge-race';
      await sdk.send(new CreateRepositoryCommand({ repositoryName }));
      await commitFiles(repositoryName, 'main', { 'base.txt': 'base\n' });
      const dir = clone(repositoryName);
      const succeeded: string[] = [];
      const isAncestor = (commit: string) => gitResult(['merge-base', '--is-ancestor', commit, 'origin/main'], { cwd: dir }).status === 0;

      for (let round = 0; round < 5; round += 1) {
        const topic = `topic-${round}`;
        const start = await tip(repositoryName);
        await branchAt(repositoryName, topic, start);
        await commitFiles(repositoryName, topic, { [`${topic}.txt`]: `${topic}\n` });
        const parent = await tip(repositoryName);
        const mergeTopic = () => sdk.send(new MergeBranchesByThreeWayCommand({ repositoryName, sourceCommitSpecifier: topic, destinationCommitSpecifier: 'main', commitMessage: `merge ${topic}` }));
        const putFile = (parentCommitId: string) =>
          sdk.send(new PutFileCommand({ repositoryName, branchName: 'main', filePath: `put-${round}.txt`, fileContent: Buffer.from(`put ${round}\n`), parentCommitId }));

        const [merged, put] = await Promise.allSettled([mergeTopic(), putFile(parent)]);
        const winners = [merged, put].filter((r) => r.status === 'fulfilled');
        expect(winners.length).toBeGreaterThanOrEqual(1);
        for (const r of [merged, put]) {
          if (r.status === 'fulfilled') succeeded.push(r.value.commitId!);
          else expect(LOSING_ERRORS).toContain((r.reason as Error).name);
        }
        // The loser succeeds when tried again on the new tip.
        if (merged.status === 'rejected') succeeded.push((await mergeTopic()).commitId!);
        if (put.status === 'rejected') succeeded.push((await putFile(await tip(repositoryName))).commitId!);

        git(['fetch', '-q', 'origin'], { cwd: dir });
        expect(git(['rev-parse', 'origin/main'], { cwd: dir }).trim()).toBe(await tip(repositoryName));
        expect(succeeded.filter((commit) => !isAncestor(commit))).toEqual([]);
      }

      const fresh = clone(repositoryName);
      const files = git(['ls-tree', '--name-only', 'HEAD'], { cwd: fresh }).trim().split('\n');
      for (let round = 0; round < 5; round += 1) expect(files).toEqual(expect.arrayContaining([`topic-${round}.txt`, `put-${round}.txt`]));
      const history = new Set(git(['rev-list', 'HEAD'], { cwd: fresh }).trim().split('\n'));
      expect(succeeded.filter((commit) => !history.has(commit))).toEqual([]);
      git(['fsck', '--strict'], { cwd: fresh });
    },
    300_000,
  );

  it('works from the AWS CLI: get-merge-options, get-merge-conflicts and merge-branches-by-squash', async () => {
    const repositoryName = 'cli-merge';
    const c = await diverged(repositoryName, {
      base: { 'a.txt': 'a\n', 'conflict.txt': CONFLICT.base },
      source: [{ 'a.txt': 'a, by source\n', 'conflict.txt': CONFLICT.source }],
      destination: [{ 'conflict.txt': CONFLICT.destination }],
    });
    const specifiers = ['--repository-name', repositoryName, '--source-commit-specifier', 'feature', '--destination-commit-specifier', 'main'];

    const options = await awsCli(['get-merge-options', ...specifiers, '--conflict-detail-level', 'LINE_LEVEL', '--conflict-resolution-strategy', 'ACCEPT_SOURCE']);
    expect(options).toMatchObject({ code: 0 });
    const parsed = JSON.parse(options.stdout);
    expect(sorted(parsed.mergeOptions)).toEqual(MERGE_OPTIONS);
    expect(parsed).toMatchObject({ sourceCommitId: c.source, destinationCommitId: c.destination, baseCommitId: c.base });
    expect(JSON.parse((await awsCli(['get-merge-options', ...specifiers, '--conflict-detail-level', 'LINE_LEVEL'])).stdout).mergeOptions).toEqual([]);

    const conflicts = JSON.parse((await awsCli(['get-merge-conflicts', ...specifiers, '--merge-option', 'SQUASH_MERGE', '--conflict-detail-level', 'LINE_LEVEL'])).stdout);
    expect(conflicts.mergeable).toBe(false);
    expect(conflicts.conflictMetadataList).toEqual([expect.objectContaining({ filePath: 'conflict.txt', contentConflict: true, mergeOperations: { source: 'M', destination: 'M' } })]);

    const refused = await awsCli(['merge-branches-by-squash', ...specifiers, '--conflict-detail-level', 'LINE_LEVEL']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('ManualMergeRequiredException');
    expect(await tip(repositoryName)).toBe(c.destination);

    const squashed = await awsCli([
      'merge-branches-by-squash',
      ...specifiers,
      '--conflict-detail-level',
      'LINE_LEVEL',
      '--conflict-resolution-strategy',
      'ACCEPT_SOURCE',
      '--author-name',
      'Cli User',
      '--email',
      'cli@example.com',
      '--commit-message',
      'squashed from the CLI',
    ]);
    expect(squashed).toMatchObject({ code: 0 });
    const out = JSON.parse(squashed.stdout);
    expect(out.commitId).toBe(await tip(repositoryName));
    const commit = await getCommit(repositoryName, out.commitId);
    expect(commit).toMatchObject({ treeId: out.treeId, parents: [c.destination], author: expect.objectContaining({ name: 'Cli User', email: 'cli@example.com' }) });
    expect(await fileText(repositoryName, 'main', 'conflict.txt')).toBe(CONFLICT.source);
    expect(await fileText(repositoryName, 'main', 'a.txt')).toBe('a, by source\n');
  });
});
