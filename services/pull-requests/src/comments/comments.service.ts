import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { optionalPositiveInt, optionalString, requiredString } from '@cairn/aws-protocol';
import { callUnary, createClient, domainCodeOf, pullRequests as pr, storageContent } from '@cairn/contracts';
import { appendToOutbox } from '@cairn/events';
import { PULL_REQUESTS_CONFIG, PullRequestsConfig } from '../config';
import { prError } from '../errors';
import { Upstreams } from '../upstreams';
import { PullRequestEntity } from '../pull-requests/pull-request.entity';
import { eventDetail } from '../pull-requests/pull-request-json';
import { EVENT_SOURCE } from '../pull-requests/pull-request-history';
import { decodePageToken, encodePageToken } from '../pull-requests/page-token';
import { PullRequestsService, pullRequestIdOf } from '../pull-requests/pull-requests.service';
import { CommentEntity, ReactionEntity } from './comment.entity';
import { parseReactionValue, reactionFormats, reactionKey, reactionNamed, REACTIONS } from './reactions';

type Input = Record<string, unknown>;
type Caller = pr.Caller;

const MAX_CONTENT = 10_240;
const MAX_TOKEN = 256;
const MAX_PATH_BYTES = 4096;
const DEFAULT_COMMENTS_PAGE = 100;
const MAX_COMMENTS_PAGE = 500;
const MAX_REACTIONS_PAGE = 1000;
const COMMIT_ID = /^[0-9a-f]{40}$/i;
const COMMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ARN = /^arn:aws:(iam|sts)::\d{12}:.+$/;
/** Files up to this size are read to check a comment's line number; larger ones are not counted. */
const MAX_COUNTED_BYTES = 16 * 1024 * 1024;

/** What a path names in one commit. */
export type PathAtCommit = { type: 'file'; blobId: string; lineCount?: number } | { type: 'folder' } | { type: 'missing' };

/**
 * The git reads comments need. The service uses storage's GitContent over gRPC
 * (StorageCommitReader); tests can read a repository of their own.
 */
export interface CommitReader {
  /** Whether the id names a commit of the repository. */
  commitExists(repositoryId: string, commitId: string): Promise<boolean>;
  /** What the path (already checked, without a leading "/") names in the commit. lineCount is left out for files too large to count. */
  pathAt(repositoryId: string, commitId: string, path: string): Promise<PathAtCommit>;
}

export const COMMIT_READER = Symbol('COMMIT_READER');

/** Lines of a file as an editor numbers them: a last line needs no newline; an empty file has none. */
export function countLines(content: Uint8Array): number {
  if (content.length === 0) return 0;
  let lines = 0;
  for (const byte of content) if (byte === 0x0a) lines++;
  return content[content.length - 1] === 0x0a ? lines : lines + 1;
}

/** CommitReader over git-storage's GitContent service. */
@Injectable()
export class StorageCommitReader implements CommitReader, OnApplicationShutdown {
  private readonly content: storageContent.GitContentClient;

  constructor(@Inject(PULL_REQUESTS_CONFIG) config: PullRequestsConfig) {
    this.content = createClient(storageContent.GitContentClient, config.storageAddress);
  }

  async commitExists(repositoryId: string, commitId: string): Promise<boolean> {
    const out = await callUnary(this.content, this.content.readCommits, { repositoryId, commitIds: [commitId] });
    return out.commits.some((c) => c.commitId === commitId);
  }

  async pathAt(repositoryId: string, commitId: string, path: string): Promise<PathAtCommit> {
    try {
      const file = await callUnary(this.content, this.content.readFile, { repositoryId, revision: commitId, path, maxBytes: MAX_COUNTED_BYTES });
      return { type: 'file', blobId: file.blobId, lineCount: countLines(file.content) };
    } catch (error) {
      const code = domainCodeOf(error);
      if (code === 'ObjectTooLarge') return this.uncountedFile(repositoryId, commitId, path);
      if (code === 'InvalidPath') throw prError('InvalidPathException', `The path ${path} is not valid.`);
      if (code !== 'PathNotFound') throw error;
    }
    try {
      await callUnary(this.content, this.content.readFolder, { repositoryId, revision: commitId, path });
      return { type: 'folder' };
    } catch (error) {
      if (domainCodeOf(error) === 'PathNotFound') return { type: 'missing' };
      throw error;
    }
  }

