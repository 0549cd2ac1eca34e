import { createHash } from 'node:crypto';
import { AwsError } from '@cairn/aws-protocol';

/** Approval rule content in CodeCommit's 2018-11-08 format, parsed and checked. */
export interface ApprovalRuleContent {
  destinationReferences: string[];
  statements: { numberOfApprovalsNeeded: number; approvalPoolMembers: string[] }[];
}

const MAX_CONTENT_LENGTH = 3000;
const MAX_POOL_MEMBERS = 50;
const MAX_DESTINATION_REFERENCES = 100;

const invalid = (message: string) => new AwsError('InvalidApprovalRuleContentException', message);

/** SHA-256 of the content string, as ruleContentSha256 reports and existingRuleContentSha256 checks. */
export function ruleContentSha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/**
 * Parses rule content. `forTemplate` allows DestinationReferences (a branch filter that only
 * templates use); on a pull request's own rule it is refused.
 */
export function parseApprovalRuleContent(content: string, forTemplate: boolean): ApprovalRuleContent {
  if (content.length > MAX_CONTENT_LENGTH) throw invalid(`Approval rule content is limited to ${MAX_CONTENT_LENGTH} characters.`);
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    throw invalid('The approval rule content is not valid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('The approval rule content must be a JSON object.');
  const root = doc as Record<string, unknown>;
  const unknown = Object.keys(root).filter((k) => !['Version', 'DestinationReferences', 'Statements'].includes(k));
  if (unknown.length > 0) throw invalid(`Unknown member ${unknown[0]} in the approval rule content.`);
  if (root.Version !== '2018-11-08') throw invalid('The approval rule content Version must be "2018-11-08".');

  let destinationReferences: string[] = [];
  if (root.DestinationReferences !== undefined) {
    if (!forTemplate) throw invalid('DestinationReferences can only be used in approval rule templates.');
    if (!Array.isArray(root.DestinationReferences) || root.DestinationReferences.some((r) => typeof r !== 'string' || !r.startsWith('refs/') || r.startsWith('*'))) {
      throw invalid('DestinationReferences must be a list of full reference names such as refs/heads/main.');
    }
    if (root.DestinationReferences.length > MAX_DESTINATION_REFERENCES) throw invalid(`At most ${MAX_DESTINATION_REFERENCES} destination references are allowed.`);
    destinationReferences = root.DestinationReferences as string[];
  }

  if (!Array.isArray(root.Statements) || root.Statements.length === 0) throw invalid('The approval rule content needs at least one statement.');
  const statements = root.Statements.map((raw) => {
    if (typeof raw !== 'object' || raw === null) throw invalid('Each statement must be an object.');
    const s = raw as Record<string, unknown>;
    if (s.Type !== 'Approvers') throw invalid('The statement Type must be "Approvers".');
    const needed = s.NumberOfApprovalsNeeded;
    if (typeof needed !== 'number' || !Number.isInteger(needed) || needed < 1) throw invalid('NumberOfApprovalsNeeded must be a positive integer.');
    const pool = s.ApprovalPoolMembers ?? [];
    if (!Array.isArray(pool) || pool.some((m) => typeof m !== 'string' || !isPoolMember(m))) throw invalid('ApprovalPoolMembers must be a list of ARNs or CodeCommitApprovers:<account>:<name> entries.');
    if (pool.length > MAX_POOL_MEMBERS) throw invalid(`An approval pool has at most ${MAX_POOL_MEMBERS} members.`);
    return { numberOfApprovalsNeeded: needed, approvalPoolMembers: pool as string[] };
  });
  return { destinationReferences, statements };
}

function isPoolMember(member: string): boolean {
  return /^arn:aws:(iam|sts)::(\d{12}|\*):.+$/.test(member) || /^CodeCommitApprovers:\d{12}:.+$/.test(member);
}

/** A glob with `*` (any run of characters) and `?` (one character), as ARN patterns use them. */
function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return regex.test(value);
}

/**
 * Whether an approver belongs to a pool member, as CodeCommit matches them:
 * `CodeCommitApprovers:<account>:<name>` covers the IAM user and the federated user of that name,
 * and an assumed-role session only through a pattern (`*Mary`) or the explicit `Role/Session`;
 * a full ARN (with wildcards) matches the approver's ARN.
 */
export function poolMemberMatches(member: string, approverArn: string): boolean {
  if (member.startsWith('arn:')) return globMatches(member, approverArn);
  const match = /^CodeCommitApprovers:(\d{12}):(.+)$/.exec(member);
  if (!match) return false;
  const [, account, name] = match;
  const arn = /^arn:aws:(iam|sts)::(\d{12}):(user|federated-user|assumed-role)\/(.+)$/.exec(approverArn);
  if (!arn || arn[2] !== account) return false;
  const [, , , kind, rest] = arn;
  if (kind === 'user') {
    const userName = rest.slice(rest.lastIndexOf('/') + 1);
    return globMatches(name, userName) || globMatches(name, `user/${userName}`) || globMatches(name, `user/${rest}`);
  }
  if (kind === 'federated-user') return globMatches(name, rest);
  // assumed-role/<Role>/<Session>: the session name alone never matches a plain name.
  if (!name.includes('*') && !name.includes('?') && !name.includes('/')) return false;
  const session = rest.slice(rest.indexOf('/') + 1);
  return globMatches(name, rest) || (name.includes('*') && globMatches(name, session));
}

/** Whether a template's DestinationReferences (none: every branch) cover a destination ref. */
export function destinationMatches(references: string[], destinationReference: string): boolean {
  return references.length === 0 || references.some((pattern) => globMatches(pattern, destinationReference));
}

/** Whether a rule is satisfied by these approvers (never the author, who cannot approve). */
export function ruleSatisfied(rule: ApprovalRuleContent, approverArns: string[]): boolean {
  return rule.statements.every((statement) => {
    const counted = statement.approvalPoolMembers.length === 0 ? approverArns : approverArns.filter((arn) => statement.approvalPoolMembers.some((m) => poolMemberMatches(m, arn)));
    return new Set(counted).size >= statement.numberOfApprovalsNeeded;
  });
}
