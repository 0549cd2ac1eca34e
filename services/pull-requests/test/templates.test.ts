import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AwsError } from '@cairn/aws-protocol';
import { domainCodeOf, metadata, pullRequests as pr } from '@cairn/contracts';
import { openDatabase } from '@cairn/runtime';
import { createTestDatabase } from '@cairn/testing';
import { prError } from '../src/errors';
import { PULL_REQUEST_ENTITIES } from '../src/pull-requests/pull-request.entity';
import { ruleContentSha256 } from '../src/approvals/approval-rule-content';
import { ApprovalRuleTemplateEntity, TEMPLATE_ENTITIES, TemplateAssociationEntity } from '../src/templates/approval-rule-template.entity';
import { RuleTemplates } from '../src/templates/rule-templates';
import { TemplatesService } from '../src/templates/templates.service';
import { TemplateOperations } from '../src/templates/templates.operations';
import type { RepositoryRef, Upstreams } from '../src/upstreams';

// Responses are CodeCommit JSON; the assertions below read them loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Out = any;
type Input = Record<string, unknown>;

const ALICE: pr.Caller = { arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012' };
const BOB: pr.Caller = { arn: 'arn:aws:iam::123456789012:user/bob', accountId: '123456789012' };

const content = (approvals = 1, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: '2018-11-08', ...extra, Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: approvals, ApprovalPoolMembers: ['CodeCommitApprovers:123456789012:bob'] }] });
const MAIN_ONLY = content(2, { DestinationReferences: ['refs/heads/main'] });

/**
 * A stand-in for repo-metadata: repositories by name (GetRepository through Upstreams.repository)
 * and the paged ListRepositories the service reads ids back to names with. Tests rename and
 * delete repositories here as repo-metadata would.
 */
class FakeMetadata {
  readonly repositories = new Map<string, RepositoryRef>();
  listCalls = 0;

  add(repositoryName: string): RepositoryRef {
    const repo = { repositoryId: randomUUID(), repositoryName, accountId: '123456789012', defaultBranch: 'main' };
    this.repositories.set(repositoryName, repo);
    return repo;
  }

  rename(oldName: string, newName: string): void {
    const repo = this.repositories.get(oldName)!;
    this.repositories.delete(oldName);
    this.repositories.set(newName, { ...repo, repositoryName: newName });
  }

  remove(name: string): void {
    this.repositories.delete(name);
  }

  upstreams(): Upstreams {
    const listRepositories = (request: metadata.ListRepositoriesRequest, _md: unknown, _options: unknown, callback: (error: Error | null, response: metadata.ListRepositoriesResponse) => void) => {
      this.listCalls++;
      // Two a page, so the service has to follow nextToken.
      const all = [...this.repositories.values()].sort((a, b) => (a.repositoryName < b.repositoryName ? -1 : 1));
      const offset = Number(request.nextToken || '0');
      const page = all.slice(offset, offset + 2);
      callback(null, { repositories: page.map((r) => ({ repositoryName: r.repositoryName, repositoryId: r.repositoryId })), nextToken: offset + 2 < all.length ? String(offset + 2) : '' });
    };
    return {
      repository: async (name: string) => {
        const repo = this.repositories.get(name);
        if (!repo) throw prError('RepositoryDoesNotExistException', `${name} does not exist`);
        return repo;
      },
      metadata: { listRepositories },
    } as unknown as Upstreams;
  }
}

function setUp(prefix: string) {
  const state = { db: undefined as unknown as DataSource, operations: undefined as unknown as TemplateOperations, fake: new FakeMetadata() };
  beforeAll(async () => {
    state.db = await openDatabase(await createTestDatabase(prefix), [...PULL_REQUEST_ENTITIES, ...TEMPLATE_ENTITIES]);
    state.operations = new TemplateOperations(new TemplatesService(state.db, state.fake.upstreams()));
  });
  afterAll(async () => {
    await state.db?.destroy();
  });
  const call = (operation: string, input: Input, caller: pr.Caller = ALICE): Promise<Out> => state.operations.operations[operation](input, caller);
  async function errorOf(operation: string, input: Input, caller: pr.Caller = ALICE): Promise<string> {
    try {
      await call(operation, input, caller);
    } catch (error) {
      if (error instanceof AwsError) return error.code;
      const code = domainCodeOf(error);
      if (code) return code;
      throw error;
    }
    throw new Error(`${operation} succeeded`);
  }
  /** Every page of a listing, following nextToken. */
  async function allPages(operation: string, input: Input, member: string): Promise<{ names: string[]; pages: number }> {
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await call(operation, { ...input, nextToken });
      names.push(...out[member]);
      nextToken = out.nextToken;
      pages++;
    } while (nextToken);
    return { names, pages };
  }
  return { state, call, errorOf, allPages };
}