  /** A file too large to read whole: its blob id from its folder's listing. */
  private async uncountedFile(repositoryId: string, commitId: string, path: string): Promise<PathAtCommit> {
    const slash = path.lastIndexOf('/');
    const folder = await callUnary(this.content, this.content.readFolder, { repositoryId, revision: commitId, path: slash < 0 ? '' : path.slice(0, slash) });
    const entry = folder.entries.find((e) => e.name === path.slice(slash + 1));
    return entry ? { type: 'file', blobId: entry.objectId } : { type: 'missing' };
  }

  onApplicationShutdown(): void {
    this.content.close();
  }
}

/** CodeCommit's Location, as stored: the path is from the repository root, without a leading "/". */
interface CommentLocation {
  filePath: string;
  filePosition: number | null;
  relativeFileVersion: 'BEFORE' | 'AFTER';
}

/** The comparison a new comment is on, checked, with the blobs of its file. */
interface Placement {
  repositoryId: string;
  repositoryName: string;
  accountId: string;
  pullRequestId: number | null;
  beforeCommitId: string;
  afterCommitId: string;
  location: CommentLocation | null;
  beforeBlobId: string;
  afterBlobId: string;
  inReplyTo: string | null;
}

/**
 * Comments on compared commits and on pull requests, their replies, and emoji reactions.
 * A comment names the comparison it was made on (before and after commits) and optionally a
 * place in one version of a file; the blob ids of that file are kept with it. Posts are
 * idempotent per caller and clientRequestToken. Comments on a pull request publish
 * commentOnPullRequestCreated / commentOnPullRequestUpdated through the outbox.
 */
@Injectable()
export class CommentsService {
  constructor(
    private readonly db: DataSource,
    private readonly pullRequests: PullRequestsService,
    private readonly upstreams: Upstreams,
    @Inject(COMMIT_READER) private readonly commits: CommitReader,
  ) {}

  async postForComparedCommit(input: Input, caller: Caller) {
    const repositoryName = repositoryNameOf(input);
    const content = contentOf(input);
    const afterCommitId = commitIdOf(input, 'afterCommitId', true);
    const beforeCommitId = commitIdOf(input, 'beforeCommitId', false);
    if (beforeCommitId === afterCommitId) throw sameCommits();
    const token = tokenOf(input);
    const location = locationOf(input);
    const digest = digestOf(['PostCommentForComparedCommit', repositoryName, beforeCommitId, afterCommitId, location, content]);
    const replayed = await this.replay(caller, token, digest);
    if (replayed) return this.postOutput(replayed, caller);

    const repo = await this.upstreams.repository(repositoryName);
    const blobs = await this.checkComparison(repo.repositoryId, beforeCommitId, afterCommitId, location);
    const row = await this.post(caller, token, digest, content, {
      repositoryId: repo.repositoryId,
      repositoryName: repo.repositoryName,
      accountId: repo.accountId,
      pullRequestId: null,
      beforeCommitId,
      afterCommitId,
      location,
      ...blobs,
      inReplyTo: null,
    });
    return this.postOutput(row, caller);
  }

