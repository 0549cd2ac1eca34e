import 'reflect-metadata';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AwsError } from '@cairn/aws-protocol';
import { domainCodeOf, pullRequests as pr, storageContent } from '@cairn/contracts';
import { OUTBOX_ENTITIES, OutboxEntry } from '@cairn/events';
import { openDatabase, startGrpcServer } from '@cairn/runtime';
import { createTestDatabase, makeTempDir, run, runUnchecked } from '@cairn/testing';
import { prError } from '../src/errors';
import { PULL_REQUEST_ENTITIES, PullRequestEntity } from '../src/pull-requests/pull-request.entity';
import { PullRequestsService } from '../src/pull-requests/pull-requests.service';
import type { RepositoryRef, Upstreams } from '../src/upstreams';
import { COMMENT_ENTITIES, CommentEntity, ReactionEntity } from '../src/comments/comment.entity';
import { CommentsService, CommitReader, countLines, PathAtCommit, StorageCommitReader } from '../src/comments/comments.service';
import { CommentOperations } from '../src/comments/comments.operations';
import { parseReactionValue, REACTIONS, scanReactions } from '../src/comments/reactions';
import { ContentReader } from '../../git-storage/src/content/content-reader';
import { ContentGrpcController } from '../../git-storage/src/content/content.grpc.controller';

// Responses are CodeCommit JSON; the assertions below read them loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Out = any;

