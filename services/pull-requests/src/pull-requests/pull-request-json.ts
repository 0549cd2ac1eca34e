import { PullRequestEventDetail } from '@cairn/events';
import { ApprovalRuleEntity, PullRequestEntity } from './pull-request.entity';

const epochSeconds = (d: Date) => d.getTime() / 1000;

/** CodeCommit's ApprovalRule. */
export function approvalRuleJson(rule: ApprovalRuleEntity) {
  return {
    approvalRuleId: rule.approvalRuleId,
    approvalRuleName: rule.approvalRuleName,
    approvalRuleContent: rule.approvalRuleContent,
    ruleContentSha256: rule.ruleContentSha256,
    lastModifiedDate: epochSeconds(rule.lastModifiedDate),
    creationDate: epochSeconds(rule.creationDate),
    lastModifiedUser: rule.lastModifiedUser,
    originApprovalRuleTemplate: rule.templateId ? { approvalRuleTemplateId: rule.templateId, approvalRuleTemplateName: rule.templateName } : undefined,
  };
}

/** CodeCommit's PullRequest, with its one target and its approval rules. */
export function pullRequestJson(pr: PullRequestEntity, rules: ApprovalRuleEntity[]) {
  return {
    pullRequestId: String(pr.pullRequestId),
    title: pr.title,
    description: pr.description || undefined,
    lastActivityDate: epochSeconds(pr.lastActivityDate),
    creationDate: epochSeconds(pr.creationDate),
    pullRequestStatus: pr.status,
    authorArn: pr.authorArn,
    pullRequestTargets: [
      {
        repositoryName: pr.repositoryName,
        sourceReference: pr.sourceReference,
        destinationReference: pr.destinationReference,
        destinationCommit: pr.destinationCommit,
        sourceCommit: pr.sourceCommit,
        mergeBase: pr.mergeBase || undefined,
        mergeMetadata: {
          isMerged: pr.isMerged,
          mergedBy: pr.mergedBy || undefined,
          mergeCommitId: pr.mergeCommitId || undefined,
          mergeOption: pr.mergeOption || undefined,
        },
      },
    ],
    clientRequestToken: pr.clientRequestToken ?? undefined,
    revisionId: pr.revisionId,
    approvalRules: rules.map(approvalRuleJson),
  };
}

/** The EventBridge detail of a pull-request event. */
export function eventDetail(pr: PullRequestEntity, event: string, callerArn: string, extra: Partial<PullRequestEventDetail> = {}): PullRequestEventDetail {
  return {
    event,
    pullRequestId: String(pr.pullRequestId),
    repositoryNames: [pr.repositoryName],
    title: pr.title,
    author: pr.authorArn,
    callerUserArn: callerArn,
    pullRequestStatus: pr.status === 'OPEN' ? 'Open' : 'Closed',
    isMerged: pr.isMerged ? 'True' : 'False',
    sourceReference: pr.sourceReference,
    destinationReference: pr.destinationReference,
    sourceCommit: pr.sourceCommit,
    destinationCommit: pr.destinationCommit,
    mergeBase: pr.mergeBase || undefined,
    revisionId: pr.revisionId,
    creationDate: pr.creationDate.toISOString(),
    lastModifiedDate: pr.lastActivityDate.toISOString(),
    notificationBody: `${event} on pull request ${pr.pullRequestId} (${pr.title}) in ${pr.repositoryName} by ${callerArn}`,
    ...extra,
  };
}
