/**
 * AWS managed policies for CodeCommit, as AWS publishes them (CodeCommit User Guide, "AWS managed
 * policies for CodeCommit"). Cairn serves them under their AWS ARNs so that `attach-user-policy
 * --policy-arn arn:aws:iam::aws:policy/AWSCodeCommitPowerUser` works unchanged. The statements
 * for other services (CloudWatch Events, SNS, Lambda, CodeStar Notifications, CodeGuru Reviewer,
 * Chatbot, CodeStar Connections) are kept so the documents stay byte-for-byte comparable with
 * AWS's; the IAM self-service statements (own SSH keys, own Git credentials) are the ones Cairn
 * honours besides `codecommit:*`.
 */

export interface ManagedPolicy {
  readonly name: string;
  readonly arn: string;
  readonly path: '/';
  readonly description: string;
  /** The policy document, JSON. */
  readonly document: string;
}

const statement = (sid: string | undefined, action: string[], resource: string, condition?: Record<string, Record<string, string>>) => ({
  ...(sid ? { Sid: sid } : {}),
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});

const ownUser = 'arn:aws:iam::*:user/${aws:username}';
const codecommitRules = 'arn:aws:events:*:*:rule/codecommit*';
const notificationsForCodecommit = { StringLike: { 'codestar-notifications:NotificationsForResource': 'arn:aws:codecommit:*' } };
const codeguruSlr = {
  Sid: 'AmazonCodeGuruReviewerSLRCreation',
  Action: 'iam:CreateServiceLinkedRole',
  Effect: 'Allow',
  Resource: 'arn:aws:iam::*:role/aws-service-role/codeguru-reviewer.amazonaws.com/AWSServiceRoleForAmazonCodeGuruReviewer',
  Condition: { StringLike: { 'iam:AWSServiceName': 'codeguru-reviewer.amazonaws.com' } },
};
const codeguruManagedRules = statement(
  'CloudWatchEventsManagedRules',
  ['events:PutRule', 'events:PutTargets', 'events:DeleteRule', 'events:RemoveTargets'],
  '*',
  { StringEquals: { 'events:ManagedBy': 'codeguru-reviewer.amazonaws.com' } },
);
const codestarConnectionsRead = statement(
  'CodeStarConnectionsReadOnlyAccess',
  ['codestar-connections:ListConnections', 'codestar-connections:GetConnection'],
  'arn:aws:codestar-connections:*:*:connection/*',
);
const sharedReadStatements = [
  statement('SNSTopicAndSubscriptionReadAccess', ['sns:ListTopics', 'sns:ListSubscriptionsByTopic', 'sns:GetTopicAttributes'], '*'),
  statement('LambdaReadOnlyListAccess', ['lambda:ListFunctions'], '*'),
  statement('IAMReadOnlyListAccess', ['iam:ListUsers'], '*'),
  statement('IAMReadOnlyConsoleAccess', ['iam:ListAccessKeys', 'iam:ListSSHPublicKeys', 'iam:ListServiceSpecificCredentials'], ownUser),
  statement('IAMUserSSHKeys', ['iam:DeleteSSHPublicKey', 'iam:GetSSHPublicKey', 'iam:ListSSHPublicKeys', 'iam:UpdateSSHPublicKey', 'iam:UploadSSHPublicKey'], ownUser),
  statement(
    'IAMSelfManageServiceSpecificCredentials',
    ['iam:CreateServiceSpecificCredential', 'iam:UpdateServiceSpecificCredential', 'iam:DeleteServiceSpecificCredential', 'iam:ResetServiceSpecificCredential'],
    ownUser,
  ),
];
const codestarListAccess = statement(
  'CodeStarNotificationsListAccess',
  ['codestar-notifications:ListNotificationRules', 'codestar-notifications:ListTargets', 'codestar-notifications:ListTagsforResource', 'codestar-notifications:ListEventTypes'],
  '*',
);
const codeguruFull = statement(
  'AmazonCodeGuruReviewerFullAccess',
  [
    'codeguru-reviewer:AssociateRepository',
    'codeguru-reviewer:DescribeRepositoryAssociation',
    'codeguru-reviewer:ListRepositoryAssociations',
    'codeguru-reviewer:DisassociateRepository',
    'codeguru-reviewer:DescribeCodeReview',
    'codeguru-reviewer:ListCodeReviews',
  ],
  '*',
);
const chatbot = statement('CodeStarNotificationsChatbotAccess', ['chatbot:DescribeSlackChannelConfigurations'], '*');

const document = (statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);