  async postForPullRequest(input: Input, caller: Caller) {
    const pullRequestId = pullRequestIdOf(input);
    const repositoryName = repositoryNameOf(input);
    const content = contentOf(input);
    const beforeCommitId = commitIdOf(input, 'beforeCommitId', true);
    const afterCommitId = commitIdOf(input, 'afterCommitId', true);
    if (beforeCommitId === afterCommitId) throw sameCommits();
    const token = tokenOf(input);
    const location = locationOf(input);
    const digest = digestOf(['PostCommentForPullRequest', pullRequestId, repositoryName, beforeCommitId, afterCommitId, location, content]);
    const replayed = await this.replay(caller, token, digest);
    if (replayed) return this.postOutput(replayed, caller);

    const pull = await this.pullRequests.require(input);
    const repo = await this.upstreams.repository(repositoryName);
    if (repo.repositoryId !== pull.repositoryId) throw notAssociated(pull, repositoryName);
    const blobs = await this.checkComparison(repo.repositoryId, beforeCommitId, afterCommitId, location);
    const row = await this.post(caller, token, digest, content, {
      repositoryId: repo.repositoryId,
      repositoryName: repo.repositoryName,
      accountId: repo.accountId,
      pullRequestId: pull.pullRequestId,
      beforeCommitId,
      afterCommitId,
      location,
      ...blobs,
      inReplyTo: null,
    });
    return this.postOutput(row, caller);
  }

  async postReply(input: Input, caller: Caller) {
    const inReplyTo = commentIdOf(input, 'inReplyTo');
    const content = contentOf(input);
    const token = tokenOf(input);
    const digest = digestOf(['PostCommentReply', inReplyTo, content]);
    const replayed = await this.replay(caller, token, digest);
    if (replayed) return { comment: await this.json(replayed, caller) };

    const parent = await this.find(inReplyTo);
    const row = await this.post(caller, token, digest, content, {
      repositoryId: parent.repositoryId,
      repositoryName: parent.repositoryName,
      accountId: parent.accountId,
      pullRequestId: parent.pullRequestId,
      beforeCommitId: parent.beforeCommitId,
      afterCommitId: parent.afterCommitId,
      location: locationOfRow(parent),
      beforeBlobId: parent.beforeBlobId,
      afterBlobId: parent.afterBlobId,
      inReplyTo: parent.commentId,
    });
    return { comment: await this.json(row, caller) };
  }

  async get(input: Input, caller: Caller) {
    const row = await this.find(commentIdOf(input, 'commentId'));
    if (row.deleted) throw deletedError(row);
    return { comment: await this.json(row, caller) };
  }

  async getForComparedCommit(input: Input, caller: Caller) {
    const repositoryName = repositoryNameOf(input);
    const afterCommitId = commitIdOf(input, 'afterCommitId', true);
    const beforeCommitId = commitIdOf(input, 'beforeCommitId', false);
    const limit = pageSize(input, DEFAULT_COMMENTS_PAGE, MAX_COMMENTS_PAGE);
    const after = decodePageToken(input);
    const repo = await this.upstreams.repository(repositoryName);
    await this.requireCommits(repo.repositoryId, [beforeCommitId, afterCommitId]);
    const query = this.db
      .getRepository(CommentEntity)
      .createQueryBuilder('c')
      .where('c.repositoryId = :repositoryId AND c.afterCommitId = :afterCommitId AND c.beforeCommitId = :beforeCommitId', { repositoryId: repo.repositoryId, afterCommitId, beforeCommitId })
      .andWhere('c.pullRequestId IS NULL')
      .orderBy('c.sequence', 'ASC')
      .take(limit + 1);
    if (after !== undefined) query.andWhere('c.sequence > :after', { after });
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    const groups = await this.groups(page, caller);
    return {
      commentsForComparedCommitData: groups.map((g) => ({ repositoryName: repo.repositoryName, ...g })),
      nextToken: rows.length > limit ? encodePageToken(page[page.length - 1].sequence) : undefined,
    };
  }

