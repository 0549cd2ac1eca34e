import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { makeTempDir } from '@cairn/testing';
import { Stack, type AdminCredentials } from './support/stack';

/**
 * Every constraint of CodeCommit's service model is enforced by the server: the JS SDK validates
 * almost nothing, so a request that breaks a length, pattern, range, enum or required member must
 * be refused with 400 and an AWS error shape (the model's own exception for the member where it has
 * one), never run, never answered with 500 or a stack trace.
 *
 * The cases are generated from the model (e2e/fixtures, AWS's public model): for each operation
 * Cairn dispatches and each top-level input member with a constraint, one request that breaks
 * exactly that constraint, every other required member valid and naming things that exist. The
 * requests are raw SigV4-signed POSTs, so nothing client-side filters them.
 */

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

interface ShapeRef {
  shape: string;
}
interface Shape {
  type: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  exception?: boolean;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
}
interface Model {
  metadata: { targetPrefix: string };
  operations: Record<string, { input?: ShapeRef; errors?: ShapeRef[] }>;
  shapes: Record<string, Shape>;
}

const MODEL = JSON.parse(readFileSync(join(__dirname, 'fixtures/codecommit-2015-04-13.service-model.json'), 'utf8')) as Model;
const TARGET_PREFIX = MODEL.metadata.targetPrefix;

/**
 * CodeCommit operations Cairn does not dispatch (services/api-gateway/src/codecommit/*.ts): each is
 * answered with UnknownOperationException. Every other operation of the model and of the SDK
 * client must be dispatched. GetBlobDifferences is newer than the model in e2e/fixtures; the
 * @aws-sdk/client-codecommit in package.json already has a command for it.
 */
const NOT_IMPLEMENTED = ['GetBlobDifferences'];

/** What an answer to a broken request may be named when the model has no exception for the member. */
const GENERIC_VALIDATION = ['ValidationException'];

type Constraint = 'required' | 'length.min' | 'length.max' | 'pattern' | 'range.min' | 'range.max' | 'enum';

/**
 * Constraints that are not tested, each with its reason. Keys are `Operation.member.constraint`;
 * every entry must match a generated case (a stale entry fails the test).
 */
const SKIPPED: Record<string, string> = {
  // Cannot be expressed: ApprovalRuleTemplateDescription has min 0 and no string is shorter (an
  // empty description is valid and clears it). The members' other constraints (max 1000, and
  // required for UpdateApprovalRuleTemplateDescription) run.
  'UpdateApprovalRuleTemplateDescription.approvalRuleTemplateDescription.length.min': 'min is 0: no string is shorter',
  'CreateApprovalRuleTemplate.approvalRuleTemplateDescription.length.min': 'min is 0: no string is shorter',
};

/**
 * Names a member's modelled errors are built on besides the member and shape names
 * (`<Stem>RequiredException`, `Invalid<Stem>Exception`, ...).
 */
const ERROR_STEMS: Record<string, string[]> = {
  CommitName: ['Commit'],
  Content: ['CommentContent'],
  KmsKeyId: ['EncryptionKey'],
  CommitIdsInputList: ['CommitIdsList', 'CommitIds'],
  RepositoryTriggersList: ['RepositoryTriggers'],
};

/** A string for each pattern of the model that breaks it, and only it (checked below). */
const PATTERN_VIOLATIONS: Record<string, string> = {
  // Smithy patterns are not anchored: only a string with no word character, dot or hyphen breaks it.
  '[\\w\\.-]+': '!@#',
  '^[a-zA-Z0-9:/_-]+$': 'key id with spaces',
};

const capitalize = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/**
 * The model's exceptions for a member, those naming its absence and those naming a bad value:
 * the operation's own, or (`serviceWide`) any the service declares.
 */