export const AWS_CODECOMMIT_FULL_ACCESS: ManagedPolicy = {
  name: 'AWSCodeCommitFullAccess',
  arn: 'arn:aws:iam::aws:policy/AWSCodeCommitFullAccess',
  path: '/',
  description: 'Provides full access to AWS CodeCommit via the AWS Management Console.',
  document: document([
    statement(undefined, ['codecommit:*'], '*'),
    statement(
      'CloudWatchEventsCodeCommitRulesAccess',
      ['events:DeleteRule', 'events:DescribeRule', 'events:DisableRule', 'events:EnableRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets', 'events:ListTargetsByRule'],
      codecommitRules,
    ),
    statement('SNSTopicAndSubscriptionAccess', ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:SetTopicAttributes'], 'arn:aws:sns:*:*:codecommit*'),
    ...sharedReadStatements,
    statement(
      'CodeStarNotificationsReadWriteAccess',
      [
        'codestar-notifications:CreateNotificationRule',
        'codestar-notifications:DescribeNotificationRule',
        'codestar-notifications:UpdateNotificationRule',
        'codestar-notifications:DeleteNotificationRule',
        'codestar-notifications:Subscribe',
        'codestar-notifications:Unsubscribe',
      ],
      '*',
      notificationsForCodecommit,
    ),
    codestarListAccess,
    statement('CodeStarNotificationsSNSTopicCreateAccess', ['sns:CreateTopic', 'sns:SetTopicAttributes'], 'arn:aws:sns:*:*:codestar-notifications*'),
    codeguruFull,
    codeguruSlr,
    codeguruManagedRules,
    chatbot,
    codestarConnectionsRead,
  ]),
};

export const AWS_CODECOMMIT_POWER_USER: ManagedPolicy = {
  name: 'AWSCodeCommitPowerUser',
  arn: 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser',
  path: '/',
  description: 'Provides full access to AWS CodeCommit repositories, but does not allow repository deletion.',
  document: document([
    statement(
      undefined,
      [
        'codecommit:AssociateApprovalRuleTemplateWithRepository',
        'codecommit:BatchAssociateApprovalRuleTemplateWithRepositories',
        'codecommit:BatchDisassociateApprovalRuleTemplateFromRepositories',
        'codecommit:BatchGet*',
        'codecommit:BatchDescribe*',
        'codecommit:Create*',
        'codecommit:DeleteBranch',
        'codecommit:DeleteFile',
        'codecommit:Describe*',
        'codecommit:DisassociateApprovalRuleTemplateFromRepository',
        'codecommit:EvaluatePullRequestApprovalRules',
        'codecommit:Get*',
        'codecommit:List*',
        'codecommit:Merge*',
        'codecommit:OverridePullRequestApprovalRules',
        'codecommit:Put*',
        'codecommit:Post*',
        'codecommit:TagResource',
        'codecommit:Test*',
        'codecommit:UntagResource',
        'codecommit:Update*',
        'codecommit:GitPull',
        'codecommit:GitPush',
      ],
      '*',
    ),
    statement(
      'CloudWatchEventsCodeCommitRulesAccess',
      ['events:DeleteRule', 'events:DescribeRule', 'events:DisableRule', 'events:EnableRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets', 'events:ListTargetsByRule'],
      codecommitRules,
    ),
    statement('SNSTopicAndSubscriptionAccess', ['sns:Subscribe', 'sns:Unsubscribe'], 'arn:aws:sns:*:*:codecommit*'),
    ...sharedReadStatements,
    statement(
      'CodeStarNotificationsReadWriteAccess',
      [
        'codestar-notifications:CreateNotificationRule',
        'codestar-notifications:DescribeNotificationRule',
        'codestar-notifications:UpdateNotificationRule',
        'codestar-notifications:Subscribe',
        'codestar-notifications:Unsubscribe',
      ],
      '*',
      notificationsForCodecommit,
    ),
    codestarListAccess,
    codeguruFull,
    codeguruSlr,
    codeguruManagedRules,
    chatbot,
    codestarConnectionsRead,
  ]),
};

export const AWS_CODECOMMIT_READ_ONLY: ManagedPolicy = {
  name: 'AWSCodeCommitReadOnly',
  arn: 'arn:aws:iam::aws:policy/AWSCodeCommitReadOnly',
  path: '/',
  description: 'Provides read only access to AWS CodeCommit via the AWS Management Console.',
  document: document([
    statement(
      undefined,
      [
        'codecommit:BatchGet*',
        'codecommit:BatchDescribe*',
        'codecommit:Describe*',
        'codecommit:EvaluatePullRequestApprovalRules',
        'codecommit:Get*',
        'codecommit:List*',
        'codecommit:GitPull',
      ],
      '*',
    ),
    statement('CloudWatchEventsCodeCommitRulesReadOnlyAccess', ['events:DescribeRule', 'events:ListTargetsByRule'], codecommitRules),
    statement('SNSSubscriptionAccess', ['sns:ListTopics', 'sns:ListSubscriptionsByTopic', 'sns:GetTopicAttributes'], '*'),
    statement('LambdaReadOnlyListAccess', ['lambda:ListFunctions'], '*'),
    statement('IAMReadOnlyListAccess', ['iam:ListUsers'], '*'),
    statement('IAMReadOnlyConsoleAccess', ['iam:ListAccessKeys', 'iam:ListSSHPublicKeys', 'iam:ListServiceSpecificCredentials', 'iam:GetSSHPublicKey'], ownUser),
    statement('CodeStarNotificationsReadOnlyAccess', ['codestar-notifications:DescribeNotificationRule'], '*', notificationsForCodecommit),
    statement(
      'CodeStarNotificationsListAccess',
      ['codestar-notifications:ListNotificationRules', 'codestar-notifications:ListEventTypes', 'codestar-notifications:ListTargets'],
      '*',
    ),
    statement(
      'AmazonCodeGuruReviewerReadOnlyAccess',
      ['codeguru-reviewer:DescribeRepositoryAssociation', 'codeguru-reviewer:ListRepositoryAssociations', 'codeguru-reviewer:DescribeCodeReview', 'codeguru-reviewer:ListCodeReviews'],
      '*',
    ),
    codestarConnectionsRead,
  ]),
};

export const CODECOMMIT_MANAGED_POLICIES: readonly ManagedPolicy[] = [AWS_CODECOMMIT_FULL_ACCESS, AWS_CODECOMMIT_POWER_USER, AWS_CODECOMMIT_READ_ONLY];
