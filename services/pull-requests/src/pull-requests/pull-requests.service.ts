import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { optionalObjectList, optionalPositiveInt, optionalString, requiredString } from '@cairn/aws-protocol';
import { callUnary, domainCodeOf, pullRequests as pr, storageMerge as sm } from '@cairn/contracts';
import { conflictSettings, mergeCommitFields } from '@cairn/codecommit';
import { PULL_REQUESTS_CONFIG, PullRequestsConfig } from '../config';
import { prError } from '../errors';
import { Upstreams } from '../upstreams';
import { ApprovalRuleEntity, PullRequestEntity, PullRequestEventEntity } from './pull-request.entity';
import { pullRequestJson } from './pull-request-json';
import { recordChange } from './pull-request-history';
import { decodePageToken, encodePageToken } from './page-token';
import { RuleTemplates } from '../templates/rule-templates';

type Input = Record<string, unknown>;
type Caller = pr.Caller;

const MAX_TITLE = 150;
const MAX_DESCRIPTION = 10_240;
const EVENT_TYPES = [
  'PULL_REQUEST_CREATED',
  'PULL_REQUEST_SOURCE_REFERENCE_UPDATED',
  'PULL_REQUEST_STATUS_CHANGED',
  'PULL_REQUEST_MERGE_STATE_CHANGED',
  'PULL_REQUEST_APPROVAL_RULE_CREATED',
  'PULL_REQUEST_APPROVAL_RULE_UPDATED',
  'PULL_REQUEST_APPROVAL_RULE_DELETED',
  'PULL_REQUEST_APPROVAL_RULE_OVERRIDDEN',
  'PULL_REQUEST_APPROVAL_STATE_CHANGED',
];
const ARN = /^arn:aws:(iam|sts)::\d{12}:.+$/;
/** A fast-forward has no conflicts to settle. */
const NO_CONFLICT_SETTINGS = { detailLevel: sm.ConflictDetailLevel.CONFLICT_DETAIL_LEVEL_UNSPECIFIED, strategy: sm.ConflictResolutionStrategy.CONFLICT_RESOLUTION_STRATEGY_UNSPECIFIED, resolution: undefined };
const MERGE_OPTION_NAMES: Partial<Record<sm.MergeOption, string>> = {
  [sm.MergeOption.FAST_FORWARD_MERGE]: 'FAST_FORWARD_MERGE',
  [sm.MergeOption.SQUASH_MERGE]: 'SQUASH_MERGE',
  [sm.MergeOption.THREE_WAY_MERGE]: 'THREE_WAY_MERGE',
};

/** The revision of a pull request at a source commit: approvals are given to one revision. */
export function revisionOf(pullRequestId: number, sourceCommit: string): string {
  return createHash('sha256').update(`${pullRequestId}/${sourceCommit}`).digest('hex');
}