function memberErrors(operation: string, member: string, shapeName: string, serviceWide = false): { required: string[]; invalid: string[] } {
  const declared = new Set(serviceWide ? Object.keys(MODEL.shapes).filter((name) => MODEL.shapes[name]!.exception) : (MODEL.operations[operation]!.errors ?? []).map((e) => e.shape));
  const stems = [...new Set([capitalize(member), shapeName, ...(ERROR_STEMS[shapeName] ?? [])])];
  return {
    required: stems.map((s) => `${s}RequiredException`).filter((e) => declared.has(e)),
    invalid: stems
      .flatMap((s) => [`Invalid${s}Exception`, `${s}InvalidIdException`, `${s}SizeLimitExceededException`, `${s}LimitExceededException`, `${s}LengthExceededException`, `Maximum${s}ExceededException`, `TooMany${s}Exception`])
      .filter((e) => declared.has(e)),
  };
}

/**
 * The names an answer may have: the operation's exceptions of the right kind for the member; if it
 * declares none, the service's exceptions of that kind for the member (ListFileCommitHistory does
 * not list PathRequiredException), the operation's other exceptions for the member, or a generic
 * validation error. An empty string for a min-length member may be read as absent or as invalid.
 */
function expectedErrors(operation: string, member: string, shapeName: string, constraint: Constraint, empty: boolean): string[] {
  const fitting = (errors: { required: string[]; invalid: string[] }) => (constraint === 'required' ? errors.required : empty ? [...errors.required, ...errors.invalid] : errors.invalid);
  const own = memberErrors(operation, member, shapeName);
  if (fitting(own).length > 0) return fitting(own);
  return [...fitting(memberErrors(operation, member, shapeName, true)), ...(constraint === 'required' ? own.invalid : own.required), ...GENERIC_VALIDATION];
}

// ---------------------------------------------------------------------------------------------
// Valid values: what a request names besides the member under test
// ---------------------------------------------------------------------------------------------

interface Fixtures {
  admin: AdminCredentials;
  repositoryName: string;
  repositoryArn: string;
  baseCommitId: string;
  tipCommitId: string;
  blobId: string;
  pullRequestId: string;
  revisionId: string;
  commentId: string;
  approvalRuleName: string;
  templateName: string;
}

const RULE_CONTENT = JSON.stringify({ Version: '2018-11-08', Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: 1 }] });

/** Values by `Operation.member`, then by member name, then by shape name. */
function validValue(f: Fixtures, operation: string, member: string, shapeName: string): unknown {
  const byOperationMember: Record<string, unknown> = {
    // Things an operation creates get a new name, so a valid request would not collide.
    'CreateRepository.repositoryName': 'constraints-new-repo',
    'UpdateRepositoryName.newName': 'constraints-renamed',
    'CreateBranch.branchName': 'new-branch',
    'CreateBranch.commitId': f.baseCommitId,
    'CreateApprovalRuleTemplate.approvalRuleTemplateName': 'new-template',
    'UpdateApprovalRuleTemplateName.newApprovalRuleTemplateName': 'renamed-template',
    'CreatePullRequestApprovalRule.approvalRuleName': 'new-rule',
    'GetFolder.folderPath': '/',
  };
  const byMember: Record<string, unknown> = {
    blobId: f.blobId,
    sourceCommitSpecifier: 'feature',
    destinationCommitSpecifier: 'main',
    afterCommitSpecifier: 'main',
    beforeCommitId: f.baseCommitId,
    afterCommitId: f.tipCommitId,
    parentCommitId: f.baseCommitId,
    commitId: f.baseCommitId,
    mergeOption: 'THREE_WAY_MERGE',
  };
  const byShape: Record<string, unknown> = {
    RepositoryName: f.repositoryName,
    RepositoryNameList: [f.repositoryName],
    BranchName: 'main',
    CommitId: f.baseCommitId,
    ObjectId: f.baseCommitId,
    CommitName: 'main',
    CommitIdsInputList: [f.baseCommitId],
    Path: 'README.md',
    FileContent: Buffer.from('constraints\n').toString('base64'),
    PullRequestId: f.pullRequestId,
    RevisionId: f.revisionId,
    CommentId: f.commentId,
    Content: 'a comment',
    ReactionValue: ':thumbsup:',
    Title: 'a title',
    Description: 'a description',
    TargetList: [{ repositoryName: f.repositoryName, sourceReference: 'feature', destinationReference: 'main' }],
    ApprovalRuleName: f.approvalRuleName,
    ApprovalRuleContent: RULE_CONTENT,
    ApprovalRuleTemplateName: f.templateName,
    ApprovalRuleTemplateContent: RULE_CONTENT,
    ApprovalRuleTemplateDescription: 'a description',
    RepositoryTriggersList: [{ name: 'ci', destinationArn: `arn:aws:sns:${f.admin.region}:${f.admin.accountId}:topic`, branches: [], events: ['all'] }],
    ResourceArn: f.repositoryArn,
    TagsMap: { team: 'core' },
    TagKeysList: ['team'],
    KmsKeyId: 'alias/aws/codecommit',
  };
  for (const [table, key] of [
    [byOperationMember, `${operation}.${member}`],
    [byMember, member],
    [byShape, shapeName],
  ] as const) {
    if (Object.hasOwn(table, key)) return table[key];
  }
  const shape = MODEL.shapes[shapeName]!;
  if (shape.enum) return shape.enum[0];
  throw new Error(`No valid value for ${operation}.${member} (${shapeName}): add one to validValue`);
}

