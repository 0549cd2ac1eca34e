import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { callUnary, createClient, pullRequests } from '@cairn/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Operation } from '../operation';
import { optionalObjectList, optionalString } from './input';
import { RepositoryArns } from './repository-arns';

type Input = Record<string, unknown>;

/** Where an operation's resource comes from, for authorization. */
type ResourceOf = 'repositoryName' | 'target' | 'pullRequest' | 'comment' | 'account';

/** The operations the pull-requests service answers, and where each one's resource is named. */
const OPERATIONS: Record<string, ResourceOf> = {
  CreatePullRequest: 'target',
  GetPullRequest: 'pullRequest',
  ListPullRequests: 'repositoryName',
  DescribePullRequestEvents: 'pullRequest',
  UpdatePullRequestTitle: 'pullRequest',
  UpdatePullRequestDescription: 'pullRequest',
  UpdatePullRequestStatus: 'pullRequest',
  MergePullRequestByFastForward: 'pullRequest',
  MergePullRequestBySquash: 'pullRequest',
  MergePullRequestByThreeWay: 'pullRequest',
  CreatePullRequestApprovalRule: 'pullRequest',
  DeletePullRequestApprovalRule: 'pullRequest',
  UpdatePullRequestApprovalRuleContent: 'pullRequest',
  UpdatePullRequestApprovalState: 'pullRequest',
  GetPullRequestApprovalStates: 'pullRequest',
  EvaluatePullRequestApprovalRules: 'pullRequest',
  OverridePullRequestApprovalRules: 'pullRequest',
  GetPullRequestOverrideState: 'pullRequest',
  // Templates are account-wide: IAM's resource for them is "*"; associations also name a repository.
  CreateApprovalRuleTemplate: 'account',
  DeleteApprovalRuleTemplate: 'account',
  GetApprovalRuleTemplate: 'account',
  ListApprovalRuleTemplates: 'account',
  UpdateApprovalRuleTemplateContent: 'account',
  UpdateApprovalRuleTemplateDescription: 'account',
  UpdateApprovalRuleTemplateName: 'account',
  ListRepositoriesForApprovalRuleTemplate: 'account',
  AssociateApprovalRuleTemplateWithRepository: 'repositoryName',
  DisassociateApprovalRuleTemplateFromRepository: 'repositoryName',
  ListAssociatedApprovalRuleTemplatesForRepository: 'repositoryName',
  BatchAssociateApprovalRuleTemplateWithRepositories: 'repositoryName',
  BatchDisassociateApprovalRuleTemplateFromRepositories: 'repositoryName',
  // Comments.
  PostCommentForComparedCommit: 'repositoryName',
  GetCommentsForComparedCommit: 'repositoryName',
  PostCommentForPullRequest: 'pullRequest',
  GetCommentsForPullRequest: 'pullRequest',
  PostCommentReply: 'comment',
  GetComment: 'comment',
  UpdateComment: 'comment',
  DeleteCommentContent: 'comment',
  PutCommentReaction: 'comment',
  GetCommentReactions: 'comment',
};

const MERGES = new Set(['MergePullRequestByFastForward', 'MergePullRequestBySquash', 'MergePullRequestByThreeWay']);

/**
 * CodeCommit's pull-request, approval-rule, template and comment operations. The gateway
 * authorizes them (finding the repository of a pull request or comment when the request names
 * only that) and passes the request as it came to the pull-requests service.
 */
@Injectable()
export class PullRequestOperations implements OnApplicationShutdown {
  private readonly client: pullRequests.PullRequestsClient;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly arns: RepositoryArns,
  ) {
    this.client = createClient(pullRequests.PullRequestsClient, config.pullRequestsAddress);
  }

  onApplicationShutdown(): void {
    this.client.close();
  }

  private target(input: Input): Promise<pullRequests.DescribeTargetResponse> {
    return callUnary(this.client, this.client.describeTarget, { pullRequestId: optionalString(input, 'pullRequestId'), commentId: optionalString(input, 'commentId') || optionalString(input, 'inReplyTo') });
  }

  private async resources(resourceOf: ResourceOf, input: Input): Promise<string[]> {
    switch (resourceOf) {
      case 'account':
        return ['*'];
      case 'repositoryName': {
        const names = Array.isArray(input.repositoryNames) ? input.repositoryNames.filter((n): n is string => typeof n === 'string') : [optionalString(input, 'repositoryName')];
        return this.arns.of(...(names.length > 0 ? names : ['']));
      }
      case 'target':
        return this.arns.of(...new Set(optionalObjectList(input, 'targets').map((t) => optionalString(t, 'repositoryName'))));
      default: {
        // An unknown pull request or comment is authorized against every repository: a caller
        // allowed only some repositories learns nothing about ids elsewhere.
        const { repositoryName } = await this.target(input);
        return this.arns.of(repositoryName || '*');
      }
    }
  }

  private operation(name: string, resourceOf: ResourceOf): Operation {
    return {
      resources: (input) => this.resources(resourceOf, input),
      conditions: MERGES.has(name)
        ? async (input): Promise<Record<string, string[]>> => {
            const { destinationReference } = await this.target(input);
            return destinationReference ? { 'codecommit:References': [destinationReference] } : {};
          }
        : undefined,
      run: async (input, caller) => {
        const out = await callUnary(this.client, this.client.invoke, { operation: name, inputJson: JSON.stringify(input), caller: { arn: caller.arn, accountId: caller.accountId } });
        return JSON.parse(out.outputJson) as unknown;
      },
    };
  }

  readonly operations: Record<string, Operation> = Object.fromEntries(Object.entries(OPERATIONS).map(([name, resourceOf]) => [name, this.operation(name, resourceOf)]));
}