  async getForPullRequest(input: Input, caller: Caller) {
    pullRequestIdOf(input);
    const repositoryName = optionalString(input, 'repositoryName');
    const beforeCommitId = commitIdOf(input, 'beforeCommitId', false);
    const afterCommitId = commitIdOf(input, 'afterCommitId', false);
    // The three go together: naming a comparison needs its repository and both commits. A
    // repositoryName that is present but empty breaks the model's min length: it is not "absent".
    const named = input.repositoryName !== undefined && input.repositoryName !== null;
    const filtered = !!(named || beforeCommitId || afterCommitId);
    if (filtered && !repositoryName) throw prError('RepositoryNameRequiredException', named ? 'A repository name is required, but was not specified.' : 'A repository name is required with beforeCommitId and afterCommitId.');
    if (filtered && (!beforeCommitId || !afterCommitId)) throw prError('CommitIdRequiredException', 'Both beforeCommitId and afterCommitId are required with repositoryName.');
    const limit = pageSize(input, DEFAULT_COMMENTS_PAGE, MAX_COMMENTS_PAGE);
    const after = decodePageToken(input);
    const pull = await this.pullRequests.require(input);
    if (filtered) {
      const repo = await this.upstreams.repository(repositoryName);
      if (repo.repositoryId !== pull.repositoryId) throw notAssociated(pull, repositoryName);
      await this.requireCommits(repo.repositoryId, [beforeCommitId, afterCommitId]);
    }
    const query = this.db
      .getRepository(CommentEntity)
      .createQueryBuilder('c')
      .where('c.pullRequestId = :pullRequestId', { pullRequestId: pull.pullRequestId })
      .orderBy('c.sequence', 'ASC')
      .take(limit + 1);
    if (filtered) query.andWhere('c.beforeCommitId = :beforeCommitId AND c.afterCommitId = :afterCommitId', { beforeCommitId, afterCommitId });
    if (after !== undefined) query.andWhere('c.sequence > :after', { after });
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    const groups = await this.groups(page, caller);
    return {
      commentsForPullRequestData: groups.map((g) => ({ pullRequestId: String(pull.pullRequestId), repositoryName: pull.repositoryName, ...g })),
      nextToken: rows.length > limit ? encodePageToken(page[page.length - 1].sequence) : undefined,
    };
  }

  async update(input: Input, caller: Caller) {
    const commentId = commentIdOf(input, 'commentId');
    const content = contentOf(input);
    const row = await this.change(commentId, caller, 'commentOnPullRequestUpdated', (comment) => {
      if (comment.authorArn !== caller.arn) throw prError('CommentNotCreatedByCallerException', 'Only the author of a comment can change it.');
      comment.content = content;
    });
    return { comment: await this.json(row, caller) };
  }

  /** Blanks a comment's content and marks it deleted; the comment (and its replies) stay. */
  async deleteContent(input: Input, caller: Caller) {
    const commentId = commentIdOf(input, 'commentId');
    const row = await this.change(commentId, caller, 'commentOnPullRequestUpdated', (comment) => {
      comment.content = '';
      comment.deleted = true;
    });
    return { comment: await this.json(row, caller) };
  }

  /** Sets, changes or (null, blank, "none") removes the caller's one reaction to a comment. */
  async putReaction(input: Input, caller: Caller) {
    const commentId = commentIdOf(input, 'commentId');
    const request = parseReactionValue(input);
    await this.db.transaction(async (manager) => {
      const comment = await this.lockComment(manager, commentId);
      if (comment.deleted) throw deletedError(comment);
      const key = { commentId, userArn: caller.arn };
      if (request.remove) {
        await manager.delete(ReactionEntity, key);
        return;
      }
      const existing = await manager.findOneBy(ReactionEntity, key);
      if (existing) await manager.update(ReactionEntity, { reactionId: existing.reactionId }, { reaction: request.reaction.name, reactedAt: new Date() });
      else await manager.insert(ReactionEntity, { ...key, reaction: request.reaction.name, reactedAt: new Date() });
    });
    return {};
  }