/** A branch name or full ref as a full ref; only branches can be a pull request's ends. */
function branchRefOf(reference: string): string {
  const ref = reference.startsWith('refs/') ? reference : `refs/heads/${reference}`;
  if (!ref.startsWith('refs/heads/')) throw prError('ReferenceTypeNotSupportedException', `${reference} is not a branch; pull requests are between branches.`);
  if (ref.length > 256 || /[\s~^:?*[\\]|\.\.|@\{|\/\/|\/$|\.lock$|\.$/.test(ref.slice('refs/heads/'.length)) || ref === 'refs/heads/') throw prError('InvalidReferenceNameException', `${reference} is not a valid reference name.`);
  return ref;
}

/**
 * Pull requests: their one target, status, revisions and merge state. A pull request follows its
 * branches: `refresh` reads the current tips, starts a new revision when the source moved and
 * marks the pull request merged (and closed) when the destination holds the source, whether the
 * merge came through the API or a push.
 */
@Injectable()
export class PullRequestsService {
  constructor(
    private readonly db: DataSource,
    private readonly upstreams: Upstreams,
    private readonly templates: RuleTemplates,
    @Inject(PULL_REQUESTS_CONFIG) private readonly config: PullRequestsConfig,
  ) {}

  async create(input: Input, caller: Caller) {
    const title = requiredString(input, 'title', 'TitleRequiredException', 'A pull request title is required.');
    if (title.length > MAX_TITLE) throw prError('InvalidTitleException', `The title is limited to ${MAX_TITLE} characters.`);
    const description = optionalString(input, 'description');
    if (description.length > MAX_DESCRIPTION) throw prError('InvalidDescriptionException', `The description is limited to ${MAX_DESCRIPTION} characters.`);
    if (input.targets === undefined || input.targets === null) throw prError('TargetsRequiredException', 'A pull request needs a target.');
    const targets = optionalObjectList(input, 'targets');
    if (targets.length === 0) throw prError('TargetsRequiredException', 'A pull request needs a target.');
    const names = new Set(targets.map((t) => optionalString(t, 'repositoryName')));
    if (names.size > 1) throw prError('MultipleRepositoriesInPullRequestException', 'A pull request can target one repository only.');
    if (targets.length > 1) throw prError('InvalidTargetsException', 'A pull request has exactly one target.');
    const target = targets[0];
    const repositoryName = requiredString(target, 'repositoryName', 'RepositoryNameRequiredException', 'A repository name is required.');
    const sourceName = requiredString(target, 'sourceReference', 'ReferenceNameRequiredException', 'A source reference is required.');
    const token = optionalString(input, 'clientRequestToken');
    if (token.length > 256) throw prError('InvalidClientRequestTokenException', 'The client request token is too long.');
    const digest = createHash('sha256').update(JSON.stringify([title, description, repositoryName, sourceName, optionalString(target, 'destinationReference')])).digest('hex');
    if (token) {
      const existing = await this.db.getRepository(PullRequestEntity).findOneBy({ clientRequestToken: token });
      if (existing) return this.replay(existing, digest);
    }

    const repo = await this.upstreams.repository(repositoryName);
    const sourceReference = branchRefOf(sourceName);
    const destinationName = optionalString(target, 'destinationReference') || repo.defaultBranch;
    if (!destinationName) throw prError('ReferenceDoesNotExistException', `${repositoryName} has no default branch; name a destination reference.`);
    const destinationReference = branchRefOf(destinationName);
    if (sourceReference === destinationReference) throw prError('SourceAndDestinationAreSameException', 'The source and destination are the same branch.');
    const tips = await this.upstreams.tips(repo.repositoryId, [sourceReference, destinationReference]);
    for (const ref of [sourceReference, destinationReference]) if (!tips.has(ref)) throw prError('ReferenceDoesNotExistException', `${ref} does not exist in ${repositoryName}.`);
    const sourceCommit = tips.get(sourceReference)!;
    const destinationCommit = tips.get(destinationReference)!;
    const { mergeBase } = await this.upstreams.mergeState(repo.repositoryId, sourceCommit, destinationCommit);
    const openCount = await this.db.getRepository(PullRequestEntity).countBy({ repositoryId: repo.repositoryId, status: 'OPEN' });
    if (openCount >= this.config.maxOpenPullRequests) throw prError('MaximumOpenPullRequestsExceededException', `${repositoryName} has ${openCount} open pull requests, the most allowed.`);

    const rulesFromTemplates = await this.templates.rulesFor(repo.repositoryId, destinationReference);
    try {
      const created = await this.db.transaction(async (manager) => {
        const now = new Date();
        const row = manager.create(PullRequestEntity, {
          title,
          description,
          status: 'OPEN',
          authorArn: caller.arn,
          clientRequestToken: token || null,
          requestDigest: digest,
          creationDate: now,
          lastActivityDate: now,
          revisionId: '',
          repositoryId: repo.repositoryId,
          repositoryName: repo.repositoryName,
          sourceReference,
          destinationReference,
          sourceCommit,
          destinationCommit,
          mergeBase,
        });
        const { pullRequestId } = await manager.save(row);
        row.revisionId = revisionOf(pullRequestId, sourceCommit);
        await manager.update(PullRequestEntity, { pullRequestId }, { revisionId: row.revisionId });
        for (const rule of rulesFromTemplates) await manager.insert(ApprovalRuleEntity, { ...rule, pullRequestId, creationDate: now, lastModifiedDate: now, lastModifiedUser: caller.arn });
        await recordChange(manager, row, caller.arn, repo.accountId, {
          type: 'PULL_REQUEST_CREATED',
          metadata: { pullRequestCreatedEventMetadata: { repositoryName: repo.repositoryName, sourceCommitId: sourceCommit, destinationCommitId: destinationCommit, mergeBase: mergeBase || undefined } },
          event: 'pullRequestCreated',
        });
        return row;
      });
      return { pullRequest: await this.json(created) };
    } catch (error) {
      // Two requests with the same token raced: the loser answers with the winner's pull request.
      const existing = token ? await this.db.getRepository(PullRequestEntity).findOneBy({ clientRequestToken: token }) : null;
      if (existing) return this.replay(existing, digest);
      throw error;
    }
  }

  async get(input: Input) {
    return { pullRequest: await this.json(await this.require(input)) };
  }

  async list(input: Input) {
    const repo = await this.upstreams.repository(requiredString(input, 'repositoryName', 'RepositoryNameRequiredException', 'A repository name is required.'));
    const status = optionalString(input, 'pullRequestStatus');
    if (status && status !== 'OPEN' && status !== 'CLOSED') throw prError('InvalidPullRequestStatusException', `The status ${status} is not valid.`);
    const author = optionalString(input, 'authorArn');
    if (author && !ARN.test(author)) throw prError('InvalidAuthorArnException', `The author ARN ${author} is not valid.`);
    const limit = Math.min(optionalPositiveInt(input, 'maxResults', 'InvalidMaxResultsException') || 100, 1000);
    const before = decodePageToken(input);
    const query = this.db
      .getRepository(PullRequestEntity)
      .createQueryBuilder('pr')
      .select('pr.pullRequestId')
      .where('pr.repositoryId = :id', { id: repo.repositoryId })
      .orderBy('pr.pullRequestId', 'DESC')
      .take(limit + 1);
    if (status) query.andWhere('pr.status = :status', { status });
    if (author) query.andWhere('pr.authorArn = :author', { author });
    if (before !== undefined) query.andWhere('pr.pullRequestId < :before', { before });
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    return { pullRequestIds: page.map((r) => String(r.pullRequestId)), nextToken: rows.length > limit ? encodePageToken(page[page.length - 1].pullRequestId) : undefined };
  }

  async describeEvents(input: Input) {
    const pull = await this.require(input);
    const type = optionalString(input, 'pullRequestEventType');
    if (type && !EVENT_TYPES.includes(type)) throw prError('InvalidPullRequestEventTypeException', `The event type ${type} is not valid.`);
    const actor = optionalString(input, 'actorArn');
    if (actor && !ARN.test(actor)) throw prError('InvalidActorArnException', `The actor ARN ${actor} is not valid.`);
    const limit = Math.min(optionalPositiveInt(input, 'maxResults', 'InvalidMaxResultsException') || 100, 100);
    const after = decodePageToken(input);
    const query = this.db
      .getRepository(PullRequestEventEntity)
      .createQueryBuilder('e')
      .where('e.pullRequestId = :id', { id: pull.pullRequestId })
      .orderBy('e.eventId', 'ASC')
      .take(limit + 1);
    if (type) query.andWhere('e.eventType = :type', { type });
    if (actor) query.andWhere('e.actorArn = :actor', { actor });
    if (after !== undefined) query.andWhere('e.eventId > :after', { after });
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    return {
      pullRequestEvents: page.map((e) => ({ pullRequestId: String(e.pullRequestId), eventDate: e.eventDate.getTime() / 1000, pullRequestEventType: e.eventType, actorArn: e.actorArn, ...e.metadata })),
      nextToken: rows.length > limit ? encodePageToken(page[page.length - 1].eventId) : undefined,
    };
  }

  async updateTitle(input: Input) {
    const title = requiredString(input, 'title', 'TitleRequiredException', 'A pull request title is required.');
    if (title.length > MAX_TITLE) throw prError('InvalidTitleException', `The title is limited to ${MAX_TITLE} characters.`);
    return this.updateOpen(input, { title });
  }

  async updateDescription(input: Input) {
    if (typeof input.description !== 'string') throw prError('InvalidDescriptionException', 'A description is required.');
    if (input.description.length > MAX_DESCRIPTION) throw prError('InvalidDescriptionException', `The description is limited to ${MAX_DESCRIPTION} characters.`);
    return this.updateOpen(input, { description: input.description });
  }

  async updateStatus(input: Input, caller: Caller) {
    const status = requiredString(input, 'pullRequestStatus', 'PullRequestStatusRequiredException', 'A pull request status is required.');
    if (status !== 'OPEN' && status !== 'CLOSED') throw prError('InvalidPullRequestStatusException', `The status ${status} is not valid.`);
    const id = pullRequestIdOf(input);
    const updated = await this.db.transaction(async (manager) => {
      const row = await this.lock(manager, id);
      if (row.status === 'CLOSED' || status === 'OPEN') throw prError('InvalidPullRequestStatusUpdateException', `A ${row.status} pull request cannot be set to ${status}.`);
      row.status = 'CLOSED';
      row.lastActivityDate = new Date();
      await manager.save(row);
      await this.recordStatus(manager, row, caller.arn, caller.accountId);
      return row;
    });
    return { pullRequest: await this.json(updated) };
  }

  /**
   * Reads the branches again and brings the pull request up to date: a moved source is a new
   * revision (its approvals and override no longer count), a destination that holds the source
   * means it was merged, which closes it. Safe to repeat; changes are recorded once.
   */
  async refresh(pullRequestId: number, actorArn: string, accountId: string): Promise<PullRequestEntity> {
    const current = await this.db.getRepository(PullRequestEntity).findOneByOrFail({ pullRequestId });
    if (current.status === 'CLOSED') return current;
    const tips = await this.upstreams.tips(current.repositoryId, [current.sourceReference, current.destinationReference]);
    const sourceCommit = tips.get(current.sourceReference);
    const destinationCommit = tips.get(current.destinationReference);
    if (!sourceCommit || !destinationCommit) return current;
    const state = await this.upstreams.mergeState(current.repositoryId, sourceCommit, destinationCommit);
    return this.db.transaction(async (manager) => {
      const row = await this.lock(manager, pullRequestId);
      if (row.status === 'CLOSED') return row;
      if (row.sourceCommit !== sourceCommit) {
        const before = row.sourceCommit;
        Object.assign(row, { sourceCommit, revisionId: revisionOf(row.pullRequestId, sourceCommit), overrider: '', overriddenRevisionId: '', mergeBase: state.mergeBase, lastActivityDate: new Date() });
        await manager.save(row);
        await recordChange(manager, row, actorArn, accountId, {
          type: 'PULL_REQUEST_SOURCE_REFERENCE_UPDATED',
          metadata: { pullRequestSourceReferenceUpdatedEventMetadata: { repositoryName: row.repositoryName, beforeCommitId: before, afterCommitId: sourceCommit, mergeBase: state.mergeBase || undefined } },
          event: 'pullRequestSourceBranchUpdated',
        });
      }
      if (row.destinationCommit !== destinationCommit || row.mergeBase !== state.mergeBase) {
        Object.assign(row, { destinationCommit, mergeBase: state.mergeBase });
        await manager.save(row);
      }
      if (state.merged) await this.markMerged(manager, row, { mergedBy: actorArn, mergeCommitId: state.mergeCommitId, mergeOption: '' }, accountId);
      return row;
    });
  }

  /**
   * MergePullRequestBy*: the pull request must be open, its source where the caller saw it, its
   * approval rules met; the destination branch then moves with compare-and-swap in storage.
   */
  async merge(input: Input, caller: Caller, option: sm.MergeOption, isApproved: (pull: PullRequestEntity) => Promise<boolean>) {
    const id = pullRequestIdOf(input);
    const repositoryName = requiredString(input, 'repositoryName', 'RepositoryNameRequiredException', 'A repository name is required.');
    const expectedSource = optionalString(input, 'sourceCommitId');
    if (expectedSource && !/^[0-9a-f]{40}$/.test(expectedSource)) throw prError('InvalidCommitIdException', `The commit ID ${expectedSource} is not valid.`);
    // The merge members are checked before the pull request's state: a bad enum is refused even
    // when the pull request is closed, as a request that breaks the model is.
    const settings = option === sm.MergeOption.FAST_FORWARD_MERGE ? NO_CONFLICT_SETTINGS : conflictSettings(input);
    const commitFields = mergeCommitFields(input);
    const existing = await this.db.getRepository(PullRequestEntity).findOneBy({ pullRequestId: id });
    if (!existing) throw prError('PullRequestDoesNotExistException', `Pull request ${id} does not exist.`);
    const repo = await this.upstreams.repository(repositoryName);
    if (repo.repositoryId !== existing.repositoryId) throw prError('RepositoryNotAssociatedWithPullRequestException', `Pull request ${id} is not in ${repositoryName}.`);
    const pull = await this.refresh(id, caller.arn, repo.accountId);
    if (pull.status === 'CLOSED') throw prError('PullRequestAlreadyClosedException', `Pull request ${id} is already closed.`);
    if (expectedSource && expectedSource !== pull.sourceCommit) throw prError('TipOfSourceReferenceIsDifferentException', `The tip of ${pull.sourceReference} is ${pull.sourceCommit}, not ${expectedSource}.`);
    if (!(await isApproved(pull))) throw prError('PullRequestApprovalRulesNotSatisfiedException', `The approval rules of pull request ${id} are not satisfied.`);
    let result;
    try {
      result = await callUnary(this.upstreams.merges, this.upstreams.merges.merge, {
        repositoryName: repo.repositoryName,
        request: {
          spec: { repositoryId: '', sourceRevision: pull.sourceCommit, destinationRevision: pull.destinationReference, ...settings },
          option,
          targetRef: '',
          ...commitFields,
          context: undefined,
        },
        targetBranch: pull.destinationReference.slice('refs/heads/'.length),
        moveBranch: true,
        actorArn: caller.arn,
      });
    } catch (error) {
      if (domainCodeOf(error) === 'BranchDoesNotExistException') throw prError('ReferenceDoesNotExistException', `${pull.destinationReference} no longer exists.`);
      throw error;
    }
    const merged = await this.db.transaction(async (manager) => {
      const row = await this.lock(manager, id);
      await this.markMerged(manager, row, { mergedBy: caller.arn, mergeCommitId: result.commitId, mergeOption: MERGE_OPTION_NAMES[option] ?? '', destinationCommit: result.commitId }, repo.accountId);
      return row;
    });
    return { pullRequest: await this.json(merged) };
  }

  /** The pull request an operation names, or the modelled error. */
  async require(input: Input): Promise<PullRequestEntity> {
    const id = pullRequestIdOf(input);
    const row = await this.db.getRepository(PullRequestEntity).findOneBy({ pullRequestId: id });
    if (!row) throw prError('PullRequestDoesNotExistException', `Pull request ${id} does not exist.`);
    return row;
  }

  async lock(manager: EntityManager, pullRequestId: number): Promise<PullRequestEntity> {
    const row = await manager.getRepository(PullRequestEntity).createQueryBuilder('pr').setLock('pessimistic_write').where('pr.pullRequestId = :pullRequestId', { pullRequestId }).getOne();
    if (!row) throw prError('PullRequestDoesNotExistException', `Pull request ${pullRequestId} does not exist.`);
    return row;
  }

  async json(row: PullRequestEntity) {
    const rules = await this.db.getRepository(ApprovalRuleEntity).find({ where: { pullRequestId: row.pullRequestId }, order: { creationDate: 'ASC' } });
    return pullRequestJson(row, rules);
  }

  /** Open pull requests a push to these refs may affect (their source or destination moved). */
  async openTouching(repositoryId: string, refs: string[]): Promise<number[]> {
    if (refs.length === 0) return [];
    const rows = await this.db
      .getRepository(PullRequestEntity)
      .createQueryBuilder('pr')
      .select('pr.pullRequestId')
      .where('pr.repositoryId = :repositoryId AND pr.status = :open', { repositoryId, open: 'OPEN' })
      .andWhere('(pr.sourceReference IN (:...refs) OR pr.destinationReference IN (:...refs))', { refs })
      .getMany();
    return rows.map((r) => r.pullRequestId);
  }

  private async markMerged(manager: EntityManager, row: PullRequestEntity, merge: { mergedBy: string; mergeCommitId: string; mergeOption: string; destinationCommit?: string }, accountId: string): Promise<void> {
    const wasMerged = row.isMerged;
    Object.assign(row, {
      isMerged: true,
      mergedBy: wasMerged ? row.mergedBy : merge.mergedBy,
      mergeCommitId: merge.mergeCommitId || row.mergeCommitId,
      mergeOption: merge.mergeOption || row.mergeOption,
      destinationCommit: merge.destinationCommit ?? row.destinationCommit,
      status: 'CLOSED',
      lastActivityDate: new Date(),
    });
    await manager.save(row);
    if (wasMerged) return;
    await recordChange(manager, row, merge.mergedBy, accountId, {
      type: 'PULL_REQUEST_MERGE_STATE_CHANGED',
      metadata: {
        pullRequestMergedStateChangedEventMetadata: {
          repositoryName: row.repositoryName,
          destinationReference: row.destinationReference,
          mergeMetadata: { isMerged: true, mergedBy: row.mergedBy, mergeCommitId: row.mergeCommitId || undefined, mergeOption: row.mergeOption || undefined },
        },
      },
      event: 'pullRequestMergeStatusUpdated',
    });
    await this.recordStatus(manager, row, merge.mergedBy, accountId);
  }

  private recordStatus(manager: EntityManager, row: PullRequestEntity, actorArn: string, accountId: string): Promise<void> {
    return recordChange(manager, row, actorArn, accountId, {
      type: 'PULL_REQUEST_STATUS_CHANGED',
      metadata: { pullRequestStatusChangedEventMetadata: { pullRequestStatus: row.status } },
      event: 'pullRequestStatusChanged',
    });
  }

  private async updateOpen(input: Input, changes: Partial<PullRequestEntity>) {
    const id = pullRequestIdOf(input);
    const updated = await this.db.transaction(async (manager) => {
      const row = await this.lock(manager, id);
      if (row.status === 'CLOSED') throw prError('PullRequestAlreadyClosedException', `Pull request ${id} is closed.`);
      Object.assign(row, changes, { lastActivityDate: new Date() });
      return manager.save(row);
    });
    return { pullRequest: await this.json(updated) };
  }

  private async replay(existing: PullRequestEntity, digest: string) {
    if (existing.requestDigest !== digest) throw prError('IdempotencyParameterMismatchException', 'The client request token was already used with different parameters.');
    return { pullRequest: await this.json(existing) };
  }
}

/** pullRequestId: required, a decimal number as a string. */
export function pullRequestIdOf(input: Input): number {
  const raw = requiredString(input, 'pullRequestId', 'PullRequestIdRequiredException', 'A pull request ID is required.');
  if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2 ** 31 - 1) throw prError('InvalidPullRequestIdException', `The pull request ID ${raw} is not valid.`);
  return Number(raw);
}

