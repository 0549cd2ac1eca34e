import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { optionalString, requiredString } from '@cairn/aws-protocol';
import { pullRequests as pr } from '@cairn/contracts';
import { prError } from '../errors';
import { ApprovalEntity, ApprovalRuleEntity, PullRequestEntity } from '../pull-requests/pull-request.entity';
import { approvalRuleJson } from '../pull-requests/pull-request-json';
import { recordChange } from '../pull-requests/pull-request-history';
import { PullRequestsService } from '../pull-requests/pull-requests.service';
import { parseApprovalRuleContent, ruleContentSha256, ruleSatisfied } from './approval-rule-content';

type Input = Record<string, unknown>;

const MAX_RULES = 30;
const MAX_APPROVALS = 200;
const MAX_RULE_NAME = 100;

export interface Evaluation {
  approved: boolean;
  overridden: boolean;
  approvalRulesSatisfied: string[];
  approvalRulesNotSatisfied: string[];
}

/**
 * Approval rules of one pull request, the approvals given to its current revision, and the
 * override. Approvals belong to a revision: when the source moves, they no longer count.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly db: DataSource,
    private readonly pullRequests: PullRequestsService,
  ) {}

  async createRule(input: Input, caller: pr.Caller) {
    const name = ruleName(input);
    const content = requiredString(input, 'approvalRuleContent', 'ApprovalRuleContentRequiredException', 'Approval rule content is required.');
    parseApprovalRuleContent(content, false);
    const pull = await this.pullRequests.require(input);
    const rule = await this.db.transaction(async (manager) => {
      const row = await this.pullRequests.lock(manager, pull.pullRequestId);
      if (row.status === 'CLOSED') throw closed(row);
      const rules = await manager.findBy(ApprovalRuleEntity, { pullRequestId: row.pullRequestId });
      if (rules.some((r) => r.approvalRuleName === name)) throw prError('ApprovalRuleNameAlreadyExistsException', `Pull request ${row.pullRequestId} already has a rule named ${name}.`);
      if (rules.length >= MAX_RULES) throw prError('NumberOfRulesExceededException', `A pull request can have at most ${MAX_RULES} approval rules.`);
      const now = new Date();
      const created = manager.create(ApprovalRuleEntity, {
        approvalRuleId: randomUUID(),
        pullRequestId: row.pullRequestId,
        approvalRuleName: name,
        approvalRuleContent: content,
        ruleContentSha256: ruleContentSha256(content),
        creationDate: now,
        lastModifiedDate: now,
        lastModifiedUser: caller.arn,
      });
      await manager.insert(ApprovalRuleEntity, created);
      await this.touch(manager, row);
      await recordChange(manager, row, caller.arn, caller.accountId, {
        type: 'PULL_REQUEST_APPROVAL_RULE_CREATED',
        metadata: { approvalRuleEventMetadata: { approvalRuleName: name, approvalRuleId: created.approvalRuleId, approvalRuleContent: content } },
        event: 'pullRequestApprovalRuleCreated',
        extra: { approvalRuleId: created.approvalRuleId, approvalRuleName: name },
      });
      return created;
    });
    return { approvalRule: approvalRuleJson(rule) };
  }

  async deleteRule(input: Input, caller: pr.Caller) {
    const name = ruleName(input);
    const pull = await this.pullRequests.require(input);
    const approvalRuleId = await this.db.transaction(async (manager) => {
      const row = await this.pullRequests.lock(manager, pull.pullRequestId);
      if (row.status === 'CLOSED') throw closed(row);
      const rule = await manager.findOneBy(ApprovalRuleEntity, { pullRequestId: row.pullRequestId, approvalRuleName: name });
      if (!rule) return '';
      if (rule.templateId) throw prError('CannotDeleteApprovalRuleFromTemplateException', `${name} comes from the template ${rule.templateName} and cannot be deleted from the pull request.`);
      await manager.delete(ApprovalRuleEntity, { approvalRuleId: rule.approvalRuleId });
      await this.touch(manager, row);
      await recordChange(manager, row, caller.arn, caller.accountId, {
        type: 'PULL_REQUEST_APPROVAL_RULE_DELETED',
        metadata: { approvalRuleEventMetadata: { approvalRuleName: name, approvalRuleId: rule.approvalRuleId } },
        event: 'pullRequestApprovalRuleDeleted',
        extra: { approvalRuleId: rule.approvalRuleId, approvalRuleName: name },
      });
      return rule.approvalRuleId;
    });
    return { approvalRuleId };
  }

  async updateRuleContent(input: Input, caller: pr.Caller) {
    const name = ruleName(input);
    const content = requiredString(input, 'newRuleContent', 'ApprovalRuleContentRequiredException', 'Approval rule content is required.');
    parseApprovalRuleContent(content, false);
    const expectedSha = optionalString(input, 'existingRuleContentSha256');
    const pull = await this.pullRequests.require(input);
    const rule = await this.db.transaction(async (manager) => {
      const row = await this.pullRequests.lock(manager, pull.pullRequestId);
      if (row.status === 'CLOSED') throw closed(row);
      const rule = await manager.findOneBy(ApprovalRuleEntity, { pullRequestId: row.pullRequestId, approvalRuleName: name });
      if (!rule) throw prError('ApprovalRuleDoesNotExistException', `Pull request ${row.pullRequestId} has no rule named ${name}.`);
      if (rule.templateId) throw prError('CannotModifyApprovalRuleFromTemplateException', `${name} comes from the template ${rule.templateName} and cannot be changed on the pull request.`);
      if (expectedSha && expectedSha !== rule.ruleContentSha256) throw prError('InvalidRuleContentSha256Exception', 'The rule content changed since it was read (existingRuleContentSha256 does not match).');
      Object.assign(rule, { approvalRuleContent: content, ruleContentSha256: ruleContentSha256(content), lastModifiedDate: new Date(), lastModifiedUser: caller.arn });
      await manager.save(rule);
      await this.touch(manager, row);
      await recordChange(manager, row, caller.arn, caller.accountId, {
        type: 'PULL_REQUEST_APPROVAL_RULE_UPDATED',
        metadata: { approvalRuleEventMetadata: { approvalRuleName: name, approvalRuleId: rule.approvalRuleId, approvalRuleContent: content } },
        event: 'pullRequestApprovalRuleUpdated',
        extra: { approvalRuleId: rule.approvalRuleId, approvalRuleName: name },
      });
      return rule;
    });
    return { approvalRule: approvalRuleJson(rule) };
  }

  async updateApprovalState(input: Input, caller: pr.Caller) {
    const revisionId = revisionIdOf(input);
    const state = requiredString(input, 'approvalState', 'ApprovalStateRequiredException', 'An approval state is required.');
    if (state !== 'APPROVE' && state !== 'REVOKE') throw prError('InvalidApprovalStateException', `The approval state ${state} is not valid.`);
    const pull = await this.pullRequests.require(input);
    await this.db.transaction(async (manager) => {
      const row = await this.pullRequests.lock(manager, pull.pullRequestId);
      if (row.status === 'CLOSED') throw closed(row);
      if (row.revisionId !== revisionId) throw notCurrent(revisionId);
      if (row.authorArn === caller.arn) throw prError('PullRequestCannotBeApprovedByAuthorException', 'The author of a pull request cannot approve it.');
      const key = { pullRequestId: row.pullRequestId, revisionId, userArn: caller.arn };
      const existing = await manager.findOneBy(ApprovalEntity, key);
      if ((state === 'APPROVE') === !!existing) return;
      if (state === 'APPROVE') {
        const count = await manager.countBy(ApprovalEntity, { pullRequestId: row.pullRequestId, revisionId });
        if (count >= MAX_APPROVALS) throw prError('MaximumNumberOfApprovalsExceededException', `A pull request can have at most ${MAX_APPROVALS} approvals.`);
        await manager.insert(ApprovalEntity, { ...key, approvedAt: new Date() });
      } else {
        await manager.delete(ApprovalEntity, key);
      }
      await this.touch(manager, row);
      await recordChange(manager, row, caller.arn, caller.accountId, {
        type: 'PULL_REQUEST_APPROVAL_STATE_CHANGED',
        metadata: { approvalStateChangedEventMetadata: { revisionId, approvalStatus: state } },
        event: 'pullRequestApprovalStateChanged',
        extra: { approvalStatus: state },
      });
    });
    return {};
  }

  async getApprovalStates(input: Input) {
    const revisionId = revisionIdOf(input);
    const pull = await this.pullRequests.require(input);
    const approvals = await this.db.getRepository(ApprovalEntity).find({ where: { pullRequestId: pull.pullRequestId, revisionId }, order: { approvedAt: 'ASC' } });
    return { approvals: approvals.map((a) => ({ userArn: a.userArn, approvalState: 'APPROVE' })) };
  }

  async evaluate(input: Input) {
    const revisionId = revisionIdOf(input);
    const pull = await this.pullRequests.require(input);
    if (pull.revisionId !== revisionId) throw notCurrent(revisionId);
    return { evaluation: await this.evaluation(pull) };
  }

  async override(input: Input, caller: pr.Caller) {
    const revisionId = revisionIdOf(input);
    const status = requiredString(input, 'overrideStatus', 'OverrideStatusRequiredException', 'An override status is required.');
    if (status !== 'OVERRIDE' && status !== 'REVOKE') throw prError('InvalidOverrideStatusException', `The override status ${status} is not valid.`);
    const pull = await this.pullRequests.require(input);
    await this.db.transaction(async (manager) => {
      const row = await this.pullRequests.lock(manager, pull.pullRequestId);
      if (row.status === 'CLOSED') throw closed(row);
      if (row.revisionId !== revisionId) throw notCurrent(revisionId);
      const overridden = row.overriddenRevisionId === revisionId;
      if (status === 'OVERRIDE' && overridden) throw prError('OverrideAlreadySetException', `The approval rules of pull request ${row.pullRequestId} are already overridden.`);
      if (status === 'REVOKE' && !overridden) return;
      Object.assign(row, status === 'OVERRIDE' ? { overrider: caller.arn, overriddenRevisionId: revisionId } : { overrider: '', overriddenRevisionId: '' });
      await this.touch(manager, row);
      await recordChange(manager, row, caller.arn, caller.accountId, {
        type: 'PULL_REQUEST_APPROVAL_RULE_OVERRIDDEN',
        metadata: { approvalRuleOverriddenEventMetadata: { revisionId, overrideStatus: status } },
        event: 'pullRequestApprovalRuleOverridden',
        extra: { overrideStatus: status },
      });
    });
    return {};
  }

  async overrideState(input: Input) {
    const revisionId = revisionIdOf(input);
    const pull = await this.pullRequests.require(input);
    const overridden = pull.overriddenRevisionId === revisionId;
    return { overridden, overrider: overridden ? pull.overrider : undefined };
  }

  /** Whether a merge may go ahead: every rule met by the current revision's approvals, or overridden. */
  async mergeAllowed(pull: PullRequestEntity): Promise<boolean> {
    const evaluation = await this.evaluation(pull);
    return evaluation.approved || evaluation.overridden;
  }

  private async evaluation(pull: PullRequestEntity): Promise<Evaluation> {
    const rules = await this.db.getRepository(ApprovalRuleEntity).find({ where: { pullRequestId: pull.pullRequestId }, order: { creationDate: 'ASC' } });
    const approvers = (await this.db.getRepository(ApprovalEntity).findBy({ pullRequestId: pull.pullRequestId, revisionId: pull.revisionId })).map((a) => a.userArn).filter((arn) => arn !== pull.authorArn);
    const satisfied: string[] = [];
    const notSatisfied: string[] = [];
    for (const rule of rules) (ruleSatisfied(parseApprovalRuleContent(rule.approvalRuleContent, true), approvers) ? satisfied : notSatisfied).push(rule.approvalRuleName);
    return { approved: notSatisfied.length === 0, overridden: pull.overriddenRevisionId === pull.revisionId, approvalRulesSatisfied: satisfied, approvalRulesNotSatisfied: notSatisfied };
  }

  private touch(manager: EntityManager, row: PullRequestEntity) {
    row.lastActivityDate = new Date();
    return manager.save(row);
  }
}

function ruleName(input: Input): string {
  const name = requiredString(input, 'approvalRuleName', 'ApprovalRuleNameRequiredException', 'An approval rule name is required.');
  if (name.length > MAX_RULE_NAME) throw prError('InvalidApprovalRuleNameException', `Approval rule names are limited to ${MAX_RULE_NAME} characters.`);
  return name;
}

function revisionIdOf(input: Input): string {
  const revisionId = requiredString(input, 'revisionId', 'RevisionIdRequiredException', 'A revision ID is required.');
  if (!/^[0-9a-f]{64}$/.test(revisionId)) throw prError('InvalidRevisionIdException', `The revision ID ${revisionId} is not valid.`);
  return revisionId;
}

const closed = (row: PullRequestEntity) => prError('PullRequestAlreadyClosedException', `Pull request ${row.pullRequestId} is closed.`);
const notCurrent = (revisionId: string) => prError('RevisionNotCurrentException', `Revision ${revisionId} is not the pull request's current revision.`);