  async getReactions(input: Input) {
    const commentId = commentIdOf(input, 'commentId');
    const userArn = optionalString(input, 'reactionUserArn');
    if (userArn && !ARN.test(userArn)) throw prError('InvalidReactionUserArnException', `The ARN ${userArn} is not valid.`);
    const limit = pageSize(input, MAX_REACTIONS_PAGE, MAX_REACTIONS_PAGE);
    const after = decodePageToken(input);
    const comment = await this.find(commentId);
    if (comment.deleted) throw deletedError(comment);
    const query = this.db
      .getRepository(ReactionEntity)
      .createQueryBuilder('r')
      .where('r.commentId = :commentId', { commentId })
      .orderBy('r.reactionId', 'ASC')
      .take(limit + 1);
    if (userArn) query.andWhere('r.userArn = :userArn', { userArn });
    if (after !== undefined) query.andWhere('r.reactionId > :after', { after });
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    const reactionsForComment = REACTIONS.map((reaction) => ({
      reaction: reactionFormats(reaction),
      reactionUsers: page.filter((r) => r.reaction === reaction.name).map((r) => r.userArn),
      reactionsFromDeletedUsersCount: 0,
    })).filter((r) => r.reactionUsers.length > 0);
    return { reactionsForComment, nextToken: rows.length > limit ? encodePageToken(page[page.length - 1].reactionId) : undefined };
  }

  /**
   * The repository a comment belongs to, for the gateway's authorization of the operations that
   * name only a comment: a pull request's repository and destination, or the repository of the
   * compared commits (no destination). Empty strings when there is no such comment.
   */
  async repositoryOf(commentId: string): Promise<{ repositoryName: string; destinationReference: string }> {
    const none = { repositoryName: '', destinationReference: '' };
    if (!COMMENT_ID.test(commentId)) return none;
    const row = await this.db.getRepository(CommentEntity).findOneBy({ commentId: commentId.toLowerCase() });
    if (!row) return none;
    if (row.pullRequestId === null) return { repositoryName: row.repositoryName, destinationReference: '' };
    const pull = await this.db.getRepository(PullRequestEntity).findOneBy({ pullRequestId: row.pullRequestId });
    return { repositoryName: pull?.repositoryName ?? row.repositoryName, destinationReference: pull?.destinationReference ?? '' };
  }

  /** The commits exist, and the located file is in the version the location names. */
  private async checkComparison(repositoryId: string, beforeCommitId: string, afterCommitId: string, location: CommentLocation | null): Promise<{ beforeBlobId: string; afterBlobId: string }> {
    await this.requireCommits(repositoryId, [beforeCommitId, afterCommitId]);
    if (!location) return { beforeBlobId: '', afterBlobId: '' };
    const missing: PathAtCommit = { type: 'missing' };
    const [before, after] = await Promise.all([
      beforeCommitId ? this.commits.pathAt(repositoryId, beforeCommitId, location.filePath) : missing,
      this.commits.pathAt(repositoryId, afterCommitId, location.filePath),
    ]);
    const side = location.relativeFileVersion === 'BEFORE' ? before : after;
    const commitId = location.relativeFileVersion === 'BEFORE' ? beforeCommitId : afterCommitId;
    if (side.type === 'folder') throw prError('InvalidFileLocationException', `${location.filePath} is a folder; a location names a file, with its extension.`);
    if (side.type === 'missing') throw prError('PathDoesNotExistException', commitId ? `${location.filePath} does not exist in commit ${commitId}.` : `There is no before commit, so ${location.filePath} has no BEFORE version.`);
    if (location.filePosition !== null && side.lineCount !== undefined && location.filePosition > side.lineCount) {
      throw prError('InvalidFilePositionException', `${location.filePath} has ${side.lineCount} lines in commit ${commitId}; there is no line ${location.filePosition}.`);
    }
    return { beforeBlobId: before.type === 'file' ? before.blobId : '', afterBlobId: after.type === 'file' ? after.blobId : '' };
  }

  private async requireCommits(repositoryId: string, commitIds: string[]): Promise<void> {
    for (const commitId of commitIds.filter(Boolean)) {
      if (!(await this.commits.commitExists(repositoryId, commitId))) throw prError('CommitDoesNotExistException', `Commit ${commitId} does not exist in the repository.`);
    }
  }