const ALICE: pr.Caller = { arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012' };
const BOB: pr.Caller = { arn: 'arn:aws:iam::123456789012:user/bob', accountId: '123456789012' };
const CAROL: pr.Caller = { arn: 'arn:aws:sts::123456789012:assumed-role/reviewer/carol', accountId: '123456789012' };
const MISSING_COMMIT = 'f'.repeat(40);

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** The storage reads, done with the git binary on a repository of the test's own. */
class GitCommitReader implements CommitReader {
  constructor(private readonly dirs: Map<string, string>) {}

  async commitExists(repositoryId: string, commitId: string): Promise<boolean> {
    const out = await runUnchecked('git', ['-C', this.dir(repositoryId), 'cat-file', '-t', commitId], { env: GIT_ENV });
    return out.code === 0 && out.stdout.trim() === 'commit';
  }

  async pathAt(repositoryId: string, commitId: string, path: string): Promise<PathAtCommit> {
    const dir = this.dir(repositoryId);
    const listed = await run('git', ['-C', dir, 'ls-tree', '-z', commitId, '--', path], { env: GIT_ENV });
    const entry = listed.stdout.split('\0').find((e) => e.endsWith(`\t${path}`));
    if (!entry) return { type: 'missing' };
    const [, type, id] = entry.split('\t')[0].split(' ');
    if (type === 'tree') return { type: 'folder' };
    if (type !== 'blob') return { type: 'missing' };
    const blob = await run('git', ['-C', dir, 'cat-file', 'blob', id], { env: GIT_ENV });
    return { type: 'file', blobId: id, lineCount: countLines(Buffer.from(blob.stdout)) };
  }

  private dir(repositoryId: string): string {
    const dir = this.dirs.get(repositoryId);
    if (!dir) throw new Error(`no repository ${repositoryId}`);
    return dir;
  }
}

describe('comments and reactions', () => {
  let db: DataSource;
  let operations: CommentOperations;
  let comments: CommentsService;
  let gitDir: string;
  let c1: string;
  let c2: string;
  let c3: string;
  let pull: PullRequestEntity;
  let otherPull: PullRequestEntity;
  const repoOne: RepositoryRef = { repositoryId: randomUUID(), repositoryName: 'repo-one', accountId: '123456789012', defaultBranch: 'main' };
  const repoTwo: RepositoryRef = { repositoryId: randomUUID(), repositoryName: 'repo-two', accountId: '123456789012', defaultBranch: 'main' };

  const git = async (...args: string[]) => (await run('git', ['-C', gitDir, ...args], { env: GIT_ENV })).stdout.trim();
  const write = (path: string, content: string) => {
    mkdirSync(join(gitDir, path, '..'), { recursive: true });
    writeFileSync(join(gitDir, path), content);
  };
  const commit = async (message: string) => {
    await git('add', '-A');
    await git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  const blobOf = (commitId: string, path: string) => git('rev-parse', `${commitId}:${path}`);

  const call = (operation: string, input: Record<string, unknown>, caller: pr.Caller = ALICE): Promise<Out> => operations.operations[operation](input, caller);
  async function errorOf(operation: string, input: Record<string, unknown>, caller: pr.Caller = ALICE): Promise<string> {
    try {
      await call(operation, input, caller);
    } catch (error) {
      if (error instanceof AwsError) return error.code;
      const code = domainCodeOf(error);
      if (code) return code;
      throw error;
    }
    throw new Error(`${operation} succeeded`);
  }
  const outbox = async () =>
    (await db.getRepository(OutboxEntry).find({ order: { sequence: 'ASC' } })).map((e) => e.payload as Extract<OutboxEntry['payload'], { detailType: string }>);

  beforeAll(async () => {
    gitDir = makeTempDir('comments-git-');
    await git('init', '-q', '-b', 'main');
    write('README.md', 'one\ntwo\nthree\n');
    write('src/app.ts', 'a\nb');
    write('old.txt', 'old\n');
    c1 = await commit('first');
    write('README.md', 'one\ntwo\nthree\nfour\nfive\n');
    write('new.txt', 'new\n');
    rmSync(join(gitDir, 'old.txt'));
    c2 = await commit('second');
    write('README.md', 'one\ntwo\nthree\nfour\nfive\nsix\nseven\n');
    c3 = await commit('third');

    db = await openDatabase(await createTestDatabase('pr_comments'), [...PULL_REQUEST_ENTITIES, ...COMMENT_ENTITIES, ...OUTBOX_ENTITIES]);
    const repositories = new Map([repoOne, repoTwo].map((r) => [r.repositoryName, r]));
    const upstreams = {
      async repository(name: string) {
        const repo = repositories.get(name);
        if (!repo) throw prError('RepositoryDoesNotExistException', `${name} does not exist`);
        return repo;
      },
    } as unknown as Upstreams;
    const reader = new GitCommitReader(new Map([repoOne, repoTwo].map((r) => [r.repositoryId, gitDir])));
    const pullRequests = new PullRequestsService(db, upstreams, {} as never, { maxOpenPullRequests: 1000 } as never);
    comments = new CommentsService(db, pullRequests, upstreams, reader);
    operations = new CommentOperations(comments);

    const pulls = db.getRepository(PullRequestEntity);
    const base = {
      description: '',
      status: 'OPEN',
      authorArn: ALICE.arn,
      clientRequestToken: null,
      requestDigest: '',
      creationDate: new Date(0),
      lastActivityDate: new Date(0),
      revisionId: 'r1',
      repositoryId: repoOne.repositoryId,
      repositoryName: repoOne.repositoryName,
      sourceReference: 'refs/heads/feature',
      destinationReference: 'refs/heads/main',
      sourceCommit: c2,
      destinationCommit: c1,
      mergeBase: c1,
    };
    pull = await pulls.save(pulls.create({ ...base, title: 'Count to five' }));
    otherPull = await pulls.save(pulls.create({ ...base, title: 'Count to seven', sourceCommit: c3 }));
  });

  afterAll(async () => {
    await db?.destroy();
  });

  describe('reaction values (pure)', () => {
    it('takes an emoji, a short code (any case, with or without colons, or an alias) or a code point', () => {
      const names = ['👍', ':thumbsup:', 'THUMBSUP', 'thumbsup', ':+1:', 'U+1F44D', 'u+1f44d', ' :thumbsup: '].map((v) => parseReactionValue({ reactionValue: v }));
      for (const parsed of names) expect(parsed).toEqual({ remove: false, reaction: REACTIONS[0] });
      expect(parseReactionValue({ reactionValue: '❤️' })).toMatchObject({ reaction: { name: 'heart' } });
      expect(parseReactionValue({ reactionValue: '❤' })).toMatchObject({ reaction: { name: 'heart' } });
      expect(parseReactionValue({ reactionValue: ':tada:' })).toMatchObject({ reaction: { name: 'hooray' } });
    });

    it('removes on null, blank and none; requires the member; refuses unknown values and several reactions', () => {
      for (const reactionValue of [null, '', '   ', 'none', 'NONE', ':none:']) expect(parseReactionValue({ reactionValue })).toEqual({ remove: true });
      expect(() => parseReactionValue({})).toThrow(expect.objectContaining({ domainCode: 'ReactionValueRequiredException' }));
      for (const reactionValue of [':poop:', 'banana', '💩', 42, 'U+1F4A9', 'U+FE0F', '👍x']) {
        expect(() => parseReactionValue({ reactionValue })).toThrow(expect.objectContaining({ domainCode: 'InvalidReactionValueException' }));
      }
      for (const reactionValue of [':thumbsup::heart:', '👍 🎉', '👍🎉', 'thumbsup, heart']) {
        expect(() => parseReactionValue({ reactionValue })).toThrow(expect.objectContaining({ domainCode: 'ReactionLimitExceededException' }));
      }
      expect(scanReactions('👍🎉')?.map((r) => r.name)).toEqual(['thumbsup', 'hooray']);
    });

    it('counts lines as an editor numbers them', () => {
      expect(countLines(Buffer.from(''))).toBe(0);
      expect(countLines(Buffer.from('a'))).toBe(1);
      expect(countLines(Buffer.from('a\n'))).toBe(1);
      expect(countLines(Buffer.from('a\nb'))).toBe(2);
      expect(countLines(Buffer.from('\n\n'))).toBe(2);
    });
  });

  describe('PostCommentForComparedCommit', () => {
    it('posts a general comment on the comparison', async () => {
      const out = await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'Looks good', clientRequestToken: 'general-1' });
      expect(out).toMatchObject({ repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2 });
      expect(out.location).toBeUndefined();
      expect(out.beforeBlobId).toBeUndefined();
      expect(out.afterBlobId).toBeUndefined();
      expect(out.comment).toMatchObject({ content: 'Looks good', authorArn: ALICE.arn, deleted: false, clientRequestToken: 'general-1', callerReactions: [], reactionCounts: {} });
      expect(out.comment.commentId).toMatch(/^[0-9a-f-]{36}$/);
      expect(out.comment.inReplyTo).toBeUndefined();
      expect(out.comment.creationDate).toBe(out.comment.lastModifiedDate);
      expect(typeof out.comment.creationDate).toBe('number');
    });

    it('posts on a line of a file, with the file blob of each side that has it', async () => {
      const onBoth = await call('PostCommentForComparedCommit', {
        repositoryName: 'repo-one',
        beforeCommitId: c1,
        afterCommitId: c2,
        content: 'Why five?',
        location: { filePath: 'README.md', filePosition: 5, relativeFileVersion: 'AFTER' },
      });
      expect(onBoth).toMatchObject({ beforeBlobId: await blobOf(c1, 'README.md'), afterBlobId: await blobOf(c2, 'README.md'), location: { filePath: 'README.md', filePosition: 5, relativeFileVersion: 'AFTER' } });
      expect(onBoth.comment.clientRequestToken).toBeUndefined();

      const added = await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'New file', location: { filePath: '/new.txt', filePosition: 1, relativeFileVersion: 'AFTER' } });
      expect(added.location).toEqual({ filePath: 'new.txt', filePosition: 1, relativeFileVersion: 'AFTER' });
      expect(added.afterBlobId).toBe(await blobOf(c2, 'new.txt'));
      expect(added.beforeBlobId).toBeUndefined();

      const removed = await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'Gone', location: { filePath: 'old.txt', relativeFileVersion: 'BEFORE' } });
      expect(removed.location).toEqual({ filePath: 'old.txt', relativeFileVersion: 'BEFORE' });
      expect(removed.beforeBlobId).toBe(await blobOf(c1, 'old.txt'));
      expect(removed.afterBlobId).toBeUndefined();

      // relativeFileVersion defaults to AFTER; a file without a final newline has its last line.
      const defaulted = await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', afterCommitId: c1, content: 'First commit', location: { filePath: 'src/app.ts', filePosition: 2 } });
      expect(defaulted.beforeCommitId).toBeUndefined();
      expect(defaulted.location).toEqual({ filePath: 'src/app.ts', filePosition: 2, relativeFileVersion: 'AFTER' });
      expect(defaulted.afterBlobId).toBe(await blobOf(c1, 'src/app.ts'));
    });

    it('accepts content up to 10,240 characters', async () => {
      const out = await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c2, afterCommitId: c1, content: 'x'.repeat(10_240) });
      expect(out.comment.content).toHaveLength(10_240);
      // Characters, not UTF-16 units: 10,240 emoji fit too.
      await expect(call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c2, afterCommitId: c1, content: '🚀'.repeat(10_240) })).resolves.toBeDefined();
    });

    it('answers the modelled errors', async () => {
      const ok = { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'x' };
      const post = (input: Record<string, unknown>) => errorOf('PostCommentForComparedCommit', { ...ok, ...input });
      expect(await post({ repositoryName: undefined })).toBe('RepositoryNameRequiredException');
      expect(await post({ repositoryName: 'nope' })).toBe('RepositoryDoesNotExistException');
      expect(await post({ content: undefined })).toBe('CommentContentRequiredException');
      expect(await post({ content: '' })).toBe('CommentContentRequiredException');
      expect(await post({ content: 'x'.repeat(10_241) })).toBe('CommentContentSizeLimitExceededException');
      expect(await post({ afterCommitId: undefined })).toBe('CommitIdRequiredException');
      expect(await post({ afterCommitId: 'abc' })).toBe('InvalidCommitIdException');
      expect(await post({ beforeCommitId: 'main' })).toBe('InvalidCommitIdException');
      expect(await post({ beforeCommitId: c2 })).toBe('BeforeCommitIdAndAfterCommitIdAreSameException');
      expect(await post({ afterCommitId: MISSING_COMMIT })).toBe('CommitDoesNotExistException');
      expect(await post({ beforeCommitId: MISSING_COMMIT })).toBe('CommitDoesNotExistException');
      expect(await post({ beforeCommitId: await git('rev-parse', `${c1}^{tree}`) })).toBe('CommitDoesNotExistException');
      expect(await post({ clientRequestToken: '' })).toBe('ClientRequestTokenRequiredException');
      expect(await post({ clientRequestToken: 't'.repeat(257) })).toBe('InvalidClientRequestTokenException');
      expect(await post({ clientRequestToken: 'bad\ntoken' })).toBe('InvalidClientRequestTokenException');
      expect(await post({ location: 'README.md' })).toBe('InvalidFileLocationException');
      expect(await post({ location: ['README.md'] })).toBe('InvalidFileLocationException');
      expect(await post({ location: { filePath: 'src', relativeFileVersion: 'AFTER' } })).toBe('InvalidFileLocationException');
      expect(await post({ location: {} })).toBe('PathRequiredException');
      expect(await post({ location: { filePath: '', relativeFileVersion: 'AFTER' } })).toBe('PathRequiredException');
      expect(await post({ location: { filePath: 'src/../README.md' } })).toBe('InvalidPathException');
      expect(await post({ location: { filePath: 'src//app.ts' } })).toBe('InvalidPathException');
      expect(await post({ location: { filePath: 'README.md', relativeFileVersion: 'SIDEWAYS' } })).toBe('InvalidRelativeFileVersionEnumException');
      expect(await post({ location: { filePath: 'README.md', relativeFileVersion: 'after' } })).toBe('InvalidRelativeFileVersionEnumException');
      for (const filePosition of [0, -1, 1.5, '3', 2 ** 60]) expect(await post({ location: { filePath: 'README.md', filePosition } })).toBe('InvalidFilePositionException');
      expect(await post({ location: { filePath: 'README.md', filePosition: 6, relativeFileVersion: 'AFTER' } })).toBe('InvalidFilePositionException');
      expect(await post({ location: { filePath: 'README.md', filePosition: 4, relativeFileVersion: 'BEFORE' } })).toBe('InvalidFilePositionException');
      expect(await post({ location: { filePath: 'old.txt', relativeFileVersion: 'AFTER' } })).toBe('PathDoesNotExistException');
      expect(await post({ location: { filePath: 'new.txt', relativeFileVersion: 'BEFORE' } })).toBe('PathDoesNotExistException');
      expect(await post({ location: { filePath: 'nowhere.md' } })).toBe('PathDoesNotExistException');
      expect(await post({ beforeCommitId: undefined, afterCommitId: c1, location: { filePath: 'README.md', relativeFileVersion: 'BEFORE' } })).toBe('PathDoesNotExistException');
      expect(await db.getRepository(CommentEntity).countBy({ content: 'x' })).toBe(0);
    });

    it('is idempotent per caller and clientRequestToken', async () => {
      const input = { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'Once', clientRequestToken: 'once-token', location: { filePath: 'README.md', filePosition: 1, relativeFileVersion: 'AFTER' } };
      const first = await call('PostCommentForComparedCommit', input);
      const again = await call('PostCommentForComparedCommit', { ...input, location: { ...input.location } });
      expect(again).toEqual(first);
      expect(await db.getRepository(CommentEntity).countBy({ clientRequestToken: 'once-token' })).toBe(1);
      expect(await errorOf('PostCommentForComparedCommit', { ...input, content: 'Twice' })).toBe('IdempotencyParameterMismatchException');
      expect(await errorOf('PostCommentForComparedCommit', { ...input, location: { ...input.location, filePosition: 2 } })).toBe('IdempotencyParameterMismatchException');
      expect(await errorOf('PostCommentReply', { inReplyTo: first.comment.commentId, content: 'Once', clientRequestToken: 'once-token' })).toBe('IdempotencyParameterMismatchException');
      // A token is the caller's own: another caller's same token is another comment.
      const bobs = await call('PostCommentForComparedCommit', input, BOB);
      expect(bobs.comment.commentId).not.toBe(first.comment.commentId);
      expect(bobs.comment.authorArn).toBe(BOB.arn);

      // Racing posts with one token make one comment.
      const racing = { ...input, clientRequestToken: 'race-token' };
      const results = await Promise.all([1, 2, 3, 4].map(() => call('PostCommentForComparedCommit', racing)));
      expect(new Set(results.map((r) => r.comment.commentId)).size).toBe(1);
      expect(await db.getRepository(CommentEntity).countBy({ clientRequestToken: 'race-token' })).toBe(1);
    });
  });

  describe('PostCommentForPullRequest', () => {
    it('posts on the pull request, marks activity and publishes commentOnPullRequestCreated', async () => {
      const before = (await outbox()).length;
      const out = await call('PostCommentForPullRequest', {
        pullRequestId: String(pull.pullRequestId),
        repositoryName: 'repo-one',
        beforeCommitId: c1,
        afterCommitId: c2,
        content: 'Please add six',
        location: { filePath: 'README.md', filePosition: 5, relativeFileVersion: 'AFTER' },
        clientRequestToken: 'pr-token',
      });
      expect(out).toMatchObject({
        repositoryName: 'repo-one',
        pullRequestId: String(pull.pullRequestId),
        beforeCommitId: c1,
        afterCommitId: c2,
        beforeBlobId: await blobOf(c1, 'README.md'),
        afterBlobId: await blobOf(c2, 'README.md'),
        location: { filePath: 'README.md', filePosition: 5, relativeFileVersion: 'AFTER' },
        comment: { content: 'Please add six', authorArn: ALICE.arn, deleted: false, clientRequestToken: 'pr-token' },
      });
      const events = (await outbox()).slice(before);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        repositoryId: repoOne.repositoryId,
        accountId: repoOne.accountId,
        detailType: 'CodeCommit Comment on Pull Request',
        detail: { event: 'commentOnPullRequestCreated', pullRequestId: String(pull.pullRequestId), commentId: out.comment.commentId, callerUserArn: ALICE.arn, repositoryNames: ['repo-one'] },
      });
      const touched = await db.getRepository(PullRequestEntity).findOneByOrFail({ pullRequestId: pull.pullRequestId });
      expect(touched.lastActivityDate.getTime()).toBeGreaterThan(0);

      // The same request again answers the same comment and publishes nothing.
      const again = await call('PostCommentForPullRequest', {
        pullRequestId: String(pull.pullRequestId),
        repositoryName: 'repo-one',
        beforeCommitId: c1,
        afterCommitId: c2,
        content: 'Please add six',
        location: { filePath: 'README.md', filePosition: 5, relativeFileVersion: 'AFTER' },
        clientRequestToken: 'pr-token',
      });
      expect(again.comment.commentId).toBe(out.comment.commentId);
      expect((await outbox()).length).toBe(before + 1);
      expect(
        await errorOf('PostCommentForPullRequest', { pullRequestId: String(pull.pullRequestId), repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'Other', clientRequestToken: 'pr-token' }),
      ).toBe('IdempotencyParameterMismatchException');
    });

    it('answers the modelled errors', async () => {
      const ok = { pullRequestId: String(pull.pullRequestId), repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'y' };
      const post = (input: Record<string, unknown>) => errorOf('PostCommentForPullRequest', { ...ok, ...input });
      expect(await post({ pullRequestId: undefined })).toBe('PullRequestIdRequiredException');
      expect(await post({ pullRequestId: 'abc' })).toBe('InvalidPullRequestIdException');
      expect(await post({ pullRequestId: '999999' })).toBe('PullRequestDoesNotExistException');
      expect(await post({ repositoryName: undefined })).toBe('RepositoryNameRequiredException');
      expect(await post({ repositoryName: 'nope' })).toBe('RepositoryDoesNotExistException');
      expect(await post({ repositoryName: 'repo-two' })).toBe('RepositoryNotAssociatedWithPullRequestException');
      expect(await post({ beforeCommitId: undefined })).toBe('CommitIdRequiredException');
      expect(await post({ afterCommitId: undefined })).toBe('CommitIdRequiredException');
      expect(await post({ afterCommitId: 'xyz' })).toBe('InvalidCommitIdException');
      expect(await post({ afterCommitId: c1 })).toBe('BeforeCommitIdAndAfterCommitIdAreSameException');
      expect(await post({ afterCommitId: MISSING_COMMIT })).toBe('CommitDoesNotExistException');
      expect(await post({ content: '' })).toBe('CommentContentRequiredException');
      expect(await post({ content: 'z'.repeat(10_241) })).toBe('CommentContentSizeLimitExceededException');
      expect(await post({ clientRequestToken: '' })).toBe('ClientRequestTokenRequiredException');
      expect(await post({ clientRequestToken: 'q'.repeat(300) })).toBe('InvalidClientRequestTokenException');
      expect(await post({ location: 7 })).toBe('InvalidFileLocationException');
      expect(await post({ location: { filePosition: 1 } })).toBe('PathRequiredException');
      expect(await post({ location: { filePath: './README.md' } })).toBe('InvalidPathException');
      expect(await post({ location: { filePath: 'README.md', relativeFileVersion: 'MIDDLE' } })).toBe('InvalidRelativeFileVersionEnumException');
      expect(await post({ location: { filePath: 'README.md', filePosition: -3 } })).toBe('InvalidFilePositionException');
      expect(await post({ location: { filePath: 'old.txt', relativeFileVersion: 'AFTER' } })).toBe('PathDoesNotExistException');
      expect(await db.getRepository(CommentEntity).countBy({ content: 'y' })).toBe(0);
    });
  });

  describe('PostCommentReply', () => {
    it('replies in the thread of the comment, on a comparison or a pull request', async () => {
      const root = await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'Root', location: { filePath: 'new.txt', filePosition: 1 } });
      const reply = await call('PostCommentReply', { inReplyTo: root.comment.commentId, content: 'Reply', clientRequestToken: 'reply-token' }, BOB);
      expect(reply).toEqual({ comment: expect.objectContaining({ inReplyTo: root.comment.commentId, content: 'Reply', authorArn: BOB.arn, clientRequestToken: 'reply-token', deleted: false }) });
      expect(Object.keys(reply)).toEqual(['comment']);
      const replyToReply = await call('PostCommentReply', { inReplyTo: reply.comment.commentId, content: 'Reply to reply' });
      expect(replyToReply.comment.inReplyTo).toBe(reply.comment.commentId);
      const again = await call('PostCommentReply', { inReplyTo: root.comment.commentId, content: 'Reply', clientRequestToken: 'reply-token' }, BOB);
      expect(again.comment.commentId).toBe(reply.comment.commentId);
      expect(await errorOf('PostCommentReply', { inReplyTo: root.comment.commentId, content: 'Other', clientRequestToken: 'reply-token' }, BOB)).toBe('IdempotencyParameterMismatchException');

      const before = (await outbox()).length;
      const prRoot = await call('PostCommentForPullRequest', { pullRequestId: String(pull.pullRequestId), repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'PR root' });
      const prReply = await call('PostCommentReply', { inReplyTo: prRoot.comment.commentId, content: 'PR reply' }, BOB);
      const events = (await outbox()).slice(before);
      expect(events.map((e) => e.detail.event)).toEqual(['commentOnPullRequestCreated', 'commentOnPullRequestCreated']);
      expect(events[1].detail).toMatchObject({ commentId: prReply.comment.commentId, inReplyTo: prRoot.comment.commentId, callerUserArn: BOB.arn });
      const stored = await db.getRepository(CommentEntity).findOneByOrFail({ commentId: prReply.comment.commentId });
      expect(stored).toMatchObject({ pullRequestId: pull.pullRequestId, beforeCommitId: c1, afterCommitId: c2, repositoryId: repoOne.repositoryId });
    });

    it('answers the modelled errors', async () => {
      const root = await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'Another root' });
      const reply = (input: Record<string, unknown>) => errorOf('PostCommentReply', { inReplyTo: root.comment.commentId, content: 'r', ...input });
      expect(await reply({ inReplyTo: undefined })).toBe('CommentIdRequiredException');
      expect(await reply({ inReplyTo: 'not-a-comment' })).toBe('InvalidCommentIdException');
      expect(await reply({ inReplyTo: randomUUID() })).toBe('CommentDoesNotExistException');
      expect(await reply({ content: undefined })).toBe('CommentContentRequiredException');
      expect(await reply({ content: 'r'.repeat(10_241) })).toBe('CommentContentSizeLimitExceededException');
      expect(await reply({ clientRequestToken: '' })).toBe('ClientRequestTokenRequiredException');
      expect(await reply({ clientRequestToken: 'r'.repeat(257) })).toBe('InvalidClientRequestTokenException');
    });
  });

  describe('GetComment, UpdateComment, DeleteCommentContent', () => {
    it('gets a comment', async () => {
      const posted = await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'Get me', clientRequestToken: 'get-me' });
      expect(await call('GetComment', { commentId: posted.comment.commentId }, BOB)).toEqual({ comment: posted.comment });
      expect(await call('GetComment', { commentId: posted.comment.commentId.toUpperCase() })).toEqual({ comment: posted.comment });
      expect(await errorOf('GetComment', {})).toBe('CommentIdRequiredException');
      expect(await errorOf('GetComment', { commentId: 'x' })).toBe('InvalidCommentIdException');
      expect(await errorOf('GetComment', { commentId: randomUUID() })).toBe('CommentDoesNotExistException');
    });

    it('lets only the author update, and publishes commentOnPullRequestUpdated for pull-request comments', async () => {
      const posted = await call('PostCommentForPullRequest', { pullRequestId: String(pull.pullRequestId), repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'Draft' });
      const id = posted.comment.commentId;
      const before = (await outbox()).length;
      const updated = await call('UpdateComment', { commentId: id, content: 'Final' });
      expect(updated.comment).toMatchObject({ commentId: id, content: 'Final', deleted: false, creationDate: posted.comment.creationDate });
      expect(updated.comment.lastModifiedDate).toBeGreaterThanOrEqual(posted.comment.lastModifiedDate);
      expect((await call('GetComment', { commentId: id })).comment.content).toBe('Final');
      const events = (await outbox()).slice(before);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ detailType: 'CodeCommit Comment on Pull Request', detail: { event: 'commentOnPullRequestUpdated', commentId: id } });

      expect(await errorOf('UpdateComment', { commentId: id, content: 'Hijack' }, BOB)).toBe('CommentNotCreatedByCallerException');
      expect(await errorOf('UpdateComment', { commentId: id })).toBe('CommentContentRequiredException');
      expect(await errorOf('UpdateComment', { commentId: id, content: '' })).toBe('CommentContentRequiredException');
      expect(await errorOf('UpdateComment', { commentId: id, content: 'u'.repeat(10_241) })).toBe('CommentContentSizeLimitExceededException');
      expect(await errorOf('UpdateComment', { content: 'x' })).toBe('CommentIdRequiredException');
      expect(await errorOf('UpdateComment', { commentId: '12', content: 'x' })).toBe('InvalidCommentIdException');
      expect(await errorOf('UpdateComment', { commentId: randomUUID(), content: 'x' })).toBe('CommentDoesNotExistException');
      expect((await call('GetComment', { commentId: id })).comment.content).toBe('Final');
    });

    it('deletes the content (anyone allowed may), keeps the comment, and refuses it afterwards', async () => {
      const posted = await call('PostCommentForPullRequest', { pullRequestId: String(pull.pullRequestId), repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'Oops', clientRequestToken: 'oops' });
      const id = posted.comment.commentId;
      await call('PutCommentReaction', { commentId: id, reactionValue: ':clap:' }, BOB);
      const before = (await outbox()).length;
      const deleted = await call('DeleteCommentContent', { commentId: id }, BOB);
      expect(deleted.comment).toMatchObject({ commentId: id, deleted: true, authorArn: ALICE.arn, clientRequestToken: 'oops', reactionCounts: { CLAP: 1 }, callerReactions: ['CLAP'] });
      expect(deleted.comment.content).toBeUndefined();
      expect((await outbox()).slice(before).map((e) => e.detail.event)).toEqual(['commentOnPullRequestUpdated']);
      expect(await db.getRepository(CommentEntity).findOneByOrFail({ commentId: id })).toMatchObject({ content: '', deleted: true });

      expect(await errorOf('DeleteCommentContent', { commentId: id })).toBe('CommentDeletedException');
      expect(await errorOf('GetComment', { commentId: id })).toBe('CommentDeletedException');
      expect(await errorOf('UpdateComment', { commentId: id, content: 'Back' })).toBe('CommentDeletedException');
      expect(await errorOf('PutCommentReaction', { commentId: id, reactionValue: ':heart:' })).toBe('CommentDeletedException');
      expect(await errorOf('GetCommentReactions', { commentId: id })).toBe('CommentDeletedException');
      expect(await errorOf('DeleteCommentContent', {})).toBe('CommentIdRequiredException');
      expect(await errorOf('DeleteCommentContent', { commentId: 'nope' })).toBe('InvalidCommentIdException');
      expect(await errorOf('DeleteCommentContent', { commentId: randomUUID() })).toBe('CommentDoesNotExistException');

      // Its thread stays: it can still be answered, and the listing shows it deleted.
      const reply = await call('PostCommentReply', { inReplyTo: id, content: 'It happens' });
      expect(reply.comment.inReplyTo).toBe(id);
      const listed = await call('GetCommentsForPullRequest', { pullRequestId: String(pull.pullRequestId) });
      const all = listed.commentsForPullRequestData.flatMap((g: Out) => g.comments);
      expect(all.find((c: Out) => c.commentId === id)).toMatchObject({ deleted: true });
      expect(all.find((c: Out) => c.commentId === id).content).toBeUndefined();
      // A replayed post answers the comment as it is now.
      const replayed = await call('PostCommentForPullRequest', { pullRequestId: String(pull.pullRequestId), repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'Oops', clientRequestToken: 'oops' });
      expect(replayed.comment).toMatchObject({ commentId: id, deleted: true });
    });
  });

  describe('GetCommentsForComparedCommit', () => {
    it('groups the comments of one comparison by location, in pages', async () => {
      const post = (content: string, location?: Record<string, unknown>) => call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c3, content, location });
      const a = await post('A');
      const b = await post('B', { filePath: 'README.md', filePosition: 2, relativeFileVersion: 'AFTER' });
      const r = await call('PostCommentReply', { inReplyTo: b.comment.commentId, content: 'R' }, BOB);
      const c = await post('C', { filePath: 'README.md', filePosition: 2, relativeFileVersion: 'AFTER' });
      const d = await post('D', { filePath: 'README.md', filePosition: 7, relativeFileVersion: 'AFTER' });
      // Neither other comparisons nor the pull request's comments on the same commits belong here.
      await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', afterCommitId: c3, content: 'no before' });
      await call('PostCommentForPullRequest', { pullRequestId: String(otherPull.pullRequestId), repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c3, content: 'on the PR' });

      const all = await call('GetCommentsForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c3 });
      expect(all.nextToken).toBeUndefined();
      const readme = { beforeBlobId: await blobOf(c1, 'README.md'), afterBlobId: await blobOf(c3, 'README.md') };
      expect(all.commentsForComparedCommitData).toEqual([
        { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c3, comments: [a.comment] },
        { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c3, ...readme, location: { filePath: 'README.md', filePosition: 2, relativeFileVersion: 'AFTER' }, comments: [b.comment, r.comment, c.comment] },
        { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c3, ...readme, location: { filePath: 'README.md', filePosition: 7, relativeFileVersion: 'AFTER' }, comments: [d.comment] },
      ]);

      const pages: Out[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call('GetCommentsForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c3, maxResults: 2, nextToken });
        pages.push(page);
        nextToken = page.nextToken;
      } while (nextToken);
      expect(pages.map((p) => p.commentsForComparedCommitData.map((g: Out) => g.comments.map((x: Out) => x.content)))).toEqual([[['A'], ['B']], [['R', 'C']], [['D']]]);

      const noBefore = await call('GetCommentsForComparedCommit', { repositoryName: 'repo-one', afterCommitId: c3 });
      expect(noBefore.commentsForComparedCommitData).toEqual([{ repositoryName: 'repo-one', afterCommitId: c3, comments: [expect.objectContaining({ content: 'no before' })] }]);
      expect((await call('GetCommentsForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c2, afterCommitId: c3 })).commentsForComparedCommitData).toEqual([]);
    });

    it('answers the modelled errors', async () => {
      const ok = { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2 };
      const get = (input: Record<string, unknown>) => errorOf('GetCommentsForComparedCommit', { ...ok, ...input });
      expect(await get({ repositoryName: undefined })).toBe('RepositoryNameRequiredException');
      expect(await get({ repositoryName: 'nope' })).toBe('RepositoryDoesNotExistException');
      expect(await get({ afterCommitId: undefined })).toBe('CommitIdRequiredException');
      expect(await get({ afterCommitId: 'HEAD' })).toBe('InvalidCommitIdException');
      expect(await get({ beforeCommitId: '1234' })).toBe('InvalidCommitIdException');
      expect(await get({ afterCommitId: MISSING_COMMIT })).toBe('CommitDoesNotExistException');
      expect(await get({ beforeCommitId: MISSING_COMMIT })).toBe('CommitDoesNotExistException');
      expect(await get({ maxResults: 0 })).toBe('InvalidMaxResultsException');
      expect(await get({ maxResults: -5 })).toBe('InvalidMaxResultsException');
      expect(await get({ nextToken: 'garbage' })).toBe('InvalidContinuationTokenException');
    });
  });

  describe('GetCommentsForPullRequest', () => {
    it('lists the comments of a pull request, all or for one comparison, grouped and paged', async () => {
      const id = String(otherPull.pullRequestId);
      const onC2 = await call('PostCommentForPullRequest', { pullRequestId: id, repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'on c2', location: { filePath: 'new.txt', filePosition: 1, relativeFileVersion: 'AFTER' } });
      const onC2Reply = await call('PostCommentReply', { inReplyTo: onC2.comment.commentId, content: 'reply on c2' }, CAROL);

      const all = await call('GetCommentsForPullRequest', { pullRequestId: id }, CAROL);
      expect(all.nextToken).toBeUndefined();
      expect(all.commentsForPullRequestData).toEqual([
        { pullRequestId: id, repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c3, comments: [expect.objectContaining({ content: 'on the PR' })] },
        {
          pullRequestId: id,
          repositoryName: 'repo-one',
          beforeCommitId: c1,
          afterCommitId: c2,
          afterBlobId: await blobOf(c2, 'new.txt'),
          location: { filePath: 'new.txt', filePosition: 1, relativeFileVersion: 'AFTER' },
          comments: [{ ...onC2.comment }, onC2Reply.comment],
        },
      ]);

      const filtered = await call('GetCommentsForPullRequest', { pullRequestId: id, repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2 }, CAROL);
      expect(filtered.commentsForPullRequestData.map((g: Out) => g.comments.map((c: Out) => c.content))).toEqual([['on c2', 'reply on c2']]);

      const first = await call('GetCommentsForPullRequest', { pullRequestId: id, maxResults: 2 });
      expect(first.commentsForPullRequestData.map((g: Out) => g.comments.map((c: Out) => c.content))).toEqual([['on the PR'], ['on c2']]);
      const second = await call('GetCommentsForPullRequest', { pullRequestId: id, maxResults: 2, nextToken: first.nextToken });
      expect(second.commentsForPullRequestData.map((g: Out) => g.comments.map((c: Out) => c.content))).toEqual([['reply on c2']]);
      expect(second.nextToken).toBeUndefined();
    });

    it('answers the modelled errors', async () => {
      const id = String(pull.pullRequestId);
      const get = (input: Record<string, unknown>) => errorOf('GetCommentsForPullRequest', { pullRequestId: id, ...input });
      expect(await get({ pullRequestId: undefined })).toBe('PullRequestIdRequiredException');
      expect(await get({ pullRequestId: '-1' })).toBe('InvalidPullRequestIdException');
      expect(await get({ pullRequestId: '424242' })).toBe('PullRequestDoesNotExistException');
      expect(await get({ beforeCommitId: c1, afterCommitId: c2 })).toBe('RepositoryNameRequiredException');
      expect(await get({ repositoryName: 'repo-one' })).toBe('CommitIdRequiredException');
      expect(await get({ repositoryName: 'repo-one', beforeCommitId: c1 })).toBe('CommitIdRequiredException');
      expect(await get({ repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: 'nothex' })).toBe('InvalidCommitIdException');
      expect(await get({ repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: MISSING_COMMIT })).toBe('CommitDoesNotExistException');
      expect(await get({ repositoryName: 'nope', beforeCommitId: c1, afterCommitId: c2 })).toBe('RepositoryDoesNotExistException');
      expect(await get({ repositoryName: 'repo-two', beforeCommitId: c1, afterCommitId: c2 })).toBe('RepositoryNotAssociatedWithPullRequestException');
      expect(await get({ maxResults: 0 })).toBe('InvalidMaxResultsException');
      expect(await get({ nextToken: '%%%' })).toBe('InvalidContinuationTokenException');
    });
  });

  describe('PutCommentReaction and GetCommentReactions', () => {
    it('keeps one reaction per user, in any accepted form, and reports them', async () => {
      const posted = await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c2, afterCommitId: c3, content: 'React to me' });
      const commentId = posted.comment.commentId;
      expect(await call('PutCommentReaction', { commentId, reactionValue: ':thumbsup:' }, BOB)).toEqual({});
      await call('PutCommentReaction', { commentId, reactionValue: '👍' }, ALICE);
      await call('PutCommentReaction', { commentId, reactionValue: 'U+1F680' }, CAROL);
      expect((await call('GetComment', { commentId }, BOB)).comment).toMatchObject({ callerReactions: ['THUMBSUP'], reactionCounts: { THUMBSUP: 2, ROCKET: 1 } });

      // A new value replaces the user's reaction.
      await call('PutCommentReaction', { commentId, reactionValue: '❤️' }, ALICE);
      expect((await call('GetComment', { commentId }, ALICE)).comment).toMatchObject({ callerReactions: ['HEART'], reactionCounts: { THUMBSUP: 1, HEART: 1, ROCKET: 1 } });
      expect(await db.getRepository(ReactionEntity).countBy({ commentId })).toBe(3);

      const reactions = await call('GetCommentReactions', { commentId });
      expect(reactions).toEqual({
        reactionsForComment: [
          { reaction: { emoji: '👍', shortCode: 'thumbsup', unicode: 'U+1F44D' }, reactionUsers: [BOB.arn], reactionsFromDeletedUsersCount: 0 },
          { reaction: { emoji: '❤️', shortCode: 'heart', unicode: 'U+2764' }, reactionUsers: [ALICE.arn], reactionsFromDeletedUsersCount: 0 },
          { reaction: { emoji: '🚀', shortCode: 'rocket', unicode: 'U+1F680' }, reactionUsers: [CAROL.arn], reactionsFromDeletedUsersCount: 0 },
        ],
      });
      expect((await call('GetCommentReactions', { commentId, reactionUserArn: CAROL.arn })).reactionsForComment).toEqual([
        { reaction: { emoji: '🚀', shortCode: 'rocket', unicode: 'U+1F680' }, reactionUsers: [CAROL.arn], reactionsFromDeletedUsersCount: 0 },
      ]);
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call('GetCommentReactions', { commentId, maxResults: 1, nextToken });
        expect(page.reactionsForComment).toHaveLength(1);
        seen.push(...page.reactionsForComment.flatMap((r: Out) => r.reactionUsers));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(seen.sort()).toEqual([ALICE.arn, BOB.arn, CAROL.arn].sort());

      // null, blank and "none" remove the caller's reaction.
      await call('PutCommentReaction', { commentId, reactionValue: 'none' }, BOB);
      await call('PutCommentReaction', { commentId, reactionValue: '' }, ALICE);
      await call('PutCommentReaction', { commentId, reactionValue: null }, CAROL);
      await call('PutCommentReaction', { commentId, reactionValue: 'none' }, CAROL);
      expect((await call('GetComment', { commentId }, BOB)).comment).toMatchObject({ callerReactions: [], reactionCounts: {} });
      expect(await call('GetCommentReactions', { commentId })).toEqual({ reactionsForComment: [] });

      // Listings carry the reactions too.
      await call('PutCommentReaction', { commentId, reactionValue: ':hooray:' }, BOB);
      const listed = await call('GetCommentsForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c2, afterCommitId: c3 }, BOB);
      expect(listed.commentsForComparedCommitData[0].comments[0]).toMatchObject({ commentId, callerReactions: ['HOORAY'], reactionCounts: { HOORAY: 1 } });
      const asAlice = await call('GetCommentsForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c2, afterCommitId: c3 }, ALICE);
      expect(asAlice.commentsForComparedCommitData[0].comments[0]).toMatchObject({ callerReactions: [], reactionCounts: { HOORAY: 1 } });
    });

    it('answers the modelled errors', async () => {
      const posted = await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c2, afterCommitId: c3, content: 'No silly reactions' });
      const commentId = posted.comment.commentId;
      const put = (input: Record<string, unknown>) => errorOf('PutCommentReaction', { commentId, reactionValue: ':eyes:', ...input });
      expect(await put({ commentId: undefined })).toBe('CommentIdRequiredException');
      expect(await put({ commentId: 'zzz' })).toBe('InvalidCommentIdException');
      expect(await put({ commentId: randomUUID() })).toBe('CommentDoesNotExistException');
      expect(await errorOf('PutCommentReaction', { commentId })).toBe('ReactionValueRequiredException');
      expect(await put({ reactionValue: ':poop:' })).toBe('InvalidReactionValueException');
      expect(await put({ reactionValue: 'great' })).toBe('InvalidReactionValueException');
      expect(await put({ reactionValue: ':thumbsup::heart:' })).toBe('ReactionLimitExceededException');
      expect(await put({ reactionValue: '👍 🎉' })).toBe('ReactionLimitExceededException');
      expect(await db.getRepository(ReactionEntity).countBy({ commentId })).toBe(0);

      const get = (input: Record<string, unknown>) => errorOf('GetCommentReactions', { commentId, ...input });
      expect(await get({ commentId: undefined })).toBe('CommentIdRequiredException');
      expect(await get({ commentId: '1' })).toBe('InvalidCommentIdException');
      expect(await get({ commentId: randomUUID() })).toBe('CommentDoesNotExistException');
      expect(await get({ reactionUserArn: 'bob' })).toBe('InvalidReactionUserArnException');
      expect(await get({ maxResults: 0 })).toBe('InvalidMaxResultsException');
      expect(await get({ nextToken: 'nope' })).toBe('InvalidContinuationTokenException');
    });
  });

  describe('repositoryOf', () => {
    it('names the repository (and destination) a comment belongs to, for authorization', async () => {
      const onCommits = await call('PostCommentForComparedCommit', { repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'where am I' });
      const onPull = await call('PostCommentForPullRequest', { pullRequestId: String(pull.pullRequestId), repositoryName: 'repo-one', beforeCommitId: c1, afterCommitId: c2, content: 'and I' });
      const reply = await call('PostCommentReply', { inReplyTo: onPull.comment.commentId, content: 'me too' });
      expect(await comments.repositoryOf(onCommits.comment.commentId)).toEqual({ repositoryName: 'repo-one', destinationReference: '' });
      expect(await comments.repositoryOf(onPull.comment.commentId)).toEqual({ repositoryName: 'repo-one', destinationReference: 'refs/heads/main' });
      expect(await comments.repositoryOf(reply.comment.commentId)).toEqual({ repositoryName: 'repo-one', destinationReference: 'refs/heads/main' });
      expect(await comments.repositoryOf(randomUUID())).toEqual({ repositoryName: '', destinationReference: '' });
      expect(await comments.repositoryOf('not-an-id')).toEqual({ repositoryName: '', destinationReference: '' });
      expect(await comments.repositoryOf('')).toEqual({ repositoryName: '', destinationReference: '' });
    });
  });
  describe('StorageCommitReader', () => {
    it("reads over git-storage's GitContent what the test reader reads with git", async () => {
      write('big.bin', 'a\n'.repeat(9 * 1024 * 1024));
      const c4 = await commit('fourth, with a file too large to count');
      const content = new ContentReader({ require: async () => join(gitDir, '.git') } as never);
      const server = await startGrpcServer('127.0.0.1', 0, [{ definition: storageContent.GitContentService, implementation: new ContentGrpcController(content).handlers as never }]);
      const storage = new StorageCommitReader({ storageAddress: `127.0.0.1:${server.port}` } as never);
      const local = new GitCommitReader(new Map([[repoOne.repositoryId, gitDir]]));
      try {
        const id = repoOne.repositoryId;
        for (const commitId of [c1, c2, c4, MISSING_COMMIT, await git('rev-parse', `${c1}^{tree}`)]) {
          expect(await storage.commitExists(id, commitId)).toBe(await local.commitExists(id, commitId));
        }
        expect(await storage.commitExists(id, c1)).toBe(true);
        for (const [commitId, path] of [[c1, 'README.md'], [c3, 'README.md'], [c1, 'src'], [c1, 'src/app.ts'], [c1, 'old.txt'], [c2, 'old.txt'], [c2, 'src/nope.ts'], [c2, 'README.md/x']]) {
          expect(await storage.pathAt(id, commitId, path)).toEqual(await local.pathAt(id, commitId, path));
        }
        expect(await storage.pathAt(id, c3, 'README.md')).toEqual({ type: 'file', blobId: await blobOf(c3, 'README.md'), lineCount: 7 });
        expect(await storage.pathAt(id, c4, 'big.bin')).toEqual({ type: 'file', blobId: await blobOf(c4, 'big.bin') });
      } finally {
        storage.onApplicationShutdown();
        await server.stop();
      }
    });
  });
});