describe('approval rule templates', () => {
  const { state, call, errorOf, allPages } = setUp('pr_templates');
  const fake = state.fake;
  const create = (name: string, extra: Input = {}, caller = ALICE) => call('CreateApprovalRuleTemplate', { approvalRuleTemplateName: name, approvalRuleTemplateContent: content(), ...extra }, caller);
  const associated = async (name: string) => (await allPages('ListAssociatedApprovalRuleTemplatesForRepository', { repositoryName: name }, 'approvalRuleTemplateNames')).names;
  const repositoriesOf = async (name: string) => (await allPages('ListRepositoriesForApprovalRuleTemplate', { approvalRuleTemplateName: name }, 'repositoryNames')).names;

  beforeAll(() => {
    for (const name of ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'full', 'batch-a', 'batch-b', 'gone']) fake.add(name);
  });

  describe('CreateApprovalRuleTemplate and GetApprovalRuleTemplate', () => {
    it('creates a template and reads it back, the caller as last modifier', async () => {
      const before = Date.now() / 1000;
      const out = await create('require-two', { approvalRuleTemplateContent: MAIN_ONLY, approvalRuleTemplateDescription: 'Two approvals on main' });
      const template = out.approvalRuleTemplate;
      expect(template).toEqual({
        approvalRuleTemplateId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        approvalRuleTemplateName: 'require-two',
        approvalRuleTemplateDescription: 'Two approvals on main',
        approvalRuleTemplateContent: MAIN_ONLY,
        ruleContentSha256: ruleContentSha256(MAIN_ONLY),
        lastModifiedDate: expect.any(Number),
        creationDate: expect.any(Number),
        lastModifiedUser: ALICE.arn,
      });
      expect(template.creationDate).toBe(template.lastModifiedDate);
      expect(template.creationDate).toBeGreaterThanOrEqual(Math.floor(before));
      expect(template.creationDate).toBeLessThan(before + 60);
      expect(await call('GetApprovalRuleTemplate', { approvalRuleTemplateName: 'require-two' }, BOB)).toEqual(out);
    });

    it('takes a template without description, and names and descriptions at their longest', async () => {
      const plain = (await create('plain')).approvalRuleTemplate;
      expect(plain.approvalRuleTemplateDescription).toBe('');
      const longName = 'n'.repeat(100);
      const long = await create(longName, { approvalRuleTemplateDescription: 'd'.repeat(1000) });
      expect(long.approvalRuleTemplate).toMatchObject({ approvalRuleTemplateName: longName, approvalRuleTemplateDescription: 'd'.repeat(1000) });
      // Limits count characters, not UTF-16 units.
      const emoji = '😀'.repeat(100);
      expect((await create(emoji)).approvalRuleTemplate.approvalRuleTemplateName).toBe(emoji);
      await call('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: longName });
      await call('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: emoji });
    });

    it('answers the modelled errors', async () => {
      const ok = { approvalRuleTemplateName: 'bad-one', approvalRuleTemplateContent: content() };
      const createError = (input: Input) => errorOf('CreateApprovalRuleTemplate', { ...ok, ...input });
      expect(await createError({ approvalRuleTemplateName: undefined })).toBe('ApprovalRuleTemplateNameRequiredException');
      expect(await createError({ approvalRuleTemplateName: '' })).toBe('ApprovalRuleTemplateNameRequiredException');
      expect(await createError({ approvalRuleTemplateName: 'x'.repeat(101) })).toBe('InvalidApprovalRuleTemplateNameException');
      expect(await createError({ approvalRuleTemplateName: 42 })).toBe('SerializationException');
      expect(await createError({ approvalRuleTemplateContent: undefined })).toBe('ApprovalRuleTemplateContentRequiredException');
      expect(await createError({ approvalRuleTemplateContent: '' })).toBe('ApprovalRuleTemplateContentRequiredException');
      expect(await createError({ approvalRuleTemplateContent: 'not json' })).toBe('InvalidApprovalRuleTemplateContentException');
      expect(await createError({ approvalRuleTemplateContent: JSON.stringify({ Version: '2020-01-01', Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: 1 }] }) })).toBe('InvalidApprovalRuleTemplateContentException');
      expect(await createError({ approvalRuleTemplateContent: content(0) })).toBe('InvalidApprovalRuleTemplateContentException');
      expect(await createError({ approvalRuleTemplateContent: content(1, { DestinationReferences: ['main'] }) })).toBe('InvalidApprovalRuleTemplateContentException');
      const tooLong = JSON.stringify({ Version: '2018-11-08', Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: 1, ApprovalPoolMembers: [`arn:aws:iam::123456789012:user/${'u'.repeat(3000)}`] }] });
      expect(await createError({ approvalRuleTemplateContent: tooLong })).toBe('InvalidApprovalRuleTemplateContentException');
      expect(await createError({ approvalRuleTemplateDescription: 'd'.repeat(1001) })).toBe('InvalidApprovalRuleTemplateDescriptionException');
      expect(await createError({ approvalRuleTemplateName: 'require-two' })).toBe('ApprovalRuleTemplateNameAlreadyExistsException');
      expect(await state.db.getRepository(ApprovalRuleTemplateEntity).countBy({ approvalRuleTemplateName: 'bad-one' })).toBe(0);

      const get = (input: Input) => errorOf('GetApprovalRuleTemplate', input);
      expect(await get({})).toBe('ApprovalRuleTemplateNameRequiredException');
      expect(await get({ approvalRuleTemplateName: 'x'.repeat(101) })).toBe('InvalidApprovalRuleTemplateNameException');
      expect(await get({ approvalRuleTemplateName: 'no-such-template' })).toBe('ApprovalRuleTemplateDoesNotExistException');
    });
  });

  describe('ListApprovalRuleTemplates', () => {
    it('lists the names in order, paged', async () => {
      for (const name of ['list-c', 'list-a', 'list-b', 'List-D']) await create(name);
      const all = await call('ListApprovalRuleTemplates', {});
      expect(all).toEqual({ approvalRuleTemplateNames: ['List-D', 'list-a', 'list-b', 'list-c', 'plain', 'require-two'] });

      const first = await call('ListApprovalRuleTemplates', { maxResults: 4 });
      expect(first.approvalRuleTemplateNames).toEqual(['List-D', 'list-a', 'list-b', 'list-c']);
      expect(typeof first.nextToken).toBe('string');
      const second = await call('ListApprovalRuleTemplates', { maxResults: 4, nextToken: first.nextToken });
      expect(second).toEqual({ approvalRuleTemplateNames: ['plain', 'require-two'] });

      const paged = await allPages('ListApprovalRuleTemplates', { maxResults: 1 }, 'approvalRuleTemplateNames');
      expect(paged).toEqual({ names: all.approvalRuleTemplateNames, pages: 6 });
      // A page size over 100 is cut to 100, not refused.
      expect((await call('ListApprovalRuleTemplates', { maxResults: 1000 })).approvalRuleTemplateNames).toHaveLength(6);
      for (const name of ['list-c', 'list-a', 'list-b', 'List-D']) await call('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: name });
    });

    it('answers the modelled errors', async () => {
      const list = (input: Input) => errorOf('ListApprovalRuleTemplates', input);
      expect(await list({ maxResults: 0 })).toBe('InvalidMaxResultsException');
      expect(await list({ maxResults: -1 })).toBe('InvalidMaxResultsException');
      expect(await list({ maxResults: 1.5 })).toBe('InvalidMaxResultsException');
      expect(await list({ nextToken: 'garbage' })).toBe('InvalidContinuationTokenException');
      expect(await list({ nextToken: Buffer.from(JSON.stringify({ after: 3 })).toString('base64url') })).toBe('InvalidContinuationTokenException');
    });
  });

  describe('UpdateApprovalRuleTemplateContent', () => {
    it('replaces the content, with or without the current SHA-256', async () => {
      const created = (await create('update-content')).approvalRuleTemplate;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const next = content(3);
      const updated = (await call('UpdateApprovalRuleTemplateContent', { approvalRuleTemplateName: 'update-content', newRuleContent: next, existingRuleContentSha256: created.ruleContentSha256 }, BOB)).approvalRuleTemplate;
      expect(updated).toMatchObject({
        approvalRuleTemplateId: created.approvalRuleTemplateId,
        approvalRuleTemplateContent: next,
        ruleContentSha256: ruleContentSha256(next),
        creationDate: created.creationDate,
        lastModifiedUser: BOB.arn,
      });
      expect(updated.lastModifiedDate).toBeGreaterThan(created.lastModifiedDate);
      const withoutSha = (await call('UpdateApprovalRuleTemplateContent', { approvalRuleTemplateName: 'update-content', newRuleContent: MAIN_ONLY })).approvalRuleTemplate;
      expect(withoutSha).toMatchObject({ approvalRuleTemplateContent: MAIN_ONLY, lastModifiedUser: ALICE.arn });
      expect((await call('GetApprovalRuleTemplate', { approvalRuleTemplateName: 'update-content' })).approvalRuleTemplate).toEqual(withoutSha);
    });

    it('answers the modelled errors', async () => {
      const ok = { approvalRuleTemplateName: 'update-content', newRuleContent: content(4) };
      const update = (input: Input) => errorOf('UpdateApprovalRuleTemplateContent', { ...ok, ...input });
      expect(await update({ approvalRuleTemplateName: undefined })).toBe('ApprovalRuleTemplateNameRequiredException');
      expect(await update({ approvalRuleTemplateName: 'x'.repeat(101) })).toBe('InvalidApprovalRuleTemplateNameException');
      expect(await update({ approvalRuleTemplateName: 'no-such-template' })).toBe('ApprovalRuleTemplateDoesNotExistException');
      expect(await update({ newRuleContent: undefined })).toBe('ApprovalRuleTemplateContentRequiredException');
      expect(await update({ newRuleContent: '{"Version":"2018-11-08"}' })).toBe('InvalidApprovalRuleTemplateContentException');
      expect(await update({ existingRuleContentSha256: ruleContentSha256(content(1)) })).toBe('InvalidRuleContentSha256Exception');
      expect((await call('GetApprovalRuleTemplate', { approvalRuleTemplateName: 'update-content' })).approvalRuleTemplate.approvalRuleTemplateContent).toBe(MAIN_ONLY);
    });
  });

  describe('UpdateApprovalRuleTemplateDescription', () => {
    it('sets and clears the description', async () => {
      const set = (await call('UpdateApprovalRuleTemplateDescription', { approvalRuleTemplateName: 'plain', approvalRuleTemplateDescription: 'Now described' }, BOB)).approvalRuleTemplate;
      expect(set).toMatchObject({ approvalRuleTemplateName: 'plain', approvalRuleTemplateDescription: 'Now described', lastModifiedUser: BOB.arn });
      const cleared = (await call('UpdateApprovalRuleTemplateDescription', { approvalRuleTemplateName: 'plain', approvalRuleTemplateDescription: '' })).approvalRuleTemplate;
      expect(cleared).toMatchObject({ approvalRuleTemplateDescription: '', lastModifiedUser: ALICE.arn });
    });

    it('answers the modelled errors', async () => {
      const update = (input: Input) => errorOf('UpdateApprovalRuleTemplateDescription', { approvalRuleTemplateName: 'plain', approvalRuleTemplateDescription: 'x', ...input });
      expect(await update({ approvalRuleTemplateName: undefined })).toBe('ApprovalRuleTemplateNameRequiredException');
      expect(await update({ approvalRuleTemplateName: 'x'.repeat(101) })).toBe('InvalidApprovalRuleTemplateNameException');
      expect(await update({ approvalRuleTemplateName: 'no-such-template' })).toBe('ApprovalRuleTemplateDoesNotExistException');
      expect(await update({ approvalRuleTemplateDescription: 'd'.repeat(1001) })).toBe('InvalidApprovalRuleTemplateDescriptionException');
      expect(await update({ approvalRuleTemplateDescription: undefined })).toBe('InvalidApprovalRuleTemplateDescriptionException');
    });
  });

  describe('associations', () => {
    it('associates a template with a repository, idempotently, and lists both ways', async () => {
      expect(await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: 'require-two', repositoryName: 'alpha' })).toEqual({});
      expect(await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: 'require-two', repositoryName: 'alpha' })).toEqual({});
      await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: 'plain', repositoryName: 'alpha' });
      await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: 'require-two', repositoryName: 'gamma' });
      await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: 'require-two', repositoryName: 'beta' });
      expect(await state.db.getRepository(TemplateAssociationEntity).countBy({ repositoryId: fake.repositories.get('alpha')!.repositoryId })).toBe(2);

      expect(await call('ListAssociatedApprovalRuleTemplatesForRepository', { repositoryName: 'alpha' })).toEqual({ approvalRuleTemplateNames: ['plain', 'require-two'] });
      expect(await call('ListAssociatedApprovalRuleTemplatesForRepository', { repositoryName: 'delta' })).toEqual({ approvalRuleTemplateNames: [] });
      expect(await call('ListRepositoriesForApprovalRuleTemplate', { approvalRuleTemplateName: 'require-two' })).toEqual({ repositoryNames: ['alpha', 'beta', 'gamma'] });
      expect(await call('ListRepositoriesForApprovalRuleTemplate', { approvalRuleTemplateName: 'update-content' })).toEqual({ repositoryNames: [] });

      // New pull requests in the repository get the rules (DestinationReferences filter included).
      const rules = new RuleTemplates(state.db);
      const alpha = fake.repositories.get('alpha')!.repositoryId;
      expect((await rules.rulesFor(alpha, 'refs/heads/main')).map((r) => r.approvalRuleName)).toEqual(['plain', 'require-two']);
      expect((await rules.rulesFor(alpha, 'refs/heads/feature')).map((r) => r.approvalRuleName)).toEqual(['plain']);
    });

    it('pages both listings', async () => {
      const first = await call('ListRepositoriesForApprovalRuleTemplate', { approvalRuleTemplateName: 'require-two', maxResults: 2 });
      expect(first.repositoryNames).toEqual(['alpha', 'beta']);
      expect(await call('ListRepositoriesForApprovalRuleTemplate', { approvalRuleTemplateName: 'require-two', maxResults: 2, nextToken: first.nextToken })).toEqual({ repositoryNames: ['gamma'] });
      expect(await allPages('ListRepositoriesForApprovalRuleTemplate', { approvalRuleTemplateName: 'require-two', maxResults: 1 }, 'repositoryNames')).toEqual({ names: ['alpha', 'beta', 'gamma'], pages: 3 });

      const templates = await call('ListAssociatedApprovalRuleTemplatesForRepository', { repositoryName: 'alpha', maxResults: 1 });
      expect(templates.approvalRuleTemplateNames).toEqual(['plain']);
      expect(await call('ListAssociatedApprovalRuleTemplatesForRepository', { repositoryName: 'alpha', maxResults: 1, nextToken: templates.nextToken })).toEqual({ approvalRuleTemplateNames: ['require-two'] });
    });

    it('follows repository renames and skips deleted repositories', async () => {
      fake.add('zeta');
      await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: 'require-two', repositoryName: 'zeta' });
      fake.rename('zeta', 'aardvark');
      expect(await repositoriesOf('require-two')).toEqual(['aardvark', 'alpha', 'beta', 'gamma']);
      expect(await associated('aardvark')).toEqual(['require-two']);
      fake.remove('aardvark');
      const calls = fake.listCalls;
      expect(await repositoriesOf('require-two')).toEqual(['alpha', 'beta', 'gamma']);
      // repo-metadata's listing was followed past its first page.
      expect(fake.listCalls - calls).toBeGreaterThan(1);
    });

    it('keeps associations when the template is renamed', async () => {
      await create('to-rename', { approvalRuleTemplateDescription: 'renamed later' });
      await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: 'to-rename', repositoryName: 'delta' });
      const renamed = (await call('UpdateApprovalRuleTemplateName', { oldApprovalRuleTemplateName: 'to-rename', newApprovalRuleTemplateName: 'renamed' }, BOB)).approvalRuleTemplate;
      expect(renamed).toMatchObject({ approvalRuleTemplateName: 'renamed', approvalRuleTemplateDescription: 'renamed later', lastModifiedUser: BOB.arn });
      expect(await errorOf('GetApprovalRuleTemplate', { approvalRuleTemplateName: 'to-rename' })).toBe('ApprovalRuleTemplateDoesNotExistException');
      expect((await call('GetApprovalRuleTemplate', { approvalRuleTemplateName: 'renamed' })).approvalRuleTemplate).toEqual(renamed);
      expect(await associated('delta')).toEqual(['renamed']);
      expect(await repositoriesOf('renamed')).toEqual(['delta']);
      // The same name again changes nothing.
      const same = (await call('UpdateApprovalRuleTemplateName', { oldApprovalRuleTemplateName: 'renamed', newApprovalRuleTemplateName: 'renamed' })).approvalRuleTemplate;
      expect(same).toEqual(renamed);
    });

    it('answers the modelled errors of UpdateApprovalRuleTemplateName', async () => {
      const rename = (input: Input) => errorOf('UpdateApprovalRuleTemplateName', { oldApprovalRuleTemplateName: 'renamed', newApprovalRuleTemplateName: 'renamed-again', ...input });
      expect(await rename({ oldApprovalRuleTemplateName: undefined })).toBe('ApprovalRuleTemplateNameRequiredException');
      expect(await rename({ newApprovalRuleTemplateName: '' })).toBe('ApprovalRuleTemplateNameRequiredException');
      expect(await rename({ oldApprovalRuleTemplateName: 'x'.repeat(101) })).toBe('InvalidApprovalRuleTemplateNameException');
      expect(await rename({ newApprovalRuleTemplateName: 'x'.repeat(101) })).toBe('InvalidApprovalRuleTemplateNameException');
      expect(await rename({ oldApprovalRuleTemplateName: 'no-such-template' })).toBe('ApprovalRuleTemplateDoesNotExistException');
      expect(await rename({ newApprovalRuleTemplateName: 'require-two' })).toBe('ApprovalRuleTemplateNameAlreadyExistsException');
      expect((await call('GetApprovalRuleTemplate', { approvalRuleTemplateName: 'renamed' })).approvalRuleTemplate.approvalRuleTemplateName).toBe('renamed');
    });

    it('disassociates, and a template that is not associated is no error', async () => {
      expect(await call('DisassociateApprovalRuleTemplateFromRepository', { approvalRuleTemplateName: 'plain', repositoryName: 'alpha' })).toEqual({});
      expect(await associated('alpha')).toEqual(['require-two']);
      expect(await call('DisassociateApprovalRuleTemplateFromRepository', { approvalRuleTemplateName: 'plain', repositoryName: 'alpha' })).toEqual({});
      expect(await call('DisassociateApprovalRuleTemplateFromRepository', { approvalRuleTemplateName: 'plain', repositoryName: 'epsilon' })).toEqual({});
    });

    it('answers the modelled errors of the single (dis)association and the listings', async () => {
      for (const operation of ['AssociateApprovalRuleTemplateWithRepository', 'DisassociateApprovalRuleTemplateFromRepository']) {
        const link = (input: Input) => errorOf(operation, { approvalRuleTemplateName: 'plain', repositoryName: 'alpha', ...input });
        expect(await link({ approvalRuleTemplateName: undefined })).toBe('ApprovalRuleTemplateNameRequiredException');
        expect(await link({ approvalRuleTemplateName: 'x'.repeat(101) })).toBe('InvalidApprovalRuleTemplateNameException');
        expect(await link({ approvalRuleTemplateName: 'no-such-template' })).toBe('ApprovalRuleTemplateDoesNotExistException');
        expect(await link({ repositoryName: undefined })).toBe('RepositoryNameRequiredException');
        expect(await link({ repositoryName: 'bad name!' })).toBe('InvalidRepositoryNameException');
        expect(await link({ repositoryName: 'no-such-repo' })).toBe('RepositoryDoesNotExistException');
      }

      const forRepository = (input: Input) => errorOf('ListAssociatedApprovalRuleTemplatesForRepository', { repositoryName: 'alpha', ...input });
      expect(await forRepository({ repositoryName: undefined })).toBe('RepositoryNameRequiredException');
      expect(await forRepository({ repositoryName: 'no-such-repo' })).toBe('RepositoryDoesNotExistException');
      expect(await forRepository({ maxResults: 0 })).toBe('InvalidMaxResultsException');
      expect(await forRepository({ nextToken: '%%%' })).toBe('InvalidContinuationTokenException');

      const forTemplate = (input: Input) => errorOf('ListRepositoriesForApprovalRuleTemplate', { approvalRuleTemplateName: 'require-two', ...input });
      expect(await forTemplate({ approvalRuleTemplateName: undefined })).toBe('ApprovalRuleTemplateNameRequiredException');
      expect(await forTemplate({ approvalRuleTemplateName: 'x'.repeat(101) })).toBe('InvalidApprovalRuleTemplateNameException');
      expect(await forTemplate({ approvalRuleTemplateName: 'no-such-template' })).toBe('ApprovalRuleTemplateDoesNotExistException');
      expect(await forTemplate({ maxResults: -3 })).toBe('InvalidMaxResultsException');
      expect(await forTemplate({ nextToken: 'bm90IGpzb24' })).toBe('InvalidContinuationTokenException');
    });

    it('holds a repository to 25 templates', async () => {
      const names = Array.from({ length: 26 }, (_, i) => `limit-${String(i).padStart(2, '0')}`);
      for (const name of names) await create(name);
      for (const name of names.slice(0, 25)) await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: name, repositoryName: 'full' });
      expect(await errorOf('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: names[25], repositoryName: 'full' })).toBe('MaximumRuleTemplatesAssociatedWithRepositoryException');
      // Associating one it already has is still fine.
      expect(await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: names[0], repositoryName: 'full' })).toEqual({});
      const batch = await call('BatchAssociateApprovalRuleTemplateWithRepositories', { approvalRuleTemplateName: names[25], repositoryNames: ['full', 'epsilon'] });
      expect(batch).toEqual({
        associatedRepositoryNames: ['epsilon'],
        errors: [{ repositoryName: 'full', errorCode: 'MaximumRuleTemplatesAssociatedWithRepositoryException', errorMessage: expect.any(String) }],
      });
      expect(await associated('full')).toEqual(names.slice(0, 25));
      expect((await call('ListAssociatedApprovalRuleTemplatesForRepository', { repositoryName: 'full', maxResults: 10 })).approvalRuleTemplateNames).toEqual(names.slice(0, 10));
      await call('DisassociateApprovalRuleTemplateFromRepository', { approvalRuleTemplateName: names[0], repositoryName: 'full' });
      expect(await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: names[25], repositoryName: 'full' })).toEqual({});
    });
  });

  describe('BatchAssociateApprovalRuleTemplateWithRepositories and BatchDisassociateApprovalRuleTemplateFromRepositories', () => {
    it('associates the repositories that exist and reports the others', async () => {
      await create('batched');
      await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: 'batched', repositoryName: 'batch-b' });
      const out = await call('BatchAssociateApprovalRuleTemplateWithRepositories', { approvalRuleTemplateName: 'batched', repositoryNames: ['batch-a', 'missing-one', 'batch-b', 'bad name', 'batch-a'] });
      expect(out).toEqual({
        associatedRepositoryNames: ['batch-a', 'batch-b'],
        errors: [
          { repositoryName: 'missing-one', errorCode: 'RepositoryDoesNotExistException', errorMessage: expect.stringContaining('missing-one') },
          { repositoryName: 'bad name', errorCode: 'InvalidRepositoryNameException', errorMessage: expect.any(String) },
        ],
      });
      expect(await repositoriesOf('batched')).toEqual(['batch-a', 'batch-b']);
      expect(await call('BatchAssociateApprovalRuleTemplateWithRepositories', { approvalRuleTemplateName: 'batched', repositoryNames: ['batch-a'] })).toEqual({ associatedRepositoryNames: ['batch-a'], errors: [] });
    });

    it('disassociates the repositories that exist and reports the others', async () => {
      const out = await call('BatchDisassociateApprovalRuleTemplateFromRepositories', { approvalRuleTemplateName: 'batched', repositoryNames: ['batch-a', 'missing-one', 'epsilon'] });
      expect(out).toEqual({
        disassociatedRepositoryNames: ['batch-a', 'epsilon'],
        errors: [{ repositoryName: 'missing-one', errorCode: 'RepositoryDoesNotExistException', errorMessage: expect.any(String) }],
      });
      expect(await repositoriesOf('batched')).toEqual(['batch-b']);
    });

    it('answers the modelled errors', async () => {
      for (const operation of ['BatchAssociateApprovalRuleTemplateWithRepositories', 'BatchDisassociateApprovalRuleTemplateFromRepositories']) {
        const batch = (input: Input) => errorOf(operation, { approvalRuleTemplateName: 'batched', repositoryNames: ['batch-a'], ...input });
        expect(await batch({ approvalRuleTemplateName: undefined })).toBe('ApprovalRuleTemplateNameRequiredException');
        expect(await batch({ approvalRuleTemplateName: 'x'.repeat(101) })).toBe('InvalidApprovalRuleTemplateNameException');
        expect(await batch({ approvalRuleTemplateName: 'no-such-template' })).toBe('ApprovalRuleTemplateDoesNotExistException');
        expect(await batch({ repositoryNames: undefined })).toBe('RepositoryNamesRequiredException');
        expect(await batch({ repositoryNames: [] })).toBe('RepositoryNamesRequiredException');
        expect(await batch({ repositoryNames: 'batch-a' })).toBe('SerializationException');
        expect(await batch({ repositoryNames: Array.from({ length: 26 }, (_, i) => `r${i}`) })).toBe('MaximumRepositoryNamesExceededException');
      }
      const ok = await call('BatchAssociateApprovalRuleTemplateWithRepositories', { approvalRuleTemplateName: 'batched', repositoryNames: Array.from({ length: 25 }, (_, i) => `r${i}`) });
      expect(ok.associatedRepositoryNames).toEqual([]);
      expect(ok.errors).toHaveLength(25);
    });
  });

  describe('DeleteApprovalRuleTemplate', () => {
    it('refuses a template in use, deletes it once free, and is quiet about one that does not exist', async () => {
      const id = (await call('GetApprovalRuleTemplate', { approvalRuleTemplateName: 'batched' })).approvalRuleTemplate.approvalRuleTemplateId;
      expect(await errorOf('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: 'batched' })).toBe('ApprovalRuleTemplateInUseException');
      await call('DisassociateApprovalRuleTemplateFromRepository', { approvalRuleTemplateName: 'batched', repositoryName: 'batch-b' });
      expect(await call('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: 'batched' })).toEqual({ approvalRuleTemplateId: id });
      expect(await errorOf('GetApprovalRuleTemplate', { approvalRuleTemplateName: 'batched' })).toBe('ApprovalRuleTemplateDoesNotExistException');
      expect(await call('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: 'batched' })).toEqual({ approvalRuleTemplateId: '' });
      expect(await call('ListApprovalRuleTemplates', {})).not.toEqual(expect.objectContaining({ approvalRuleTemplateNames: expect.arrayContaining(['batched']) }));
    });

    it('does not count associations with repositories deleted since', async () => {
      await create('orphaned');
      await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: 'orphaned', repositoryName: 'gone' });
      await call('AssociateApprovalRuleTemplateWithRepository', { approvalRuleTemplateName: 'orphaned', repositoryName: 'epsilon' });
      expect(await errorOf('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: 'orphaned' })).toBe('ApprovalRuleTemplateInUseException');
      await call('DisassociateApprovalRuleTemplateFromRepository', { approvalRuleTemplateName: 'orphaned', repositoryName: 'epsilon' });
      fake.remove('gone');
      const id = (await call('GetApprovalRuleTemplate', { approvalRuleTemplateName: 'orphaned' })).approvalRuleTemplate.approvalRuleTemplateId;
      expect(await call('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: 'orphaned' })).toEqual({ approvalRuleTemplateId: id });
      expect(await state.db.getRepository(TemplateAssociationEntity).countBy({ approvalRuleTemplateId: id })).toBe(0);
    });

    it('answers the modelled errors', async () => {
      expect(await errorOf('DeleteApprovalRuleTemplate', {})).toBe('ApprovalRuleTemplateNameRequiredException');
      expect(await errorOf('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: 'x'.repeat(101) })).toBe('InvalidApprovalRuleTemplateNameException');
    });
  });
});

describe('approval rule templates: the account limit', () => {
  const { state, call, errorOf } = setUp('pr_templates_limit');

  it('allows 1000 templates and no more', async () => {
    const now = new Date();
    const c = content();
    const rows = Array.from({ length: 999 }, (_, i) => ({
      approvalRuleTemplateId: randomUUID(),
      approvalRuleTemplateName: `bulk-${i}`,
      approvalRuleTemplateDescription: '',
      approvalRuleTemplateContent: c,
      ruleContentSha256: ruleContentSha256(c),
      creationDate: now,
      lastModifiedDate: now,
      lastModifiedUser: ALICE.arn,
    }));
    await state.db.getRepository(ApprovalRuleTemplateEntity).insert(rows);
    await call('CreateApprovalRuleTemplate', { approvalRuleTemplateName: 'the-thousandth', approvalRuleTemplateContent: c });
    expect(await errorOf('CreateApprovalRuleTemplate', { approvalRuleTemplateName: 'one-too-many', approvalRuleTemplateContent: c })).toBe('NumberOfRuleTemplatesExceededException');
    // The name check comes first.
    expect(await errorOf('CreateApprovalRuleTemplate', { approvalRuleTemplateName: 'bulk-1', approvalRuleTemplateContent: c })).toBe('ApprovalRuleTemplateNameAlreadyExistsException');

    const listed = await call('ListApprovalRuleTemplates', {});
    expect(listed.approvalRuleTemplateNames).toHaveLength(100);
    expect(listed.nextToken).toBeDefined();

    await call('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: 'bulk-0' });
    expect((await call('CreateApprovalRuleTemplate', { approvalRuleTemplateName: 'one-too-many', approvalRuleTemplateContent: c })).approvalRuleTemplate.approvalRuleTemplateName).toBe('one-too-many');
  });

  it('creates concurrently without passing the limit or duplicating a name', async () => {
    const c = content();
    await call('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: 'bulk-1' });
    await call('DeleteApprovalRuleTemplate', { approvalRuleTemplateName: 'bulk-2' });
    const attempts = ['race-a', 'race-a', 'race-b', 'race-c', 'race-d'].map((name) => call('CreateApprovalRuleTemplate', { approvalRuleTemplateName: name, approvalRuleTemplateContent: c }).then(
      () => 'ok',
      (error) => domainCodeOf(error),
    ));
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(2);
    expect(await state.db.getRepository(ApprovalRuleTemplateEntity).count()).toBe(1000);
    expect(outcomes.filter((o) => o !== 'ok').every((o) => o === 'NumberOfRuleTemplatesExceededException' || o === 'ApprovalRuleTemplateNameAlreadyExistsException')).toBe(true);
  });
});