  /** The comment a token already made for this caller, when the request is the same; a different request is a mismatch. */
  private async replay(caller: Caller, token: string | null, digest: string): Promise<CommentEntity | undefined> {
    if (token === null) return undefined;
    const existing = await this.db.getRepository(CommentEntity).findOneBy({ idempotencyKey: idempotencyKeyOf(caller, token) });
    if (!existing) return undefined;
    if (existing.requestDigest !== digest) throw prError('IdempotencyParameterMismatchException', 'The client request token was already used with different parameters.');
    return existing;
  }

  private async post(caller: Caller, token: string | null, digest: string, content: string, placement: Placement): Promise<CommentEntity> {
    const { location, ...rest } = placement;
    try {
      return await this.db.transaction(async (manager) => {
        const pull = placement.pullRequestId !== null ? await this.pullRequests.lock(manager, placement.pullRequestId) : undefined;
        const now = new Date();
        const row = manager.create(CommentEntity, {
          ...rest,
          filePath: location?.filePath ?? null,
          filePosition: location?.filePosition ?? null,
          relativeFileVersion: location?.relativeFileVersion ?? null,
          commentId: randomUUID(),
          content,
          deleted: false,
          authorArn: caller.arn,
          clientRequestToken: token,
          idempotencyKey: token === null ? null : idempotencyKeyOf(caller, token),
          requestDigest: digest,
          creationDate: now,
          lastModifiedDate: now,
        });
        await manager.insert(CommentEntity, row);
        if (pull) await this.recordOnPullRequest(manager, pull, row, caller, 'commentOnPullRequestCreated');
        return row;
      });
    } catch (error) {
      // Two posts with the same token raced: the loser answers with the winner's comment.
      const existing = await this.replay(caller, token, digest);
      if (existing) return existing;
      throw error;
    }
  }

  /** Changes a comment that is not deleted, in a transaction that holds its pull request (first) and it. */
  private async change(commentId: string, caller: Caller, event: string, apply: (comment: CommentEntity) => void): Promise<CommentEntity> {
    const current = await this.find(commentId);
    return this.db.transaction(async (manager) => {
      const pull = current.pullRequestId !== null ? await this.pullRequests.lock(manager, current.pullRequestId) : undefined;
      const comment = await this.lockComment(manager, commentId);
      if (comment.deleted) throw deletedError(comment);
      apply(comment);
      comment.lastModifiedDate = new Date();
      await manager.save(comment);
      if (pull) await this.recordOnPullRequest(manager, pull, comment, caller, event);
      return comment;
    });
  }

  /** A comment is activity on its pull request, and an EventBridge "Comment on Pull Request" event. */
  private async recordOnPullRequest(manager: EntityManager, pull: PullRequestEntity, comment: CommentEntity, caller: Caller, event: string): Promise<void> {
    pull.lastActivityDate = new Date();
    await manager.save(pull);
    const verb = event === 'commentOnPullRequestCreated' ? 'made' : 'updated';
    await appendToOutbox(manager, EVENT_SOURCE, 'pull-request.changed', {
      repositoryId: pull.repositoryId,
      accountId: comment.accountId || caller.accountId,
      detailType: 'CodeCommit Comment on Pull Request',
      detail: eventDetail(pull, event, caller.arn, {
        commentId: comment.commentId,
        inReplyTo: comment.inReplyTo ?? undefined,
        notificationBody: `A comment was ${verb} on pull request ${pull.pullRequestId} (${pull.title}) in ${pull.repositoryName} by ${caller.arn}.`,
      }),
    });
  }

  private async find(commentId: string): Promise<CommentEntity> {
    const row = await this.db.getRepository(CommentEntity).findOneBy({ commentId });
    if (!row) throw prError('CommentDoesNotExistException', `Comment ${commentId} does not exist.`);
    return row;
  }

  private async lockComment(manager: EntityManager, commentId: string): Promise<CommentEntity> {
    const row = await manager.getRepository(CommentEntity).createQueryBuilder('c').setLock('pessimistic_write').where('c.commentId = :commentId', { commentId }).getOne();
    if (!row) throw prError('CommentDoesNotExistException', `Comment ${commentId} does not exist.`);
    return row;
  }