/** One element of a list or map member, for lists that must be made longer or shorter. */
function validElement(f: Fixtures, operation: string, member: string, shapeName: string): unknown {
  const value = validValue(f, operation, member, shapeName);
  if (Array.isArray(value) && value.length > 0) return value[0];
  throw new Error(`No valid element for ${operation}.${member} (${shapeName})`);
}

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

interface Case {
  operation: string;
  member: string;
  constraint: Constraint;
  /** The request body, built once the fixtures exist. */
  input(f: Fixtures): Record<string, unknown>;
  expected: string[];
}

/**
 * Members the model marks optional that an operation needs together: a request naming one names
 * the others too, so that it breaks nothing but the case's constraint.
 */
const TOGETHER: Record<string, string[][]> = {
  // The model marks neither required, but a branch is only found in a repository: GetBranch
  // declares RepositoryNameRequiredException and BranchNameRequiredException.
  GetBranch: [['repositoryName', 'branchName']],
  // The model's documentation: "Requirement is conditional: repositoryName must be specified when
  // beforeCommitId and afterCommitId are included" (and the commits when repositoryName is).
  GetCommentsForPullRequest: [['repositoryName', 'beforeCommitId', 'afterCommitId']],
};

/** The members a request for a case about `member` gives valid values: the required ones and its companions. */
function given(operation: string, member: string): string[] {
  const required = MODEL.shapes[MODEL.operations[operation]!.input!.shape]!.required ?? [];
  const companions = (TOGETHER[operation] ?? []).filter((group) => group.includes(member)).flat();
  return [...new Set([...required, ...companions])];
}

/** The required members (and companions) with valid values, then `member` set to `value` (or left out: undefined). */
function request(f: Fixtures, operation: string, member: string, value: unknown): Record<string, unknown> {
  const input = MODEL.shapes[MODEL.operations[operation]!.input!.shape]!;
  const out: Record<string, unknown> = {};
  for (const name of given(operation, member)) if (name !== member) out[name] = validValue(f, operation, name, input.members![name]!.shape);
  if (value !== undefined) out[member] = value;
  return out;
}

