/**
 * The built-in ("AWS managed") policies every account has, attachable by ARN
 * arn:aws:iam::aws:policy/<name>. The canonical copy of these documents belongs to the evaluation
 * module (services/policy/src/evaluation/), which decides what they grant; this copy seeds the
 * store so they can be listed, read and attached. They follow AWS's documents for the CodeCommit
 * and IAM actions Cairn serves and leave out statements for services Cairn does not have
 * (EventBridge, SNS, Lambda, CodeStar Notifications, CodeGuru).
 */
export interface AwsManagedPolicy {
  name: string;
  description: string;
  document: string;
}

const SELF = 'arn:aws:iam::*:user/${aws:username}';

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);

const iamSelfService = [
  { Sid: 'IAMReadOnlyListAccess', Effect: 'Allow', Action: ['iam:ListUsers'], Resource: '*' },
  {
    Sid: 'IAMReadOnlyConsoleAccess',
    Effect: 'Allow',
    Action: ['iam:ListAccessKeys', 'iam:ListSSHPublicKeys', 'iam:ListServiceSpecificCredentials'],
    Resource: SELF,
  },
  {
    Sid: 'IAMUserSSHKeys',
    Effect: 'Allow',
    Action: ['iam:DeleteSSHPublicKey', 'iam:GetSSHPublicKey', 'iam:ListSSHPublicKeys', 'iam:UpdateSSHPublicKey', 'iam:UploadSSHPublicKey'],
    Resource: SELF,
  },
  {
    Sid: 'IAMSelfManageServiceSpecificCredentials',
    Effect: 'Allow',
    Action: ['iam:CreateServiceSpecificCredential', 'iam:UpdateServiceSpecificCredential', 'iam:DeleteServiceSpecificCredential', 'iam:ResetServiceSpecificCredential'],
    Resource: SELF,
  },
];

export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = [
  {
    name: 'AdministratorAccess',
    description: 'Provides full access to AWS services and resources.',
    document: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
  },
  {
    name: 'AWSCodeCommitFullAccess',
    description: 'Provides full access to AWS CodeCommit via the AWS Management Console.',
    document: doc([{ Effect: 'Allow', Action: ['codecommit:*'], Resource: '*' }, ...iamSelfService]),
  },
  {
    name: 'AWSCodeCommitPowerUser',
    description: 'Provides full access to AWS CodeCommit repositories, but does not allow repository deletion.',
    document: doc([
      {
        Effect: 'Allow',
        Action: [
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
        Resource: '*',
      },
      ...iamSelfService,
    ]),
  },
  {
    name: 'AWSCodeCommitReadOnly',
    description: 'Provides read only access to AWS CodeCommit via the AWS Management Console.',
    document: doc([
      {
        Effect: 'Allow',
        Action: [
          'codecommit:BatchGet*',
          'codecommit:BatchDescribe*',
          'codecommit:Describe*',
          'codecommit:EvaluatePullRequestApprovalRules',
          'codecommit:Get*',
          'codecommit:List*',
          'codecommit:GitPull',
        ],
        Resource: '*',
      },
      iamSelfService[0]!,
      iamSelfService[1]!,
    ]),
  },
];

export const awsManagedPolicyArn = (name: string) => `arn:aws:iam::aws:policy/${name}`;