  private async postOutput(row: CommentEntity, caller: Caller) {
    return {
      repositoryName: row.repositoryName,
      pullRequestId: row.pullRequestId === null ? undefined : String(row.pullRequestId),
      ...comparisonJson(row),
      comment: await this.json(row, caller),
    };
  }

  private async json(row: CommentEntity, caller: Caller) {
    return (await this.jsonAll([row], caller))[0];
  }

  /** CodeCommit's Comment for each row, with the caller's reactions and the counts of all. */
  private async jsonAll(rows: CommentEntity[], caller: Caller) {
    const ids = rows.map((r) => r.commentId);
    if (ids.length === 0) return [];
    const counts = await this.db
      .getRepository(ReactionEntity)
      .createQueryBuilder('r')
      .select('r.commentId', 'commentId')
      .addSelect('r.reaction', 'reaction')
      .addSelect('COUNT(*)', 'count')
      .where('r.commentId IN (:...ids)', { ids })
      .groupBy('r.commentId')
      .addGroupBy('r.reaction')
      .getRawMany<{ commentId: string; reaction: string; count: string }>();
    const mine = caller.arn ? await this.db.getRepository(ReactionEntity).findBy({ commentId: In(ids), userArn: caller.arn }) : [];
    return rows.map((row) => {
      const reactionCounts: Record<string, number> = {};
      for (const reaction of REACTIONS) {
        const count = counts.find((c) => c.commentId === row.commentId && c.reaction === reaction.name);
        if (count) reactionCounts[reactionKey(reaction)] = Number(count.count);
      }
      const callerReactions = mine
        .filter((r) => r.commentId === row.commentId)
        .map((r) => reactionNamed(r.reaction))
        .filter((r) => r !== undefined)
        .map(reactionKey);
      return {
        commentId: row.commentId,
        content: row.deleted ? undefined : row.content,
        inReplyTo: row.inReplyTo ?? undefined,
        creationDate: row.creationDate.getTime() / 1000,
        lastModifiedDate: row.lastModifiedDate.getTime() / 1000,
        authorArn: row.authorArn,
        deleted: row.deleted,
        clientRequestToken: row.clientRequestToken ?? undefined,
        callerReactions,
        reactionCounts,
      };
    });
  }

  /** A page of comments grouped by comparison and location, groups in order of their first comment. */
  private async groups(rows: CommentEntity[], caller: Caller) {
    const json = await this.jsonAll(rows, caller);
    const groups = new Map<string, { first: CommentEntity; comments: typeof json }>();
    rows.forEach((row, i) => {
      const key = JSON.stringify([row.beforeCommitId, row.afterCommitId, row.filePath, row.filePosition, row.relativeFileVersion]);
      const group = groups.get(key) ?? { first: row, comments: [] };
      group.comments.push(json[i]);
      groups.set(key, group);
    });
    return [...groups.values()].map(({ first, comments }) => ({ ...comparisonJson(first), comments }));
  }
}

/** The comparison and location members shared by the post outputs and the listings. */
function comparisonJson(row: CommentEntity) {
  const location = locationOfRow(row);
  return {
    beforeCommitId: row.beforeCommitId || undefined,
    afterCommitId: row.afterCommitId,
    beforeBlobId: row.beforeBlobId || undefined,
    afterBlobId: row.afterBlobId || undefined,
    location: location ? { filePath: location.filePath, filePosition: location.filePosition ?? undefined, relativeFileVersion: location.relativeFileVersion } : undefined,
  };
}

function locationOfRow(row: CommentEntity): CommentLocation | null {
  if (row.filePath === null) return null;
  return { filePath: row.filePath, filePosition: row.filePosition, relativeFileVersion: row.relativeFileVersion === 'BEFORE' ? 'BEFORE' : 'AFTER' };
}

function repositoryNameOf(input: Input): string {
  return requiredString(input, 'repositoryName', 'RepositoryNameRequiredException', 'A repository name is required.');
}