function casesFor(operation: string): Case[] {
  const inputRef = MODEL.operations[operation]!.input;
  if (!inputRef) return [];
  const input = MODEL.shapes[inputRef.shape]!;
  const cases: Case[] = [];
  for (const [member, ref] of Object.entries(input.members ?? {})) {
    const shape = MODEL.shapes[ref.shape]!;
    const add = (constraint: Constraint, value: (f: Fixtures) => unknown, empty = false) =>
      cases.push({ operation, member, constraint, input: (f) => request(f, operation, member, value(f)), expected: expectedErrors(operation, member, ref.shape, constraint, empty) });

    if ((input.required ?? []).includes(member)) add('required', () => undefined);

    if (shape.type === 'string') {
      // Every over-long or short value still matches the pattern (checked), so only the length breaks.
      const fill = (length: number) => {
        const value = 'a'.repeat(length);
        if (shape.pattern && length > 0 && !new RegExp(shape.pattern).test(value)) throw new Error(`${ref.shape}: 'a' does not match ${shape.pattern}`);
        return value;
      };
      if (shape.min !== undefined && shape.min > 0) add('length.min', () => fill(shape.min! - 1), shape.min === 1);
      else if (shape.min !== undefined) add('length.min', () => fill(0));
      if (shape.max !== undefined) add('length.max', () => fill(shape.max! + 1));
      if (shape.pattern) {
        const bad = PATTERN_VIOLATIONS[shape.pattern];
        if (bad === undefined) throw new Error(`No violating sample for pattern ${shape.pattern} (${ref.shape}): add one to PATTERN_VIOLATIONS`);
        if (new RegExp(shape.pattern).test(bad)) throw new Error(`${JSON.stringify(bad)} matches ${shape.pattern}`);
        if (bad.length < (shape.min ?? 0) || bad.length > (shape.max ?? Infinity)) throw new Error(`${JSON.stringify(bad)} breaks the length of ${ref.shape} too`);
        add('pattern', () => bad);
      }
      if (shape.enum) {
        const bad = 'NOT_A_MEMBER_OF_THE_ENUM';
        if (shape.enum.includes(bad)) throw new Error(`${bad} is in ${ref.shape}`);
        add('enum', () => bad);
      }
    } else if (shape.type === 'blob') {
      if (shape.min !== undefined && shape.min > 0) add('length.min', () => Buffer.alloc(shape.min! - 1).toString('base64'));
      if (shape.max !== undefined) add('length.max', () => Buffer.alloc(shape.max! + 1, 'a').toString('base64'));
    } else if (shape.type === 'list') {
      const list = (f: Fixtures, n: number) => Array.from({ length: n }, () => validElement(f, operation, member, ref.shape));
      if (shape.min !== undefined && shape.min > 0) add('length.min', (f) => list(f, shape.min! - 1));
      if (shape.max !== undefined) add('length.max', (f) => list(f, shape.max! + 1));
    } else if (shape.type === 'map') {
      const map = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, 'value']));
      if (shape.min !== undefined && shape.min > 0) add('length.min', () => map(shape.min! - 1));
      if (shape.max !== undefined) add('length.max', () => map(shape.max! + 1));
    } else if (shape.type === 'integer' || shape.type === 'long') {
      if (shape.min !== undefined) add('range.min', () => shape.min! - 1);
      if (shape.max !== undefined) add('range.max', () => shape.max! + 1);
    }
  }
  return cases;
}

/**
 * Operations that change what later cases name (a rename, a delete, a merge) run last: if one
 * wrongly succeeded it fails its own case without spoiling the others'.
 */
const MUTATING = /^(Delete|Update|Merge|Disassociate|BatchDisassociate|Override)/;
const IMPLEMENTED = Object.keys(MODEL.operations)
  .filter((op) => !NOT_IMPLEMENTED.includes(op))
  .sort((a, b) => Number(MUTATING.test(a)) - Number(MUTATING.test(b)) || a.localeCompare(b));

const ALL_CASES = IMPLEMENTED.flatMap(casesFor);
const skipKey = (c: Case) => `${c.operation}.${c.member}.${c.constraint}`;
const CASES = ALL_CASES.filter((c) => !Object.hasOwn(SKIPPED, skipKey(c)));

/** The generated cases cannot silently shrink (a model or generator change that drops cases). */
const MIN_CASES = 396;

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  type: string | undefined;
  errorTypeHeader: string | null;
  contentType: string | null;
  body: string;
  json: Record<string, unknown> | undefined;
}

