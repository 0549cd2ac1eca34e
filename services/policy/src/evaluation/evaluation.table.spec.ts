/**
 * Policy/request cases with the decision AWS's documented evaluation logic gives. Each title
 * names the rule it checks; the sources are the IAM User Guide pages on policy evaluation logic,
 * condition operators, multivalued context keys, policy variables and the Resource element, and
 * the CodeCommit User Guide ("Limit pushes and merges to branches", managed policies).
 */
import { compilePolicies, type DecisionKind, type PolicyLayer } from './index';
import type { AuthorizationRequest, RequestPrincipal } from './request-context';
import { AWS_CODECOMMIT_FULL_ACCESS, AWS_CODECOMMIT_POWER_USER, AWS_CODECOMMIT_READ_ONLY } from './managed-policies';

const ACCOUNT = '111122223333';
const REPO = `arn:aws:codecommit:us-east-1:${ACCOUNT}:MyDemoRepo`;
const repo = (name: string): string => `arn:aws:codecommit:us-east-1:${ACCOUNT}:${name}`;

const alice: RequestPrincipal = {
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  userName: 'alice',
  userId: 'AIDAALICEEXAMPLE',
  accountId: ACCOUNT,
  tags: { team: 'platform', CostCenter: '12345' },
};
const deployerSession: RequestPrincipal = {
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/build-42`,
  userId: 'AROADEPLOYEREXAMPLE:build-42',
  accountId: ACCOUNT,
  tags: {},
};
const untagged: RequestPrincipal = { ...alice, tags: {} };

type Json = Record<string, unknown>;
type Statement = Json;

interface Policy {
  readonly id?: string;
  readonly layer?: PolicyLayer;
  readonly document: Json;
}

interface RequestOverrides {
  readonly action?: string;
  readonly resource?: string;
  readonly principal?: RequestPrincipal;
  readonly context?: Record<string, string[]>;
  readonly currentTime?: string;
  readonly sourceIp?: string | null;
  readonly secureTransport?: boolean | null;
}

interface Case {
  readonly title: string;
  readonly policies: readonly Policy[];
  readonly request?: RequestOverrides;
  readonly expected: DecisionKind;
}

const doc = (...statements: Statement[]): Json => ({ Version: '2012-10-17', Statement: statements });
const policy = (...statements: Statement[]): Policy => ({ document: doc(...statements) });
const statement = (effect: 'Allow' | 'Deny', action: string | string[], resource: string | string[] = '*', condition?: Json): Statement => ({
  Effect: effect,
  Action: action,
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});
const allow = (action: string | string[], resource?: string | string[], condition?: Json): Statement => statement('Allow', action, resource, condition);
const deny = (action: string | string[], resource?: string | string[], condition?: Json): Statement => statement('Deny', action, resource, condition);
/** Allows the request's action on everything, when `condition` holds. */
const allowIf = (condition: Json): Policy => policy(allow('codecommit:*', '*', condition));
const allowAll = policy(allow('*', '*'));

function request(o: RequestOverrides = {}): AuthorizationRequest {
  const sourceIp = o.sourceIp === null ? undefined : (o.sourceIp ?? '203.0.113.10');
  const secureTransport = o.secureTransport === null ? undefined : (o.secureTransport ?? true);
  return {
    action: o.action ?? 'codecommit:GitPush',
    resource: o.resource ?? REPO,
    principal: o.principal ?? alice,
    context: o.context ?? {},
    currentTime: new Date(o.currentTime ?? '2024-06-01T12:00:00Z'),
    ...(sourceIp !== undefined ? { sourceIp } : {}),
    ...(secureTransport !== undefined ? { secureTransport } : {}),
  };
}

// The policy from "Limit pushes and merges to branches in AWS CodeCommit", with main and prod.
const BRANCH_PROTECTION_ACTIONS = [
  'codecommit:GitPush',
  'codecommit:DeleteBranch',
  'codecommit:PutFile',
  'codecommit:MergeBranchesByFastForward',
  'codecommit:MergeBranchesBySquash',
  'codecommit:MergeBranchesByThreeWay',
  'codecommit:MergePullRequestByFastForward',
  'codecommit:MergePullRequestBySquash',
  'codecommit:MergePullRequestByThreeWay',
];
const branchProtection = (resource = REPO, withNull = true): Policy => ({
  id: 'DenyChangesToMain',
  document: doc(
    deny(BRANCH_PROTECTION_ACTIONS, resource, {
      StringEqualsIfExists: { 'codecommit:References': ['refs/heads/main', 'refs/heads/prod'] },
      ...(withNull ? { Null: { 'codecommit:References': false } } : {}),
    }),
  ),
});
const powerUser: Policy = { id: AWS_CODECOMMIT_POWER_USER.arn, document: JSON.parse(AWS_CODECOMMIT_POWER_USER.document) as Json };
const readOnly: Policy = { id: AWS_CODECOMMIT_READ_ONLY.arn, document: JSON.parse(AWS_CODECOMMIT_READ_ONLY.document) as Json };
const fullAccess: Policy = { id: AWS_CODECOMMIT_FULL_ACCESS.arn, document: JSON.parse(AWS_CODECOMMIT_FULL_ACCESS.document) as Json };
const refs = (...r: string[]): Record<string, string[]> => ({ 'codecommit:References': r });

const cases: Case[] = [
  // --- Evaluation logic: explicit deny > allow > implicit deny --------------------------------
  { title: 'with no policies every request is implicitly denied', policies: [], expected: 'ImplicitDeny' },
  { title: 'an Allow statement that matches allows', policies: [policy(allow('codecommit:GitPush', REPO))], expected: 'Allow' },
  { title: 'an Allow for another action leaves the request implicitly denied', policies: [policy(allow('codecommit:GitPull', REPO))], expected: 'ImplicitDeny' },
  { title: 'an explicit Deny overrides an Allow in the same policy', policies: [policy(allow('codecommit:*'), deny('codecommit:GitPush'))], expected: 'ExplicitDeny' },
  { title: 'an explicit Deny in one policy overrides an Allow in another', policies: [allowAll, policy(deny('codecommit:GitPush', REPO))], expected: 'ExplicitDeny' },
  {
    title: "a group policy's Deny overrides the user's own Allow",
    policies: [{ id: 'user/alice/inline', document: doc(allow('codecommit:*')) }, { id: 'group/devs/managed', document: doc(deny('codecommit:Git*')) }],
    expected: 'ExplicitDeny',
  },
  { title: 'a Deny for another action does not affect an allowed action', policies: [allowAll, policy(deny('codecommit:DeleteRepository'))], expected: 'Allow' },
  {
    title: 'a Deny whose condition is false does not apply',
    policies: [allowAll, policy(deny('*', '*', { StringEquals: { 'aws:PrincipalTag/team': 'contractors' } }))],
    expected: 'Allow',
  },
  { title: 'an Allow whose condition is false does not allow', policies: [allowIf({ StringEquals: { 'aws:PrincipalTag/team': 'contractors' } })], expected: 'ImplicitDeny' },
  { title: 'one applicable Allow among several statements is enough', policies: [policy(allow('codecommit:GitPull'), allow('codecommit:GitPush', REPO))], expected: 'Allow' },
  { title: 'a policy with only a Deny grants nothing by itself', policies: [policy(deny('codecommit:DeleteRepository'))], expected: 'ImplicitDeny' },
  {
    title: 'Statement may be a single object rather than an array',
    policies: [{ document: { Version: '2012-10-17', Statement: allow('codecommit:GitPush', REPO) } }],
    expected: 'Allow',
  },
  { title: 'a 2008-10-17 document is evaluated the same way', policies: [{ document: { Version: '2008-10-17', Statement: [allow('codecommit:GitPush', REPO)] } }], expected: 'Allow' },
  { title: 'a document without Version is evaluated the same way', policies: [{ document: { Statement: [allow('codecommit:GitPush', REPO)] } }], expected: 'Allow' },

  // --- Action / NotAction ---------------------------------------------------------------------
  { title: 'Action names are matched without regard to case', policies: [policy(allow('CodeCommit:gitpush', REPO))], expected: 'Allow' },
  { title: 'service:* matches every action of the service', policies: [policy(allow('codecommit:*', REPO))], expected: 'Allow' },
  { title: 'Action * matches every action', policies: [policy(allow('*', REPO))], expected: 'Allow' },
  { title: 'codecommit:Get* matches GetRepository', policies: [policy(allow('codecommit:Get*'))], request: { action: 'codecommit:GetRepository' }, expected: 'Allow' },
  { title: 'codecommit:Get* does not match GitPull', policies: [policy(allow('codecommit:Get*'))], request: { action: 'codecommit:GitPull' }, expected: 'ImplicitDeny' },
  { title: 'a wildcard in the middle matches (*Pull*)', policies: [policy(allow('codecommit:*Pull*'))], request: { action: 'codecommit:MergePullRequestBySquash' }, expected: 'Allow' },
  { title: '? matches exactly one character (GitPu?h)', policies: [policy(allow('codecommit:GitPu?h'))], expected: 'Allow' },
  { title: '? does not match several characters (Git?)', policies: [policy(allow('codecommit:Git?'))], expected: 'ImplicitDeny' },
  { title: 'wildcard actions are case-insensitive too (CODECOMMIT:git*)', policies: [policy(allow('CODECOMMIT:git*'))], expected: 'Allow' },
  { title: 'the service prefix is part of the match (iam:* does not match codecommit)', policies: [policy(allow('iam:*'))], expected: 'ImplicitDeny' },
  { title: 'codecommit:List* does not match iam:ListUsers', policies: [policy(allow('codecommit:List*'))], request: { action: 'iam:ListUsers' }, expected: 'ImplicitDeny' },
  { title: 'a list of actions matches when any one matches', policies: [policy(allow(['codecommit:GitPull', 'codecommit:GitPush'], REPO))], expected: 'Allow' },
  { title: 'Allow with NotAction allows actions not listed', policies: [policy({ Effect: 'Allow', NotAction: 'codecommit:Delete*', Resource: '*' })], expected: 'Allow' },
  {
    title: 'Allow with NotAction does not allow the listed actions',
    policies: [policy({ Effect: 'Allow', NotAction: 'codecommit:Delete*', Resource: '*' })],
    request: { action: 'codecommit:DeleteRepository' },
    expected: 'ImplicitDeny',
  },
  { title: 'NotAction for another service covers every codecommit action', policies: [policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], expected: 'Allow' },
  {
    title: 'Deny with NotAction denies everything but the listed actions',
    policies: [allowAll, policy({ Effect: 'Deny', NotAction: ['codecommit:Get*', 'codecommit:List*'], Resource: '*' })],
    expected: 'ExplicitDeny',
  },
  {
    title: 'Deny with NotAction leaves the listed actions to the Allow',
    policies: [allowAll, policy({ Effect: 'Deny', NotAction: ['codecommit:Get*', 'codecommit:List*'], Resource: '*' })],
    request: { action: 'codecommit:GetBranch' },
    expected: 'Allow',
  },
  {
    title: 'NotAction is matched without regard to case',
    policies: [policy({ Effect: 'Allow', NotAction: 'CODECOMMIT:GITPUSH', Resource: '*' })],
    expected: 'ImplicitDeny',
  },

  // --- Resource / NotResource -----------------------------------------------------------------
  { title: 'an exact repository ARN matches', policies: [policy(allow('codecommit:GitPush', REPO))], expected: 'Allow' },
  { title: 'another repository ARN does not match', policies: [policy(allow('codecommit:GitPush', repo('OtherRepo')))], expected: 'ImplicitDeny' },
  { title: 'Resource matching is case-sensitive', policies: [policy(allow('codecommit:GitPush', repo('mydemorepo')))], expected: 'ImplicitDeny' },
  { title: 'Resource * matches every resource', policies: [policy(allow('codecommit:GitPush', '*'))], expected: 'Allow' },
  { title: 'a trailing * in the repository name matches (MyDemo*)', policies: [policy(allow('codecommit:GitPush', repo('MyDemo*')))], expected: 'Allow' },
  { title: '? in the repository name matches one character', policies: [policy(allow('codecommit:GitPush', repo('MyDemo?epo')))], expected: 'Allow' },
  { title: '? does not stand for several characters', policies: [policy(allow('codecommit:GitPush', repo('MyDemo?')))], expected: 'ImplicitDeny' },
  { title: 'a wildcard region segment matches', policies: [policy(allow('codecommit:GitPush', `arn:aws:codecommit:*:${ACCOUNT}:MyDemoRepo`))], expected: 'Allow' },
  { title: 'wildcard region and account segments match', policies: [policy(allow('codecommit:GitPush', 'arn:aws:codecommit:us-east-1:*:*'))], expected: 'Allow' },
  { title: 'a * ending a segment may expand beyond colon boundaries (arn:aws:codecommit:*)', policies: [policy(allow('codecommit:GitPush', 'arn:aws:codecommit:*'))], expected: 'Allow' },
  { title: 'a * ending a segment expands across the following segments (us-*:MyDemoRepo)', policies: [policy(allow('codecommit:GitPush', 'arn:aws:codecommit:us-*:MyDemoRepo'))], expected: 'Allow' },
  { title: 'a * inside a segment matches within it (us-*-1)', policies: [policy(allow('codecommit:GitPush', `arn:aws:codecommit:us-*-1:${ACCOUNT}:MyDemoRepo`))], expected: 'Allow' },
  { title: 'a * inside a segment does not cross a colon (u*3:MyDemoRepo)', policies: [policy(allow('codecommit:GitPush', 'arn:aws:codecommit:u*3:MyDemoRepo'))], expected: 'ImplicitDeny' },
  { title: 'another service in the ARN does not match', policies: [policy(allow('codecommit:GitPush', 'arn:aws:s3:::*'))], expected: 'ImplicitDeny' },
  { title: 'a list of resources matches when any one matches', policies: [policy(allow('codecommit:GitPush', [repo('A'), REPO]))], expected: 'Allow' },
  {
    title: 'Allow with NotResource allows resources not listed',
    policies: [policy({ Effect: 'Allow', Action: 'codecommit:*', NotResource: repo('Secret*') })],
    expected: 'Allow',
  },
  {
    title: 'Allow with NotResource does not allow the listed resources',
    policies: [policy({ Effect: 'Allow', Action: 'codecommit:*', NotResource: repo('Secret*') })],
    request: { resource: repo('SecretPlans') },
    expected: 'ImplicitDeny',
  },
  {
    title: 'Deny with NotResource denies every resource but the listed one',
    policies: [allowAll, policy({ Effect: 'Deny', Action: 'codecommit:*', NotResource: REPO })],
    request: { resource: repo('OtherRepo') },
    expected: 'ExplicitDeny',
  },
  {
    title: 'Deny with NotResource leaves the listed resource to the Allow',
    policies: [allowAll, policy({ Effect: 'Deny', Action: 'codecommit:*', NotResource: REPO })],
    expected: 'Allow',
  },
  {
    title: 'an action without resource-level permissions needs Resource *',
    policies: [policy(allow('codecommit:ListRepositories', 'arn:aws:codecommit:*'))],
    request: { action: 'codecommit:ListRepositories', resource: '*' },
    expected: 'ImplicitDeny',
  },
  {
    title: 'an action without resource-level permissions is allowed by Resource *',
    policies: [policy(allow('codecommit:ListRepositories', '*'))],
    request: { action: 'codecommit:ListRepositories', resource: '*' },
    expected: 'Allow',
  },

  // --- Policy variables -------------------------------------------------------------------------
  { title: '${aws:username} in Resource is replaced with the user name', policies: [policy(allow('codecommit:*', repo('${aws:username}-*')))], request: { resource: repo('alice-tools') }, expected: 'Allow' },
  { title: "${aws:username} does not match another user's repository", policies: [policy(allow('codecommit:*', repo('${aws:username}-*')))], request: { resource: repo('bob-tools') }, expected: 'ImplicitDeny' },
  { title: '${aws:userid} in Resource is replaced with the unique id', policies: [policy(allow('codecommit:*', repo('${aws:userid}')))], request: { resource: repo('AIDAALICEEXAMPLE') }, expected: 'Allow' },
  { title: '${aws:PrincipalTag/team} in Resource is replaced with the tag value', policies: [policy(allow('codecommit:*', repo('${aws:PrincipalTag/team}-*')))], request: { resource: repo('platform-api') }, expected: 'Allow' },
  {
    title: 'a variable whose key is absent makes the Resource fail to match',
    policies: [policy(allow('codecommit:*', repo('${aws:PrincipalTag/team}-*')))],
    request: { resource: repo('platform-api'), principal: untagged },
    expected: 'ImplicitDeny',
  },
  {
    title: "a default value ${aws:PrincipalTag/team, 'shared'} is used when the key is absent",
    policies: [policy(allow('codecommit:*', repo("${aws:PrincipalTag/team, 'shared'}-*")))],
    request: { resource: repo('shared-docs'), principal: untagged },
    expected: 'Allow',
  },
  {
    title: 'a default value is not used when the key is present',
    policies: [policy(allow('codecommit:*', repo("${aws:PrincipalTag/team, 'shared'}-*")))],
    request: { resource: repo('shared-docs') },
    expected: 'ImplicitDeny',
  },
  {
    title: '${aws:username} is not present for a role session, so the statement does not apply',
    policies: [policy(allow('codecommit:*', repo('${aws:username}-*')))],
    request: { resource: repo('Deployer-tools'), principal: deployerSession },
    expected: 'ImplicitDeny',
  },
  {
    title: '${aws:username} in a StringEquals condition value (owner tag equals the caller)',
    policies: [allowIf({ StringEquals: { 'aws:ResourceTag/owner': '${aws:username}' } })],
    request: { context: { 'aws:ResourceTag/owner': ['alice'] } },
    expected: 'Allow',
  },
  {
    title: '${aws:username} in a condition does not match another owner',
    policies: [allowIf({ StringEquals: { 'aws:ResourceTag/owner': '${aws:username}' } })],
    request: { context: { 'aws:ResourceTag/owner': ['bob'] } },
    expected: 'ImplicitDeny',
  },
  {
    title: 'a variable in StringLike combines with wildcards (refs/heads/${aws:username}/*)',
    policies: [allowIf({ StringLike: { 'codecommit:References': 'refs/heads/${aws:username}/*' } })],
    request: { context: refs('refs/heads/alice/feature-1') },
    expected: 'Allow',
  },
  {
    title: "a variable in StringLike does not match another user's branches",
    policies: [allowIf({ StringLike: { 'codecommit:References': 'refs/heads/${aws:username}/*' } })],
    request: { context: refs('refs/heads/bob/feature-1') },
    expected: 'ImplicitDeny',
  },
  {
    title: '${*} stands for a literal asterisk',
    policies: [allowIf({ StringEquals: { 'codecommit:References': 'refs/heads/${*}' } })],
    request: { context: refs('refs/heads/*') },
    expected: 'Allow',
  },
  {
    title: '${*} in StringLike is not a wildcard',
    policies: [allowIf({ StringLike: { 'codecommit:References': 'refs/heads/${*}' } })],
    request: { context: refs('refs/heads/main') },
    expected: 'ImplicitDeny',
  },
  {
    title: '${?} stands for a literal question mark in StringLike',
    policies: [allowIf({ StringLike: { 'codecommit:References': 'refs/heads/why${?}' } })],
    request: { context: refs('refs/heads/whys') },
    expected: 'ImplicitDeny',
  },
  { title: '${$} stands for a literal dollar sign', policies: [allowIf({ StringEquals: { 'aws:ResourceTag/price': '${$}5' } })], request: { context: { 'aws:ResourceTag/price': ['$5'] } }, expected: 'Allow' },
  {
    title: 'variables are literal text in a 2008-10-17 document',
    policies: [{ document: { Version: '2008-10-17', Statement: [allow('codecommit:*', repo('${aws:username}'))] } }],
    request: { resource: repo('alice') },
    expected: 'ImplicitDeny',
  },
  {
    title: 'a 2008-10-17 document matches the literal ${...} text',
    policies: [{ document: { Version: '2008-10-17', Statement: [allow('codecommit:*', repo('${aws:username}'))] } }],
    request: { resource: repo('${aws:username}') },
    expected: 'Allow',
  },
  {
    title: 'variables are substituted only after the fifth colon of a Resource ARN',
    policies: [policy(allow('codecommit:*', `arn:aws:codecommit:\${aws:PrincipalTag/team}:${ACCOUNT}:MyDemoRepo`))],
    request: { resource: `arn:aws:codecommit:platform:${ACCOUNT}:MyDemoRepo` },
    expected: 'ImplicitDeny',
  },
  {
    title: "a variable's value is literal: a * in a tag value is not a wildcard",
    policies: [policy(allow('codecommit:*', repo('${aws:PrincipalTag/team}')))],
    request: { principal: { ...alice, tags: { team: '*' } } },
    expected: 'ImplicitDeny',
  },
  {
    title: 'an unresolvable variable in NotResource makes the statement not apply',
    policies: [policy({ Effect: 'Allow', Action: 'codecommit:*', NotResource: repo('${aws:PrincipalTag/missing}') })],
    expected: 'ImplicitDeny',
  },
  {
    title: 'a multivalued key cannot serve as a policy variable',
    policies: [allowIf({ StringEquals: { 'aws:ResourceTag/key': '${aws:TagKeys}' } })],
    request: { context: { 'aws:TagKeys': ['a', 'b'], 'aws:ResourceTag/key': ['a'] } },
    expected: 'ImplicitDeny',
  },

  // --- String operators ---------------------------------------------------------------------------
  { title: 'StringEquals matches an equal value', policies: [allowIf({ StringEquals: { 'aws:PrincipalTag/team': 'platform' } })], expected: 'Allow' },
  { title: 'StringEquals does not match a different value', policies: [allowIf({ StringEquals: { 'aws:PrincipalTag/team': 'web' } })], expected: 'ImplicitDeny' },
  { title: 'StringEquals is case-sensitive (JohnDoe is not johndoe)', policies: [allowIf({ StringEquals: { 'aws:username': 'Alice' } })], expected: 'ImplicitDeny' },
  { title: 'StringEquals with several values matches any of them (OR)', policies: [allowIf({ StringEquals: { 'aws:PrincipalTag/team': ['web', 'platform'] } })], expected: 'Allow' },
  { title: 'StringEquals on an absent key is false', policies: [allowIf({ StringEquals: { 'aws:ResourceTag/team': 'platform' } })], expected: 'ImplicitDeny' },
  { title: 'StringEquals does not treat * as a wildcard', policies: [allowIf({ StringEquals: { 'aws:PrincipalTag/team': 'plat*' } })], expected: 'ImplicitDeny' },
  { title: 'StringNotEquals holds for a different value', policies: [allowIf({ StringNotEquals: { 'aws:PrincipalTag/team': 'web' } })], expected: 'Allow' },
  { title: 'StringNotEquals fails for an equal value', policies: [allowIf({ StringNotEquals: { 'aws:PrincipalTag/team': 'platform' } })], expected: 'ImplicitDeny' },
  { title: 'StringNotEquals with several values means none of them (NOR): listed value', policies: [allowIf({ StringNotEquals: { 'aws:PrincipalTag/team': ['web', 'platform'] } })], expected: 'ImplicitDeny' },
  { title: 'StringNotEquals with several values means none of them (NOR): unlisted value', policies: [allowIf({ StringNotEquals: { 'aws:PrincipalTag/team': ['web', 'data'] } })], expected: 'Allow' },
  { title: 'StringNotEquals on an absent key is true', policies: [allowIf({ StringNotEquals: { 'aws:ResourceTag/team': 'web' } })], expected: 'Allow' },
  { title: 'a Deny with StringNotEquals applies when the key is absent', policies: [allowAll, policy(deny('*', '*', { StringNotEquals: { 'aws:ResourceTag/team': 'platform' } }))], expected: 'ExplicitDeny' },
  { title: 'StringEqualsIgnoreCase matches regardless of case', policies: [allowIf({ StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } })], expected: 'Allow' },
  { title: 'StringEqualsIgnoreCase still needs the same characters', policies: [allowIf({ StringEqualsIgnoreCase: { 'aws:username': 'alicia' } })], expected: 'ImplicitDeny' },
  { title: 'StringNotEqualsIgnoreCase fails for a value equal but for case', policies: [allowIf({ StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } })], expected: 'ImplicitDeny' },
  { title: 'StringNotEqualsIgnoreCase holds for a different value', policies: [allowIf({ StringNotEqualsIgnoreCase: { 'aws:username': 'BOB' } })], expected: 'Allow' },
  { title: 'StringLike matches with a * wildcard', policies: [allowIf({ StringLike: { 'aws:PrincipalTag/team': 'plat*' } })], expected: 'Allow' },
  { title: 'StringLike matches with a ? wildcard', policies: [allowIf({ StringLike: { 'aws:PrincipalTag/team': 'p?atform' } })], expected: 'Allow' },
  { title: 'StringLike without wildcards needs the whole value ("You must specify wildcards to achieve partial string matches")', policies: [allowIf({ StringLike: { 'aws:PrincipalTag/team': 'plat' } })], expected: 'ImplicitDeny' },
  { title: 'StringLike is case-sensitive', policies: [allowIf({ StringLike: { 'aws:PrincipalTag/team': 'PLAT*' } })], expected: 'ImplicitDeny' },
  { title: 'StringLike * matches across slashes', policies: [allowIf({ StringLike: { 'codecommit:References': 'refs/*' } })], request: { context: refs('refs/heads/a/b/c') }, expected: 'Allow' },
  { title: 'StringLike * on an absent key is false', policies: [allowIf({ StringLike: { 'aws:ResourceTag/team': '*' } })], expected: 'ImplicitDeny' },
  { title: 'StringNotLike holds when the pattern does not match', policies: [allowIf({ StringNotLike: { 'aws:PrincipalTag/team': 'dev*' } })], expected: 'Allow' },
  { title: 'StringNotLike fails when the pattern matches', policies: [allowIf({ StringNotLike: { 'aws:PrincipalTag/team': 'plat*' } })], expected: 'ImplicitDeny' },
  { title: 'StringNotLike on an absent key is true', policies: [allowIf({ StringNotLike: { 'aws:ResourceTag/team': 'plat*' } })], expected: 'Allow' },
  { title: 'condition key names are not case-sensitive', policies: [allowIf({ StringEquals: { 'AWS:PRINCIPALTAG/TEAM': 'platform' } })], expected: 'Allow' },
  {
    title: 'tag key names in condition keys are not case-sensitive',
    policies: [allowIf({ StringEquals: { 'aws:ResourceTag/Environment': 'prod' } })],
    request: { context: { 'aws:resourcetag/environment': ['prod'] } },
    expected: 'Allow',
  },
  { title: 'several keys under one operator are ANDed: all hold', policies: [allowIf({ StringEquals: { 'aws:PrincipalTag/team': 'platform', 'aws:username': 'alice' } })], expected: 'Allow' },
  { title: 'several keys under one operator are ANDed: one fails', policies: [allowIf({ StringEquals: { 'aws:PrincipalTag/team': 'platform', 'aws:username': 'bob' } })], expected: 'ImplicitDeny' },
  {
    title: 'several operators in a Condition block are ANDed',
    policies: [allowIf({ StringEquals: { 'aws:PrincipalTag/team': 'platform' }, IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } })],
    expected: 'ImplicitDeny',
  },

  // --- Numeric ------------------------------------------------------------------------------------
  { title: 'NumericEquals matches an equal number', policies: [allowIf({ NumericEquals: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['10'] } }, expected: 'Allow' },
  { title: 'NumericEquals compares numbers, not text (10.0 = 10)', policies: [allowIf({ NumericEquals: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['10.0'] } }, expected: 'Allow' },
  { title: 'NumericEquals does not match another number', policies: [allowIf({ NumericEquals: { 's3:max-keys': 10 } })], request: { context: { 's3:max-keys': ['11'] } }, expected: 'ImplicitDeny' },
  { title: 'NumericNotEquals holds for another number', policies: [allowIf({ NumericNotEquals: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['11'] } }, expected: 'Allow' },
  { title: 'NumericNotEquals fails for an equal number', policies: [allowIf({ NumericNotEquals: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['10'] } }, expected: 'ImplicitDeny' },
  { title: 'NumericLessThan holds below the value', policies: [allowIf({ NumericLessThan: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['9'] } }, expected: 'Allow' },
  { title: 'NumericLessThan fails at the value', policies: [allowIf({ NumericLessThan: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['10'] } }, expected: 'ImplicitDeny' },
  { title: 'NumericLessThanEquals holds at the value', policies: [allowIf({ NumericLessThanEquals: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['10'] } }, expected: 'Allow' },
  { title: 'NumericLessThanEquals fails above the value', policies: [allowIf({ NumericLessThanEquals: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['10.5'] } }, expected: 'ImplicitDeny' },
  { title: 'NumericGreaterThan holds above the value', policies: [allowIf({ NumericGreaterThan: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['11'] } }, expected: 'Allow' },
  { title: 'NumericGreaterThan fails at the value', policies: [allowIf({ NumericGreaterThan: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['10'] } }, expected: 'ImplicitDeny' },
  { title: 'NumericGreaterThanEquals holds at the value', policies: [allowIf({ NumericGreaterThanEquals: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['10'] } }, expected: 'Allow' },
  { title: 'NumericGreaterThanEquals compares decimals', policies: [allowIf({ NumericGreaterThanEquals: { 's3:max-keys': '2.5' } })], request: { context: { 's3:max-keys': ['2.25'] } }, expected: 'ImplicitDeny' },
  { title: 'a Numeric operator on an absent key is false', policies: [allowIf({ NumericLessThan: { 's3:max-keys': '10' } })], expected: 'ImplicitDeny' },
  { title: 'NumericNotEquals on an absent key is true', policies: [allowIf({ NumericNotEquals: { 's3:max-keys': '10' } })], expected: 'Allow' },
  { title: 'a Numeric operator does not match a value that is not a number', policies: [allowIf({ NumericLessThan: { 's3:max-keys': '10' } })], request: { context: { 's3:max-keys': ['five'] } }, expected: 'ImplicitDeny' },

  // --- Date ----------------------------------------------------------------------------------------
  { title: 'DateLessThan on aws:CurrentTime holds before the date', policies: [allowIf({ DateLessThan: { 'aws:CurrentTime': '2025-01-01T00:00:00Z' } })], expected: 'Allow' },
  { title: 'DateGreaterThan on aws:CurrentTime fails before the date', policies: [allowIf({ DateGreaterThan: { 'aws:CurrentTime': '2025-01-01T00:00:00Z' } })], expected: 'ImplicitDeny' },
  { title: 'DateGreaterThan holds after the date', policies: [allowIf({ DateGreaterThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' } })], expected: 'Allow' },
  { title: 'DateGreaterThanEquals holds at the instant', policies: [allowIf({ DateGreaterThanEquals: { 'aws:CurrentTime': '2024-06-01T12:00:00Z' } })], expected: 'Allow' },
  { title: 'DateLessThanEquals holds at the instant', policies: [allowIf({ DateLessThanEquals: { 'aws:CurrentTime': '2024-06-01T12:00:00Z' } })], expected: 'Allow' },
  { title: 'DateLessThan fails at the instant', policies: [allowIf({ DateLessThan: { 'aws:CurrentTime': '2024-06-01T12:00:00Z' } })], expected: 'ImplicitDeny' },
  { title: 'DateEquals matches the same instant', policies: [allowIf({ DateEquals: { 'aws:CurrentTime': '2024-06-01T12:00:00Z' } })], expected: 'Allow' },
  { title: 'DateEquals compares instants across time zones (14:00+02:00 = 12:00Z)', policies: [allowIf({ DateEquals: { 'aws:CurrentTime': '2024-06-01T14:00:00+02:00' } })], expected: 'Allow' },
  { title: 'DateNotEquals holds for another instant', policies: [allowIf({ DateNotEquals: { 'aws:CurrentTime': '2024-06-01T12:00:01Z' } })], expected: 'Allow' },
  { title: 'DateNotEquals fails for the same instant', policies: [allowIf({ DateNotEquals: { 'aws:CurrentTime': '2024-06-01T12:00:00Z' } })], expected: 'ImplicitDeny' },
  { title: 'a date value may be given in epoch seconds', policies: [allowIf({ DateLessThan: { 'aws:CurrentTime': '1735689600' } })], expected: 'Allow' },
  { title: 'aws:EpochTime compares with an ISO 8601 value', policies: [allowIf({ DateGreaterThan: { 'aws:EpochTime': '2024-01-01T00:00:00Z' } })], expected: 'Allow' },
  { title: 'a W3C date without a time is midnight UTC', policies: [allowIf({ DateGreaterThan: { 'aws:CurrentTime': '2024-06-01' } })], expected: 'Allow' },
  {
    title: 'a time window with DateGreaterThan and DateLessThan outside the window',
    policies: [allowIf({ DateGreaterThan: { 'aws:CurrentTime': '2024-07-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2024-12-31T23:59:59Z' } })],
    expected: 'ImplicitDeny',
  },
  { title: 'a Date operator on an absent key is false (aws:TokenIssueTime without temporary credentials)', policies: [allowIf({ DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } })], expected: 'ImplicitDeny' },

  // --- Bool, Binary ---------------------------------------------------------------------------------
  { title: 'Bool denies requests not sent over TLS (aws:SecureTransport false)', policies: [allowAll, policy(deny('*', '*', { Bool: { 'aws:SecureTransport': 'false' } }))], request: { secureTransport: false }, expected: 'ExplicitDeny' },
  { title: 'Bool does not deny requests sent over TLS', policies: [allowAll, policy(deny('*', '*', { Bool: { 'aws:SecureTransport': 'false' } }))], expected: 'Allow' },
  { title: 'Bool accepts a JSON boolean value', policies: [allowIf({ Bool: { 'aws:SecureTransport': true } })], expected: 'Allow' },
  { title: 'Bool compares true/false without regard to case', policies: [allowIf({ Bool: { 'aws:SecureTransport': 'TRUE' } })], expected: 'Allow' },
  { title: 'Bool on an absent key is false, so a Deny does not apply', policies: [allowAll, policy(deny('*', '*', { Bool: { 'aws:SecureTransport': 'false' } }))], request: { secureTransport: null }, expected: 'Allow' },
  { title: 'BinaryEquals compares bytes with a base-64 policy value', policies: [allowIf({ BinaryEquals: { 'cairn:signature': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } })], request: { context: { 'cairn:signature': ['QmluYXJ5VmFsdWVJbkJhc2U2NA=='] } }, expected: 'Allow' },
  { title: 'BinaryEquals does not match other bytes', policies: [allowIf({ BinaryEquals: { 'cairn:signature': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } })], request: { context: { 'cairn:signature': ['b3RoZXI='] } }, expected: 'ImplicitDeny' },
  { title: 'BinaryEquals on an absent key is false', policies: [allowIf({ BinaryEquals: { 'cairn:signature': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } })], expected: 'ImplicitDeny' },

  // --- IP address -----------------------------------------------------------------------------------
  { title: 'IpAddress matches an address inside the CIDR range', policies: [allowIf({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })], expected: 'Allow' },
  { title: 'IpAddress does not match an address outside the range', policies: [allowIf({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })], request: { sourceIp: '203.0.114.1' }, expected: 'ImplicitDeny' },
  { title: 'an IP address without a prefix means /32 (match)', policies: [allowIf({ IpAddress: { 'aws:SourceIp': '203.0.113.10' } })], expected: 'Allow' },
  { title: 'an IP address without a prefix means /32 (no match)', policies: [allowIf({ IpAddress: { 'aws:SourceIp': '203.0.113.10' } })], request: { sourceIp: '203.0.113.11' }, expected: 'ImplicitDeny' },
  { title: 'IpAddress with an IPv6 range matches an IPv6 address', policies: [allowIf({ IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } })], request: { sourceIp: '2001:db8:1234:5678::1' }, expected: 'Allow' },
  { title: 'IpAddress with an IPv6 range does not match outside it', policies: [allowIf({ IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } })], request: { sourceIp: '2001:db8:1234:5679::1' }, expected: 'ImplicitDeny' },
  { title: 'IPv4 and IPv6 ranges can be mixed in one list', policies: [allowIf({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } })], request: { sourceIp: '2001:db8:1234:5678:abcd::9' }, expected: 'Allow' },
  { title: 'an IPv4 address is not inside an IPv6-only range', policies: [allowIf({ IpAddress: { 'aws:SourceIp': '2001:DB8::/32' } })], expected: 'ImplicitDeny' },
  { title: 'an IPv4-mapped IPv6 source address is read as IPv4', policies: [allowIf({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })], request: { sourceIp: '::ffff:203.0.113.10' }, expected: 'Allow' },
  { title: '0.0.0.0/0 matches any IPv4 address', policies: [allowIf({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })], request: { sourceIp: '192.0.2.77' }, expected: 'Allow' },
  { title: 'IpAddress on an absent aws:SourceIp is false', policies: [allowIf({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })], request: { sourceIp: null }, expected: 'ImplicitDeny' },
  {
    title: 'Deny with NotIpAddress denies callers outside the range (CodeCommit example 3)',
    policies: [allowAll, policy(deny('codecommit:*', '*', { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }))],
    expected: 'ExplicitDeny',
  },
  {
    title: 'Deny with NotIpAddress does not apply inside the range',
    policies: [allowAll, policy(deny('codecommit:*', '*', { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }))],
    request: { sourceIp: '192.0.2.44' },
    expected: 'Allow',
  },
  {
    title: 'NotIpAddress with several ranges means none of them',
    policies: [allowAll, policy(deny('codecommit:*', '*', { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] } }))],
    expected: 'Allow',
  },
  {
    title: 'NotIpAddress on an absent aws:SourceIp is true, so the Deny applies',
    policies: [allowAll, policy(deny('codecommit:*', '*', { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }))],
    request: { sourceIp: null },
    expected: 'ExplicitDeny',
  },

  // --- ARN ----------------------------------------------------------------------------------------
  { title: 'ArnEquals matches the same ARN', policies: [allowIf({ ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/alice` } })], expected: 'Allow' },
  { title: 'ArnLike matches with a wildcard in the resource part', policies: [allowIf({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/*` } })], expected: 'Allow' },
  { title: 'ArnEquals and ArnLike behave identically (wildcards in ArnEquals)', policies: [allowIf({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/al*' } })], expected: 'Allow' },
  { title: 'ArnLike is case-sensitive', policies: [allowIf({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/Alice` } })], expected: 'ImplicitDeny' },
  { title: '? in ArnLike matches one character', policies: [allowIf({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/alic?` } })], expected: 'Allow' },
  {
    title: 'ArnLike checks each colon-delimited component separately (the documented counterexample)',
    policies: [allowIf({ ArnLike: { 'aws:SourceArn': `arn:aws:someservice:*:${ACCOUNT}:finance/*` } })],
    request: { context: { 'aws:SourceArn': [`arn:aws:someservice:us-east-2:999999999999:store/abc:${ACCOUNT}:finance/document.txt`] } },
    expected: 'ImplicitDeny',
  },
  {
    title: 'StringLike matches where ArnLike does not (the * spans colons)',
    policies: [allowIf({ StringLike: { 'aws:SourceArn': `arn:aws:someservice:*:${ACCOUNT}:finance/*` } })],
    request: { context: { 'aws:SourceArn': [`arn:aws:someservice:us-east-2:999999999999:store/abc:${ACCOUNT}:finance/document.txt`] } },
    expected: 'Allow',
  },
  { title: 'ArnLike accepts a policy variable', policies: [allowIf({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/${aws:username}' } })], expected: 'Allow' },
  { title: 'ArnLike does not match a value that is not an ARN', policies: [allowIf({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } })], request: { context: { 'aws:SourceArn': ['not-an-arn'] } }, expected: 'ImplicitDeny' },
  { title: 'ArnLike on an absent key is false', policies: [allowIf({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } })], expected: 'ImplicitDeny' },
  { title: 'ArnNotEquals holds for another ARN', policies: [allowIf({ ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/bob` } })], expected: 'Allow' },
  { title: 'ArnNotLike fails when the pattern matches', policies: [allowIf({ ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/*` } })], expected: 'ImplicitDeny' },
  { title: 'ArnNotLike on an absent key is true', policies: [allowIf({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } })], expected: 'Allow' },

  // --- ...IfExists ----------------------------------------------------------------------------------
  { title: 'StringEqualsIfExists is true when the key is absent', policies: [allowIf({ StringEqualsIfExists: { 'aws:ResourceTag/team': 'platform' } })], expected: 'Allow' },
  { title: 'StringEqualsIfExists compares when the key is present (match)', policies: [allowIf({ StringEqualsIfExists: { 'aws:ResourceTag/team': 'platform' } })], request: { context: { 'aws:ResourceTag/team': ['platform'] } }, expected: 'Allow' },
  { title: 'StringEqualsIfExists compares when the key is present (no match)', policies: [allowIf({ StringEqualsIfExists: { 'aws:ResourceTag/team': 'platform' } })], request: { context: { 'aws:ResourceTag/team': ['web'] } }, expected: 'ImplicitDeny' },
  {
    title: 'a Deny with StringNotEqualsIfExists still denies when the key is absent',
    policies: [allowAll, policy(deny('*', '*', { StringNotEqualsIfExists: { 'aws:ResourceTag/team': 'platform' } }))],
    expected: 'ExplicitDeny',
  },
  {
    title: 'StringLikeIfExists lets a statement cover requests without the key (the ec2:InstanceType example)',
    policies: [allowIf({ StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } })],
    expected: 'Allow',
  },
  { title: 'StringLikeIfExists still compares a present key', policies: [allowIf({ StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*'] } })], request: { context: { 'ec2:InstanceType': ['m5.large'] } }, expected: 'ImplicitDeny' },
  { title: 'NumericLessThanIfExists is true when the key is absent', policies: [allowIf({ NumericLessThanIfExists: { 's3:max-keys': '10' } })], expected: 'Allow' },
  { title: 'DateGreaterThanIfExists is true when the key is absent', policies: [allowIf({ DateGreaterThanIfExists: { 'aws:TokenIssueTime': '2030-01-01T00:00:00Z' } })], expected: 'Allow' },
  { title: 'IpAddressIfExists is true when aws:SourceIp is absent', policies: [allowIf({ IpAddressIfExists: { 'aws:SourceIp': '192.0.2.0/24' } })], request: { sourceIp: null }, expected: 'Allow' },
  { title: 'IpAddressIfExists compares a present aws:SourceIp', policies: [allowIf({ IpAddressIfExists: { 'aws:SourceIp': '192.0.2.0/24' } })], expected: 'ImplicitDeny' },
  { title: 'ArnLikeIfExists is true when the key is absent', policies: [allowIf({ ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } })], expected: 'Allow' },
  { title: 'BoolIfExists is true when the key is absent', policies: [allowIf({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } })], expected: 'Allow' },
  { title: 'BinaryEqualsIfExists is true when the key is absent', policies: [allowIf({ BinaryEqualsIfExists: { 'cairn:signature': 'AAAA' } })], expected: 'Allow' },

  // --- Null ---------------------------------------------------------------------------------------
  { title: 'Null true holds when the key is absent', policies: [allowIf({ Null: { 'aws:TokenIssueTime': 'true' } })], expected: 'Allow' },
  { title: 'Null true fails when the key is present', policies: [allowIf({ Null: { 'aws:TokenIssueTime': 'true' } })], request: { context: { 'aws:TokenIssueTime': ['2024-06-01T11:00:00Z'] } }, expected: 'ImplicitDeny' },
  { title: 'Null false holds when the key is present', policies: [allowIf({ Null: { 'aws:ResourceTag/team': 'false' } })], request: { context: { 'aws:ResourceTag/team': ['web'] } }, expected: 'Allow' },
  { title: 'Null false fails when the key is absent', policies: [allowIf({ Null: { 'aws:ResourceTag/team': 'false' } })], expected: 'ImplicitDeny' },
  { title: 'Null accepts a JSON boolean value', policies: [allowIf({ Null: { 'aws:ResourceTag/team': true } })], expected: 'Allow' },
  { title: 'a key with an empty set of values is absent for Null', policies: [allowIf({ Null: { 'aws:TagKeys': 'true' } })], request: { context: { 'aws:TagKeys': [] } }, expected: 'Allow' },

  // --- ForAllValues / ForAnyValue ---------------------------------------------------------------------
  { title: 'ForAllValues holds when every request value is listed', policies: [allowIf({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env', 'owner'] } })], request: { context: { 'aws:TagKeys': ['team', 'env'] } }, expected: 'Allow' },
  { title: 'ForAllValues fails when one request value is not listed', policies: [allowIf({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } })], request: { context: { 'aws:TagKeys': ['team', 'secret'] } }, expected: 'ImplicitDeny' },
  { title: 'ForAllValues returns true when the key is absent', policies: [allowIf({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } })], expected: 'Allow' },
  { title: 'ForAllValues returns true for an empty set of values', policies: [allowIf({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } })], request: { context: { 'aws:TagKeys': [] } }, expected: 'Allow' },
  { title: 'ForAllValues:StringLike applies wildcards to every value', policies: [allowIf({ 'ForAllValues:StringLike': { 'aws:TagKeys': 'Created*' } })], request: { context: { 'aws:TagKeys': ['CreatedBy', 'CreatedAt'] } }, expected: 'Allow' },
  { title: 'ForAnyValue holds when one request value is listed', policies: [allowIf({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } })], request: { context: { 'aws:TagKeys': ['env', 'team'] } }, expected: 'Allow' },
  { title: 'ForAnyValue fails when no request value is listed', policies: [allowIf({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } })], request: { context: { 'aws:TagKeys': ['env', 'owner'] } }, expected: 'ImplicitDeny' },
  { title: 'ForAnyValue returns false when the key is absent', policies: [allowIf({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } })], expected: 'ImplicitDeny' },
  {
    title: 'ForAnyValue in a Deny denies when one listed attribute is requested (the DynamoDB example)',
    policies: [allowAll, policy(deny('dynamodb:PutItem', '*', { 'ForAnyValue:StringLike': { 'dynamodb:requestedAttributes': ['ID', 'PostDateTime'] } }))],
    request: { action: 'dynamodb:PutItem', context: { 'dynamodb:requestedAttributes': ['UserName', 'Message', 'PostDateTime'] } },
    expected: 'ExplicitDeny',
  },
  {
    title: 'ForAnyValue in a Deny does not apply when no listed attribute is requested',
    policies: [allowAll, policy(deny('dynamodb:PutItem', '*', { 'ForAnyValue:StringLike': { 'dynamodb:requestedAttributes': ['ID', 'PostDateTime'] } }))],
    request: { action: 'dynamodb:PutItem', context: { 'dynamodb:requestedAttributes': ['UserName'] } },
    expected: 'Allow',
  },
  { title: 'ForAllValues with a negated operator: no request value may be listed (one is)', policies: [allowIf({ 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } })], request: { context: { 'aws:TagKeys': ['team', 'secret'] } }, expected: 'ImplicitDeny' },
  { title: 'ForAllValues with a negated operator: no request value may be listed (none is)', policies: [allowIf({ 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } })], request: { context: { 'aws:TagKeys': ['team', 'env'] } }, expected: 'Allow' },
  { title: 'ForAnyValue with a negated operator: some request value is not listed', policies: [allowIf({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['team'] } })], request: { context: { 'aws:TagKeys': ['team', 'env'] } }, expected: 'Allow' },
  { title: 'ForAnyValue with a negated operator on an absent key is false', policies: [allowIf({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['team'] } })], expected: 'ImplicitDeny' },
  { title: 'a set operator treats a single-valued key as a set of one', policies: [allowIf({ 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ['o-abcdefg', 'o-zyxwvu'] } })], request: { context: { 'aws:PrincipalOrgID': ['o-abcdefg'] } }, expected: 'Allow' },
  {
    title: 'ForAllValues in a Deny applies when the key is absent (why ForAllValues with Deny needs care)',
    policies: [allowAll, policy(deny('*', '*', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['forbidden'] } }))],
    expected: 'ExplicitDeny',
  },
  { title: 'ForAnyValue:StringEqualsIfExists is true when the key is absent', policies: [allowIf({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': ['team'] } })], expected: 'Allow' },
  { title: 'set qualifier names are read without regard to case', policies: [allowIf({ 'forallvalues:stringequals': { 'aws:TagKeys': ['team'] } })], request: { context: { 'aws:TagKeys': ['team'] } }, expected: 'Allow' },

  // --- Branch protection ("Limit pushes and merges to branches"), with AWSCodeCommitPowerUser -------
  { title: 'branch protection: a push to main is denied', policies: [powerUser, branchProtection()], request: { context: refs('refs/heads/main') }, expected: 'ExplicitDeny' },
  { title: 'branch protection: a push to prod is denied', policies: [powerUser, branchProtection()], request: { context: refs('refs/heads/prod') }, expected: 'ExplicitDeny' },
  { title: 'branch protection: a push to another branch is allowed', policies: [powerUser, branchProtection()], request: { context: refs('refs/heads/feature/login') }, expected: 'Allow' },
  { title: 'branch protection: a push request without codecommit:References (ref advertisement) is allowed', policies: [powerUser, branchProtection()], expected: 'Allow' },
  { title: 'branch protection: deleting main by push (GitPush with that ref) is denied', policies: [powerUser, branchProtection()], request: { context: refs('refs/heads/main') }, expected: 'ExplicitDeny' },
  {
    title: 'branch protection: DeleteBranch of main through the API is denied',
    policies: [powerUser, branchProtection()],
    request: { action: 'codecommit:DeleteBranch', context: refs('refs/heads/main') },
    expected: 'ExplicitDeny',
  },
  {
    title: 'branch protection: DeleteBranch of another branch is allowed',
    policies: [powerUser, branchProtection()],
    request: { action: 'codecommit:DeleteBranch', context: refs('refs/heads/feature/login') },
    expected: 'Allow',
  },
  {
    title: 'branch protection: merging a pull request into main through the API is denied',
    policies: [powerUser, branchProtection()],
    request: { action: 'codecommit:MergePullRequestBySquash', context: refs('refs/heads/main') },
    expected: 'ExplicitDeny',
  },
  {
    title: 'branch protection: MergeBranchesByFastForward into prod is denied',
    policies: [powerUser, branchProtection()],
    request: { action: 'codecommit:MergeBranchesByFastForward', context: refs('refs/heads/prod') },
    expected: 'ExplicitDeny',
  },
  {
    title: 'branch protection: PutFile on main is denied',
    policies: [powerUser, branchProtection()],
    request: { action: 'codecommit:PutFile', context: refs('refs/heads/main') },
    expected: 'ExplicitDeny',
  },
  {
    title: 'branch protection: CreateCommit is not in the Deny list, so it stays allowed',
    policies: [powerUser, branchProtection()],
    request: { action: 'codecommit:CreateCommit', context: refs('refs/heads/main') },
    expected: 'Allow',
  },
  { title: 'branch protection: GitPull of main is unaffected', policies: [powerUser, branchProtection()], request: { action: 'codecommit:GitPull', context: refs('refs/heads/main') }, expected: 'Allow' },
  { title: 'branch protection: ref names are compared case-sensitively (refs/heads/Main)', policies: [powerUser, branchProtection()], request: { context: refs('refs/heads/Main') }, expected: 'Allow' },
  { title: 'branch protection: main of a repository outside Resource is not protected', policies: [powerUser, branchProtection()], request: { resource: repo('OtherRepo'), context: refs('refs/heads/main') }, expected: 'Allow' },
  { title: "branch protection with Resource * protects main in every repository", policies: [powerUser, branchProtection('*')], request: { resource: repo('OtherRepo'), context: refs('refs/heads/main') }, expected: 'ExplicitDeny' },
  { title: 'without the Null block the Deny would also hit a push request carrying no reference', policies: [powerUser, branchProtection(REPO, false)], expected: 'ExplicitDeny' },
  { title: 'the Deny alone grants nothing: a push to a feature branch needs an Allow', policies: [branchProtection()], request: { context: refs('refs/heads/feature/login') }, expected: 'ImplicitDeny' },

  // --- Global keys Cairn supplies ---------------------------------------------------------------------
  { title: 'aws:username is the friendly name of an IAM user', policies: [allowIf({ StringEquals: { 'aws:username': 'alice' } })], expected: 'Allow' },
  { title: 'aws:userid is the unique id of the caller', policies: [allowIf({ StringEquals: { 'aws:userid': 'AROADEPLOYEREXAMPLE:build-42' } })], request: { principal: deployerSession }, expected: 'Allow' },
  { title: 'aws:PrincipalArn of a role session is the role ARN', policies: [allowIf({ ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/Deployer` } })], request: { principal: deployerSession }, expected: 'Allow' },
  { title: 'aws:PrincipalType of a role session is AssumedRole', policies: [allowIf({ StringEquals: { 'aws:PrincipalType': 'AssumedRole' } })], request: { principal: deployerSession }, expected: 'Allow' },
  { title: 'aws:PrincipalAccount is the caller account', policies: [allowIf({ StringEquals: { 'aws:PrincipalAccount': ACCOUNT } })], expected: 'Allow' },
  { title: 'aws:PrincipalTag/<key> holds the principal tag value', policies: [allowIf({ StringEquals: { 'aws:PrincipalTag/CostCenter': ['12345', '67890'] } })], expected: 'Allow' },
  { title: 'aws:PrincipalTag/<key> is absent for an untagged principal', policies: [allowIf({ StringEquals: { 'aws:PrincipalTag/CostCenter': ['12345', '67890'] } })], request: { principal: untagged }, expected: 'ImplicitDeny' },
  {
    title: 'Deny on aws:ResourceTag/Status = Secret (CodeCommit example) denies tagged repositories',
    policies: [allowAll, policy(deny('codecommit:*', '*', { StringEqualsIgnoreCase: { 'aws:ResourceTag/Status': 'Secret' } }))],
    request: { context: { 'aws:ResourceTag/Status': ['secret'] } },
    expected: 'ExplicitDeny',
  },
  {
    title: 'aws:RequestTag/<key> constrains the tags a CreateRepository may set',
    policies: [policy(allow('codecommit:CreateRepository', '*', { StringEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' } }))],
    request: { action: 'codecommit:CreateRepository', context: { 'aws:RequestTag/team': ['platform'] } },
    expected: 'Allow',
  },
  {
    title: 'aws:RequestTag/<key> with another value is not allowed',
    policies: [policy(allow('codecommit:CreateRepository', '*', { StringEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' } }))],
    request: { action: 'codecommit:CreateRepository', context: { 'aws:RequestTag/team': ['web'] } },
    expected: 'ImplicitDeny',
  },
  {
    title: 'aws:TagKeys with ForAllValues limits TagResource to known keys',
    policies: [policy(allow('codecommit:TagResource', '*', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }))],
    request: { action: 'codecommit:TagResource', context: { 'aws:TagKeys': ['team', 'costcenter'] } },
    expected: 'ImplicitDeny',
  },

  // --- Session policies, permissions boundaries, trust policies ---------------------------------------
  {
    title: 'a session policy limits the role: an action outside it is implicitly denied',
    policies: [{ document: doc(allow('codecommit:*')) }, { layer: 'session', document: doc(allow('codecommit:GitPull')) }],
    request: { principal: deployerSession },
    expected: 'ImplicitDeny',
  },
  {
    title: 'a session policy limits the role: an action inside both is allowed',
    policies: [{ document: doc(allow('codecommit:*')) }, { layer: 'session', document: doc(allow('codecommit:GitPull')) }],
    request: { principal: deployerSession, action: 'codecommit:GitPull' },
    expected: 'Allow',
  },
  {
    title: 'a session policy grants nothing the identity policies do not',
    policies: [{ document: doc(allow('codecommit:GitPull')) }, { layer: 'session', document: doc(allow('codecommit:*')) }],
    request: { principal: deployerSession },
    expected: 'ImplicitDeny',
  },
  { title: 'a Deny in a session policy is an explicit deny', policies: [allowAll, { layer: 'session', document: doc(allow('*'), deny('codecommit:GitPush')) }], expected: 'ExplicitDeny' },
  {
    title: 'a permissions boundary limits the identity policies',
    policies: [allowAll, { layer: 'boundary', document: doc(allow(['codecommit:Get*', 'codecommit:List*'])) }],
    expected: 'ImplicitDeny',
  },
  { title: 'a permissions boundary alone grants nothing', policies: [{ layer: 'boundary', document: doc(allow('*')) }], expected: 'ImplicitDeny' },
  {
    title: 'a trust policy naming the user allows AssumeRole without an identity Allow',
    policies: [{ layer: 'resource', document: doc({ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole' }) }],
    request: { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/Deployer` },
    expected: 'Allow',
  },
  {
    title: 'a trust policy naming the account needs an identity Allow too (none)',
    policies: [{ layer: 'resource', document: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }) }],
    request: { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/Deployer` },
    expected: 'ImplicitDeny',
  },
  {
    title: 'a trust policy naming the account with an identity Allow allows',
    policies: [
      { layer: 'resource', document: doc({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }) },
      policy(allow('sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/Deployer`)),
    ],
    request: { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/Deployer` },
    expected: 'Allow',
  },
  {
    title: 'a trust policy naming someone else does not allow, whatever the identity policies say',
    policies: [{ layer: 'resource', document: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` }, Action: 'sts:AssumeRole' }) }, allowAll],
    request: { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/Deployer` },
    expected: 'ImplicitDeny',
  },
  {
    title: 'a trust policy Deny for the principal is an explicit deny',
    policies: [
      { layer: 'resource', document: doc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole' }) },
    ],
    request: { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/Deployer` },
    expected: 'ExplicitDeny',
  },
  {
    title: 'NotPrincipal in a trust policy Deny spares the listed principal',
    policies: [
      { layer: 'resource', document: doc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }, { Effect: 'Deny', NotPrincipal: { AWS: alice.arn }, Action: 'sts:AssumeRole' }) },
    ],
    request: { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/Deployer` },
    expected: 'Allow',
  },

  // --- AWS managed policies -------------------------------------------------------------------------
  { title: 'AWSCodeCommitReadOnly allows GitPull', policies: [readOnly], request: { action: 'codecommit:GitPull' }, expected: 'Allow' },
  { title: 'AWSCodeCommitReadOnly does not allow GitPush', policies: [readOnly], expected: 'ImplicitDeny' },
  { title: 'AWSCodeCommitReadOnly allows ListRepositories (Resource *)', policies: [readOnly], request: { action: 'codecommit:ListRepositories', resource: '*' }, expected: 'Allow' },
  { title: 'AWSCodeCommitReadOnly does not allow CreatePullRequest', policies: [readOnly], request: { action: 'codecommit:CreatePullRequest' }, expected: 'ImplicitDeny' },
  { title: 'AWSCodeCommitPowerUser allows GitPush', policies: [powerUser], expected: 'Allow' },
  { title: 'AWSCodeCommitPowerUser allows CreateRepository', policies: [powerUser], request: { action: 'codecommit:CreateRepository' }, expected: 'Allow' },
  { title: 'AWSCodeCommitPowerUser does not allow DeleteRepository', policies: [powerUser], request: { action: 'codecommit:DeleteRepository' }, expected: 'ImplicitDeny' },
  { title: 'AWSCodeCommitFullAccess allows DeleteRepository', policies: [fullAccess], request: { action: 'codecommit:DeleteRepository' }, expected: 'Allow' },
  {
    title: "AWSCodeCommitPowerUser lets a user upload their own SSH key (${aws:username})",
    policies: [powerUser],
    request: { action: 'iam:UploadSSHPublicKey', resource: `arn:aws:iam::${ACCOUNT}:user/alice` },
    expected: 'Allow',
  },
  {
    title: "AWSCodeCommitPowerUser does not let a user upload another user's SSH key",
    policies: [powerUser],
    request: { action: 'iam:UploadSSHPublicKey', resource: `arn:aws:iam::${ACCOUNT}:user/bob` },
    expected: 'ImplicitDeny',
  },
];

describe('IAM policy evaluation (table)', () => {
  it('has at least 150 cases with distinct titles', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.title)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const set = compilePolicies(c.policies.map((p, i) => ({ id: p.id ?? `policy-${i}`, layer: p.layer, document: JSON.stringify(p.document) })));
    const req = request(c.request);
    expect(set.evaluate(req).decision).toBe(c.expected);
    // Reporting every match must never change the decision.
    expect(set.evaluate(req, { allMatches: true }).decision).toBe(c.expected);
  });
});