function contentOf(input: Input): string {
  const content = requiredString(input, 'content', 'CommentContentRequiredException', 'The comment content is required.');
  if ([...content].length > MAX_CONTENT) throw prError('CommentContentSizeLimitExceededException', `Comments are limited to ${MAX_CONTENT} characters.`);
  return content;
}

/** A full commit id, lower-cased; '' when it is optional and absent. */
function commitIdOf(input: Input, member: string, required: boolean): string {
  const value = optionalString(input, member);
  if (value === '') {
    if (required) throw prError('CommitIdRequiredException', `A commit ID (${member}) is required.`);
    return '';
  }
  if (!COMMIT_ID.test(value)) throw prError('InvalidCommitIdException', `${value} is not a full commit ID.`);
  return value.toLowerCase();
}

function commentIdOf(input: Input, member: string): string {
  const value = requiredString(input, member, 'CommentIdRequiredException', `A comment ID (${member}) is required.`);
  if (!COMMENT_ID.test(value)) throw prError('InvalidCommentIdException', `${value} is not a comment ID.`);
  return value.toLowerCase();
}

/**
 * clientRequestToken: absent means no idempotency (SDKs always fill one in); given, it must be
 * non-empty, at most 256 characters and free of control characters.
 */
function tokenOf(input: Input): string | null {
  if (input.clientRequestToken === undefined || input.clientRequestToken === null) return null;
  const token = optionalString(input, 'clientRequestToken');
  if (token === '') throw prError('ClientRequestTokenRequiredException', 'The client request token is empty; give one, or leave the member out.');
  if (token.length > MAX_TOKEN || /[\u0000-\u001f\u007f]/.test(token)) throw prError('InvalidClientRequestTokenException', `The client request token is not valid (at most ${MAX_TOKEN} printable characters).`);
  return token;
}

/**
 * location: absent for a general comment on the comparison. filePath is required (a leading "/"
 * is dropped); relativeFileVersion is BEFORE or AFTER (AFTER when left out); filePosition is a
 * line number from 1, or left out for a comment on the file as a whole.
 */
function locationOf(input: Input): CommentLocation | null {
  const raw = input.location;
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw prError('InvalidFileLocationException', 'The location must be an object with filePath, filePosition and relativeFileVersion.');
  const location = raw as Input;
  const filePath = optionalString(location, 'filePath').replace(/^\/+/, '');
  if (filePath === '') throw prError('PathRequiredException', 'A location needs a filePath.');
  const segments = filePath.split('/');
  if (Buffer.byteLength(filePath) > MAX_PATH_BYTES || filePath.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw prError('InvalidPathException', `The path ${JSON.stringify(filePath)} is not valid.`);
  }
  const version = location.relativeFileVersion ?? 'AFTER';
  if (version !== 'BEFORE' && version !== 'AFTER') throw prError('InvalidRelativeFileVersionEnumException', `relativeFileVersion must be BEFORE or AFTER, not ${JSON.stringify(version)}.`);
  const position = location.filePosition ?? null;
  if (position !== null && (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 1)) {
    throw prError('InvalidFilePositionException', `filePosition must be a line number from 1, not ${JSON.stringify(position)}.`);
  }
  return { filePath, filePosition: position, relativeFileVersion: version };
}

function pageSize(input: Input, fallback: number, max: number): number {
  return Math.min(optionalPositiveInt(input, 'maxResults', 'InvalidMaxResultsException') || fallback, max);
}

function digestOf(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function idempotencyKeyOf(caller: Caller, token: string): string {
  return createHash('sha256').update(`${caller.arn}\0${token}`).digest('hex');
}

const sameCommits = () => prError('BeforeCommitIdAndAfterCommitIdAreSameException', 'The before and after commits are the same; a comparison needs two different commits.');
const notAssociated = (pull: PullRequestEntity, repositoryName: string) => prError('RepositoryNotAssociatedWithPullRequestException', `Pull request ${pull.pullRequestId} is not in ${repositoryName}.`);
const deletedError = (row: CommentEntity) => prError('CommentDeletedException', `Comment ${row.commentId} has been deleted.`);