describe('service model constraints', () => {
  // In the run's temp root, which the global teardown removes (a stack's data is ~250 MB).
  const stack = new Stack(makeTempDir('cairn-model-constraints-'));
  let admin: AdminCredentials;
  let signer: SignatureV4;
  let fixtures: Fixtures;
  const ran: Record<string, number> = {};

  /** A raw SigV4-signed POST /; `target` undefined sends no X-Amz-Target. */
  async function send(target: string | undefined, body: string): Promise<Answer> {
    const url = new URL(admin.endpoint);
    const headers: Record<string, string> = { host: url.host, 'content-type': 'application/x-amz-json-1.1' };
    if (target !== undefined) headers['x-amz-target'] = target;
    const signed = await signer.sign({ method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: '/', headers, body });
    const res = await fetch(admin.endpoint, { method: 'POST', headers: signed.headers as Record<string, string>, body });
    const text = await res.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return {
      status: res.status,
      type: typeof json?.__type === 'string' ? json.__type : undefined,
      errorTypeHeader: res.headers.get('x-amzn-errortype'),
      contentType: res.headers.get('content-type'),
      body: text,
      json,
    };
  }

  const call = (operation: string, input: Record<string, unknown>) => send(`${TARGET_PREFIX}.${operation}`, JSON.stringify(input));

  async function ok(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await call(operation, input);
    if (answer.status !== 200) throw new Error(`${operation} failed: ${answer.status} ${answer.body}`);
    return answer.json!;
  }

  /** What is wrong with an answer to a broken request; empty when it is a proper AWS error. */
  function problems(answer: Answer, expected: string[]): string[] {
    const out: string[] = [];
    if (answer.status !== 400) out.push(`status ${answer.status}`);
    if (!answer.json) out.push('body is not JSON');
    if (answer.contentType !== 'application/x-amz-json-1.1') out.push(`content-type ${answer.contentType}`);
    if (!answer.type || !expected.includes(answer.type)) out.push(`__type ${answer.type} (expected ${expected.join(' | ')})`);
    if (answer.type && answer.errorTypeHeader !== answer.type) out.push(`x-amzn-errortype ${answer.errorTypeHeader}`);
    if (typeof answer.json?.message !== 'string') out.push('no message');
    if (/\n\s+at |\.(js|ts):\d+/.test(answer.body)) out.push('stack trace in the body');
    return out;
  }

  /** A short form of an answer's body for failure messages. */
  const excerpt = (answer: Answer) => (answer.body.length > 200 ? `${answer.body.slice(0, 200)}…` : answer.body);

  beforeAll(async () => {
    await stack.start();
    admin = stack.credentials();
    signer = new SignatureV4({ service: 'codecommit', region: admin.region, credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey }, sha256: Sha256 });

    // A repository with two branches, a pull request between them with a comment and an approval
    // rule, and an approval rule template: everything a valid member can name exists.
    const repositoryName = 'constraints';
    const created = (await ok('CreateRepository', { repositoryName })).repositoryMetadata as Record<string, string>;
    const content = (text: string) => Buffer.from(text).toString('base64');
    const base = await ok('PutFile', { repositoryName, branchName: 'main', filePath: 'README.md', fileContent: content('readme\n') });
    await ok('CreateBranch', { repositoryName, branchName: 'feature', commitId: base.commitId });
    const tip = await ok('PutFile', { repositoryName, branchName: 'feature', filePath: 'feature.txt', fileContent: content('feature\n'), parentCommitId: base.commitId });
    const pr = (await ok('CreatePullRequest', { title: 'feature', targets: [{ repositoryName, sourceReference: 'feature', destinationReference: 'main' }] })).pullRequest as Record<string, string>;
    const comment = (await ok('PostCommentForPullRequest', { pullRequestId: pr.pullRequestId, repositoryName, beforeCommitId: base.commitId, afterCommitId: tip.commitId, content: 'looks good' })).comment as Record<string, string>;
    await ok('CreatePullRequestApprovalRule', { pullRequestId: pr.pullRequestId, approvalRuleName: 'rule', approvalRuleContent: RULE_CONTENT });
    await ok('CreateApprovalRuleTemplate', { approvalRuleTemplateName: 'template', approvalRuleTemplateContent: RULE_CONTENT });
    fixtures = {
      admin,
      repositoryName,
      repositoryArn: created.Arn!,
      baseCommitId: base.commitId as string,
      tipCommitId: tip.commitId as string,
      blobId: base.blobId as string,
      pullRequestId: pr.pullRequestId!,
      revisionId: pr.revisionId!,
      commentId: comment.commentId!,
      approvalRuleName: 'rule',
      templateName: 'template',
    };
  }, 240_000);

  afterAll(async () => {
    await stack.stop();
  });

  it('generates the cases from the model, with a skip-list that only names real cases', () => {
    const stale = Object.keys(SKIPPED).filter((key) => !ALL_CASES.some((c) => skipKey(c) === key));
    expect(stale).toEqual([]);
    expect(CASES.length).toBeGreaterThanOrEqual(MIN_CASES);
  });

  const byOperation = IMPLEMENTED.map((operation) => [operation, CASES.filter((c) => c.operation === operation)] as const).filter(([, cases]) => cases.length > 0);

  it.each(byOperation)('%s refuses every request that breaks a constraint', async (operation, cases) => {
    const failures: string[] = [];
    for (const c of cases) {
      const answer = await call(operation, c.input(fixtures));
      const wrong = problems(answer, c.expected);
      if (wrong.length > 0) failures.push(`${c.member} ${c.constraint}: ${wrong.join('; ')} — ${excerpt(answer)}`);
      ran[operation] = (ran[operation] ?? 0) + 1;
    }
    expect(failures).toEqual([]);
  });

  it('ran every generated case', () => {
    const total = Object.values(ran).reduce((a, b) => a + b, 0);
    console.log(`model constraint cases: ${total} in ${Object.keys(ran).length} operations\n${Object.entries(ran).map(([op, n]) => `  ${op}: ${n}`).join('\n')}`);
    expect(total).toBe(CASES.length);
    expect(total).toBeGreaterThanOrEqual(MIN_CASES);
  });

  describe('operations and bodies outside the model', () => {
    it('dispatches every operation of the model and of the SDK client except the unimplemented ones', async () => {
      const sdk = Object.keys(await import('@aws-sdk/client-codecommit'))
        .filter((name) => /^[A-Z]\w+Command$/.test(name))
        .map((name) => name.replace(/Command$/, ''));
      const operations = [...new Set([...Object.keys(MODEL.operations), ...sdk])].filter((op) => !NOT_IMPLEMENTED.includes(op));
      const unknown: string[] = [];
      for (const operation of operations) {
        // `{}` breaks every required member: nothing is created or changed.
        const answer = await call(operation, {});
        if (answer.type === 'UnknownOperationException' || answer.status >= 500) unknown.push(`${operation}: ${answer.status} ${excerpt(answer)}`);
      }
      expect(unknown).toEqual([]);
    });

    it('answers CodeCommit operations Cairn does not implement, and made-up ones, with UnknownOperationException', async () => {
      const targets = [...NOT_IMPLEMENTED.map((op) => `${TARGET_PREFIX}.${op}`), `${TARGET_PREFIX}.NoSuchOperation`, `${TARGET_PREFIX}.`, `CodeCommit_20991231.GetRepository`, 'GetRepository'];
      for (const target of targets) {
        const answer = await send(target, '{}');
        expect({ target, problems: problems(answer, ['UnknownOperationException']) }).toEqual({ target, problems: [] });
      }
      const unimplemented = await send(`${TARGET_PREFIX}.${NOT_IMPLEMENTED[0]}`, JSON.stringify({ repositoryName: fixtures.repositoryName }));
      expect(unimplemented.json?.message).toContain(NOT_IMPLEMENTED[0]);
    });

    it('answers malformed JSON and non-object bodies with SerializationException', async () => {
      for (const body of ['{', '{"repositoryName": }', 'not json', '[]', '"repositoryName"', '42', 'null', '{"repositoryName":"constraints"']) {
        const answer = await send(`${TARGET_PREFIX}.GetRepository`, body);
        expect({ body, problems: problems(answer, ['SerializationException']) }).toEqual({ body, problems: [] });
      }
    });

    it('answers members of the wrong JSON type with SerializationException', async () => {
      for (const input of [{ repositoryName: 42 }, { repositoryName: ['constraints'] }, { repositoryName: { name: 'constraints' } }, { repositoryName: true }]) {
        const answer = await call('GetRepository', input);
        expect({ input, problems: problems(answer, ['SerializationException']) }).toEqual({ input, problems: [] });
      }
    });
  });
});
