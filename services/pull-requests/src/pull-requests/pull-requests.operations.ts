import { Injectable } from '@nestjs/common';
import { storageMerge as sm } from '@cairn/contracts';
import { OperationHandler, OperationSet } from '../invoke/operation-set';
import { ApprovalsService } from '../approvals/approvals.service';
import { PullRequestsService } from './pull-requests.service';

/** Pull requests, their merges, and their approval rules, approvals and override. */
@Injectable()
export class PullRequestOperations implements OperationSet {
  constructor(
    private readonly pullRequests: PullRequestsService,
    private readonly approvals: ApprovalsService,
  ) {}

  private mergeBy(option: sm.MergeOption): OperationHandler {
    return (input, caller) => this.pullRequests.merge(input, caller, option, (pull) => this.approvals.mergeAllowed(pull));
  }

  readonly operations: Record<string, OperationHandler> = {
    CreatePullRequest: (input, caller) => this.pullRequests.create(input, caller),
    GetPullRequest: (input) => this.pullRequests.get(input),
    ListPullRequests: (input) => this.pullRequests.list(input),
    DescribePullRequestEvents: (input) => this.pullRequests.describeEvents(input),
    UpdatePullRequestTitle: (input) => this.pullRequests.updateTitle(input),
    UpdatePullRequestDescription: (input) => this.pullRequests.updateDescription(input),
    UpdatePullRequestStatus: (input, caller) => this.pullRequests.updateStatus(input, caller),
    MergePullRequestByFastForward: this.mergeBy(sm.MergeOption.FAST_FORWARD_MERGE),
    MergePullRequestBySquash: this.mergeBy(sm.MergeOption.SQUASH_MERGE),
    MergePullRequestByThreeWay: this.mergeBy(sm.MergeOption.THREE_WAY_MERGE),
    CreatePullRequestApprovalRule: (input, caller) => this.approvals.createRule(input, caller),
    DeletePullRequestApprovalRule: (input, caller) => this.approvals.deleteRule(input, caller),
    UpdatePullRequestApprovalRuleContent: (input, caller) => this.approvals.updateRuleContent(input, caller),
    UpdatePullRequestApprovalState: (input, caller) => this.approvals.updateApprovalState(input, caller),
    GetPullRequestApprovalStates: (input) => this.approvals.getApprovalStates(input),
    EvaluatePullRequestApprovalRules: (input) => this.approvals.evaluate(input),
    OverridePullRequestApprovalRules: (input, caller) => this.approvals.override(input, caller),
    GetPullRequestOverrideState: (input) => this.approvals.overrideState(input),
  };
}
