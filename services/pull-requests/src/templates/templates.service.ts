import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, QueryFailedError } from 'typeorm';
import { AwsError, optionalPositiveInt, optionalString, optionalStringList, requiredString } from '@cairn/aws-protocol';
import { callUnary, domainCodeOf, pullRequests as pr, repositoryNameProblem } from '@cairn/contracts';
import { prError } from '../errors';
import { RepositoryRef, Upstreams } from '../upstreams';
import { parseApprovalRuleContent, ruleContentSha256 } from '../approvals/approval-rule-content';
import { ApprovalRuleTemplateEntity, TemplateAssociationEntity } from './approval-rule-template.entity';

type Input = Record<string, unknown>;

const MAX_TEMPLATES = 1000;
const MAX_TEMPLATES_PER_REPOSITORY = 25;
const MAX_BATCH_REPOSITORIES = 25;
const MAX_NAME = 100;
const MAX_DESCRIPTION = 1000;
const MAX_PAGE = 100;

/** Serializes template creation and renaming, so the count limit and the names hold under concurrency. */
const TEMPLATES_LOCK = 'cairn.pull-requests.approval-rule-templates';

/** One entry of a batch (dis)association's errors[]. */
export interface BatchTemplateError {
  repositoryName: string;
  errorCode: string;
  errorMessage: string;
}

const epochSeconds = (d: Date) => d.getTime() / 1000;

/** CodeCommit's ApprovalRuleTemplate. */
export function approvalRuleTemplateJson(t: ApprovalRuleTemplateEntity) {
  return {
    approvalRuleTemplateId: t.approvalRuleTemplateId,
    approvalRuleTemplateName: t.approvalRuleTemplateName,
    approvalRuleTemplateDescription: t.approvalRuleTemplateDescription,
    approvalRuleTemplateContent: t.approvalRuleTemplateContent,
    ruleContentSha256: t.ruleContentSha256,
    lastModifiedDate: epochSeconds(t.lastModifiedDate),
    creationDate: epochSeconds(t.creationDate),
    lastModifiedUser: t.lastModifiedUser,
  };
}

/**
 * Approval rule templates of the account and their associations with repositories. Associations
 * are kept by repository id (a renamed repository keeps its templates); names are resolved
 * through repo-metadata whenever they are read or written.
 */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly db: DataSource,
    private readonly upstreams: Upstreams,
  ) {}

  async create(input: Input, caller: pr.Caller) {
    const name = templateNameOf(input, 'approvalRuleTemplateName');
    const content = templateContentOf(input, 'approvalRuleTemplateContent');
    const description = descriptionOf(input);
    const template = await this.db
      .transaction(async (manager) => {
        await advisoryLock(manager, TEMPLATES_LOCK);
        if (await manager.existsBy(ApprovalRuleTemplateEntity, { approvalRuleTemplateName: name })) throw nameTaken(name);
        if ((await manager.count(ApprovalRuleTemplateEntity)) >= MAX_TEMPLATES) throw prError('NumberOfRuleTemplatesExceededException', `An account can have at most ${MAX_TEMPLATES} approval rule templates.`);
        const now = new Date();
        const created = manager.create(ApprovalRuleTemplateEntity, {
          approvalRuleTemplateId: randomUUID(),
          approvalRuleTemplateName: name,
          approvalRuleTemplateDescription: description,
          approvalRuleTemplateContent: content,
          ruleContentSha256: ruleContentSha256(content),
          creationDate: now,
          lastModifiedDate: now,
          lastModifiedUser: caller.arn,
        });
        await manager.insert(ApprovalRuleTemplateEntity, created);
        return created;
      })
      .catch(uniqueNameViolation(name));
    return { approvalRuleTemplate: approvalRuleTemplateJson(template) };
  }

  /**
   * Deletes an unassociated template. A template that does not exist is no error (the id is then
   * empty). Associations with repositories deleted since are dropped, not counted as uses.
   */
  async delete(input: Input) {
    const name = templateNameOf(input, 'approvalRuleTemplateName');
    const before = await this.db.getRepository(ApprovalRuleTemplateEntity).findOneBy({ approvalRuleTemplateName: name });
    if (!before) return { approvalRuleTemplateId: '' };
    const linked = await this.db.getRepository(TemplateAssociationEntity).findBy({ approvalRuleTemplateId: before.approvalRuleTemplateId });
    const live = linked.length > 0 ? await this.liveRepositories() : new Map<string, string>();
    // Only associations seen here, to a repository now gone, are stale; one made meanwhile is a use.
    const stale = linked.filter((a) => !live.has(a.repositoryId)).map((a) => a.repositoryId);
    const approvalRuleTemplateId = await this.db.transaction(async (manager) => {
      const row = await manager.findOne(ApprovalRuleTemplateEntity, { where: { approvalRuleTemplateName: name }, lock: { mode: 'pessimistic_write' } });
      if (!row) return '';
      if (row.approvalRuleTemplateId === before.approvalRuleTemplateId && stale.length > 0) {
        await manager.delete(TemplateAssociationEntity, { approvalRuleTemplateId: row.approvalRuleTemplateId, repositoryId: In(stale) });
      }
      if (await manager.existsBy(TemplateAssociationEntity, { approvalRuleTemplateId: row.approvalRuleTemplateId })) {
        throw prError('ApprovalRuleTemplateInUseException', `The approval rule template ${name} is associated with one or more repositories; disassociate it before deleting it.`);
      }
      await manager.delete(ApprovalRuleTemplateEntity, { approvalRuleTemplateId: row.approvalRuleTemplateId });
      return row.approvalRuleTemplateId;
    });
    return { approvalRuleTemplateId };
  }

  async get(input: Input) {
    const name = templateNameOf(input, 'approvalRuleTemplateName');
    return { approvalRuleTemplate: approvalRuleTemplateJson(await this.require(name)) };
  }

  /** Template names in name order, paged. */
  async list(input: Input) {
    const { limit, after } = pageOf(input);
    const rows = await this.db.getRepository(ApprovalRuleTemplateEntity).find({ select: { approvalRuleTemplateName: true } });
    const { items, nextToken } = page(rows.map((r) => r.approvalRuleTemplateName), limit, after);
    return { approvalRuleTemplateNames: items, nextToken };
  }

  async updateContent(input: Input, caller: pr.Caller) {
    const name = templateNameOf(input, 'approvalRuleTemplateName');
    const content = templateContentOf(input, 'newRuleContent');
    const expectedSha = optionalString(input, 'existingRuleContentSha256');
    const template = await this.update(name, (row) => {
      if (expectedSha && expectedSha !== row.ruleContentSha256) throw prError('InvalidRuleContentSha256Exception', 'The template content changed since it was read (existingRuleContentSha256 does not match).');
      return { approvalRuleTemplateContent: content, ruleContentSha256: ruleContentSha256(content), lastModifiedDate: new Date(), lastModifiedUser: caller.arn };
    });
    return { approvalRuleTemplate: approvalRuleTemplateJson(template) };
  }

  async updateDescription(input: Input, caller: pr.Caller) {
    const name = templateNameOf(input, 'approvalRuleTemplateName');
    // Required, but may be empty (min 0): an empty description clears it.
    if (input.approvalRuleTemplateDescription === undefined || input.approvalRuleTemplateDescription === null) {
      throw prError('InvalidApprovalRuleTemplateDescriptionException', 'approvalRuleTemplateDescription is required (an empty string clears the description).');
    }
    const description = descriptionOf(input);
    const template = await this.update(name, () => ({ approvalRuleTemplateDescription: description, lastModifiedDate: new Date(), lastModifiedUser: caller.arn }));
    return { approvalRuleTemplate: approvalRuleTemplateJson(template) };
  }

  async updateName(input: Input, caller: pr.Caller) {
    const oldName = templateNameOf(input, 'oldApprovalRuleTemplateName');
    const newName = templateNameOf(input, 'newApprovalRuleTemplateName');
    const template = await this.db
      .transaction(async (manager) => {
        await advisoryLock(manager, TEMPLATES_LOCK);
        const row = await manager.findOne(ApprovalRuleTemplateEntity, { where: { approvalRuleTemplateName: oldName }, lock: { mode: 'pessimistic_write' } });
        if (!row) throw doesNotExist(oldName);
        // Renaming to the same name changes nothing, as UpdateRepositoryName does.
        if (oldName === newName) return row;
        if (await manager.existsBy(ApprovalRuleTemplateEntity, { approvalRuleTemplateName: newName })) throw nameTaken(newName);
        Object.assign(row, { approvalRuleTemplateName: newName, lastModifiedDate: new Date(), lastModifiedUser: caller.arn });
        return manager.save(row);
      })
      .catch(uniqueNameViolation(newName));
    return { approvalRuleTemplate: approvalRuleTemplateJson(template) };
  }

  async associate(input: Input) {
    const name = templateNameOf(input, 'approvalRuleTemplateName');
    const repositoryName = repositoryNameOf(input);
    const template = await this.require(name);
    const repo = await this.upstreams.repository(repositoryName);
    await this.db.transaction((manager) => this.link(manager, template, repo));
    return {};
  }

  async disassociate(input: Input) {
    const name = templateNameOf(input, 'approvalRuleTemplateName');
    const repositoryName = repositoryNameOf(input);
    const template = await this.require(name);
    const repo = await this.upstreams.repository(repositoryName);
    await this.db.getRepository(TemplateAssociationEntity).delete({ approvalRuleTemplateId: template.approvalRuleTemplateId, repositoryId: repo.repositoryId });
    return {};
  }

  async batchAssociate(input: Input) {
    const name = templateNameOf(input, 'approvalRuleTemplateName');
    const names = batchNamesOf(input);
    const template = await this.require(name);
    const associatedRepositoryNames: string[] = [];
    const errors: BatchTemplateError[] = [];
    for (const [repositoryName, resolved] of await this.resolveAll(names)) {
      if ('errorCode' in resolved) {
        errors.push(resolved);
        continue;
      }
      try {
        await this.db.transaction((manager) => this.link(manager, template, resolved));
        associatedRepositoryNames.push(repositoryName);
      } catch (error) {
        if (domainCodeOf(error) !== 'MaximumRuleTemplatesAssociatedWithRepositoryException') throw error;
        errors.push({ repositoryName, errorCode: 'MaximumRuleTemplatesAssociatedWithRepositoryException', errorMessage: (error as Error).message });
      }
    }
    return { associatedRepositoryNames, errors };
  }

  async batchDisassociate(input: Input) {
    const name = templateNameOf(input, 'approvalRuleTemplateName');
    const names = batchNamesOf(input);
    const template = await this.require(name);
    const disassociatedRepositoryNames: string[] = [];
    const errors: BatchTemplateError[] = [];
    for (const [repositoryName, resolved] of await this.resolveAll(names)) {
      if ('errorCode' in resolved) {
        errors.push(resolved);
        continue;
      }
      await this.db.getRepository(TemplateAssociationEntity).delete({ approvalRuleTemplateId: template.approvalRuleTemplateId, repositoryId: resolved.repositoryId });
      disassociatedRepositoryNames.push(repositoryName);
    }
    return { disassociatedRepositoryNames, errors };
  }

  /** Names of the templates associated with a repository, in name order, paged. */
  async listForRepository(input: Input) {
    const repositoryName = repositoryNameOf(input);
    const { limit, after } = pageOf(input);
    const repo = await this.upstreams.repository(repositoryName);
    const rows = await this.db
      .getRepository(ApprovalRuleTemplateEntity)
      .createQueryBuilder('t')
      .select('t.approvalRuleTemplateName', 'name')
      .innerJoin(TemplateAssociationEntity, 'a', 'a.approvalRuleTemplateId = t.approvalRuleTemplateId')
      .where('a.repositoryId = :repositoryId', { repositoryId: repo.repositoryId })
      .getRawMany<{ name: string }>();
    const { items, nextToken } = page(rows.map((r) => r.name), limit, after);
    return { approvalRuleTemplateNames: items, nextToken };
  }

  /** Current names of the repositories a template is associated with (gone ones skipped), in name order, paged. */
  async listRepositories(input: Input) {
    const name = templateNameOf(input, 'approvalRuleTemplateName');
    const { limit, after } = pageOf(input);
    const template = await this.require(name);
    const linked = await this.db.getRepository(TemplateAssociationEntity).findBy({ approvalRuleTemplateId: template.approvalRuleTemplateId });
    const live = linked.length > 0 ? await this.liveRepositories() : new Map<string, string>();
    const names = linked.flatMap((a) => live.get(a.repositoryId) ?? []);
    const { items, nextToken } = page(names, limit, after);
    return { repositoryNames: items, nextToken };
  }

  private async require(name: string): Promise<ApprovalRuleTemplateEntity> {
    const row = await this.db.getRepository(ApprovalRuleTemplateEntity).findOneBy({ approvalRuleTemplateName: name });
    if (!row) throw doesNotExist(name);
    return row;
  }

  private update(name: string, change: (row: ApprovalRuleTemplateEntity) => Partial<ApprovalRuleTemplateEntity>): Promise<ApprovalRuleTemplateEntity> {
    return this.db.transaction(async (manager) => {
      const row = await manager.findOne(ApprovalRuleTemplateEntity, { where: { approvalRuleTemplateName: name }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw doesNotExist(name);
      Object.assign(row, change(row));
      return manager.save(row);
    });
  }

  /**
   * Associates in the caller's transaction: the template row is share-locked (a concurrent delete
   * waits or wins), and the repository's associations are serialized for the per-repository limit.
   * An association that exists already is left as it is.
   */
  private async link(manager: EntityManager, found: ApprovalRuleTemplateEntity, repo: RepositoryRef): Promise<void> {
    const template = await manager.findOne(ApprovalRuleTemplateEntity, { where: { approvalRuleTemplateId: found.approvalRuleTemplateId }, lock: { mode: 'pessimistic_read' } });
    if (!template) throw doesNotExist(found.approvalRuleTemplateName);
    await advisoryLock(manager, `cairn.pull-requests.template-associations:${repo.repositoryId}`);
    const key = { approvalRuleTemplateId: template.approvalRuleTemplateId, repositoryId: repo.repositoryId };
    if (await manager.existsBy(TemplateAssociationEntity, key)) return;
    if ((await manager.countBy(TemplateAssociationEntity, { repositoryId: repo.repositoryId })) >= MAX_TEMPLATES_PER_REPOSITORY) {
      throw prError('MaximumRuleTemplatesAssociatedWithRepositoryException', `${repo.repositoryName} already has ${MAX_TEMPLATES_PER_REPOSITORY} approval rule templates, the most a repository can have.`);
    }
    await manager.insert(TemplateAssociationEntity, { ...key, associatedAt: new Date() });
  }

  /**
   * Each distinct name of a batch (first occurrence order) to its repository, or to its entry of
   * errors[] when the name is not valid or names no repository.
   */
  private async resolveAll(names: string[]): Promise<Map<string, RepositoryRef | BatchTemplateError>> {
    const distinct = [...new Set(names)];
    const resolved = await Promise.all(
      distinct.map(async (repositoryName): Promise<RepositoryRef | BatchTemplateError> => {
        const problem = repositoryNameProblem(repositoryName);
        if (problem) return { repositoryName, errorCode: 'InvalidRepositoryNameException', errorMessage: problem };
        try {
          return await this.upstreams.repository(repositoryName);
        } catch (error) {
          const code = error instanceof AwsError ? error.code : domainCodeOf(error);
          if (code !== 'RepositoryDoesNotExistException' && code !== 'InvalidRepositoryNameException') throw error;
          return { repositoryName, errorCode: code, errorMessage: code === 'RepositoryDoesNotExistException' ? `${repositoryName} does not exist.` : (error as Error).message };
        }
      }),
    );
    return new Map(distinct.map((name, i) => [name, resolved[i]]));
  }

  /** Every repository that exists, id to current name (repo-metadata's listing, all pages). */
  private async liveRepositories(): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const client = this.upstreams.metadata;
    let nextToken = '';
    do {
      const out = await callUnary(client, client.listRepositories, { sortBy: 'repositoryName', order: 'ascending', nextToken });
      for (const r of out.repositories) names.set(r.repositoryId, r.repositoryName);
      nextToken = out.nextToken;
    } while (nextToken);
    return names;
  }
}

function templateNameOf(input: Input, member: string): string {
  const name = requiredString(input, member, 'ApprovalRuleTemplateNameRequiredException', 'An approval rule template name is required.');
  if ([...name].length > MAX_NAME) throw prError('InvalidApprovalRuleTemplateNameException', `Approval rule template names are limited to ${MAX_NAME} characters.`);
  return name;
}

/** Template content: present, and valid 2018-11-08 content (DestinationReferences allowed). */
function templateContentOf(input: Input, member: string): string {
  const content = requiredString(input, member, 'ApprovalRuleTemplateContentRequiredException', 'Approval rule template content is required.');
  try {
    parseApprovalRuleContent(content, true);
  } catch (error) {
    if (error instanceof AwsError && error.code === 'InvalidApprovalRuleContentException') throw prError('InvalidApprovalRuleTemplateContentException', error.message);
    throw error;
  }
  return content;
}

function descriptionOf(input: Input): string {
  const description = optionalString(input, 'approvalRuleTemplateDescription');
  if ([...description].length > MAX_DESCRIPTION) throw prError('InvalidApprovalRuleTemplateDescriptionException', `Approval rule template descriptions are limited to ${MAX_DESCRIPTION} characters.`);
  return description;
}

function repositoryNameOf(input: Input): string {
  const name = requiredString(input, 'repositoryName', 'RepositoryNameRequiredException', 'A repository name is required.');
  const problem = repositoryNameProblem(name);
  if (problem) throw prError('InvalidRepositoryNameException', problem);
  return name;
}

function batchNamesOf(input: Input): string[] {
  const names = optionalStringList(input, 'repositoryNames');
  if (names.length === 0) throw prError('RepositoryNamesRequiredException', 'At least one repository name is required.');
  if (names.length > MAX_BATCH_REPOSITORIES) throw prError('MaximumRepositoryNamesExceededException', `At most ${MAX_BATCH_REPOSITORIES} repository names can be given at once.`);
  return names;
}

/** maxResults (default and most 100) and the name the previous page ended on. */
function pageOf(input: Input): { limit: number; after: string | undefined } {
  const limit = Math.min(optionalPositiveInt(input, 'maxResults', 'InvalidMaxResultsException') || MAX_PAGE, MAX_PAGE);
  return { limit, after: decodeNameToken(input) };
}

/** nextToken of the listings here: the last name of the previous page, opaque to the client. */
export function encodeNameToken(lastName: string): string {
  return Buffer.from(JSON.stringify({ afterName: lastName })).toString('base64url');
}

export function decodeNameToken(input: Input): string | undefined {
  const raw = optionalString(input, 'nextToken');
  if (!raw) return undefined;
  try {
    const { afterName } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { afterName?: unknown };
    if (typeof afterName === 'string' && afterName.length > 0) return afterName;
  } catch {
    // falls through to the modelled error
  }
  throw prError('InvalidContinuationTokenException', 'The specified continuation token is not valid.');
}

/** Sorts names (plain string order, whatever the database collation), keeps those after the cursor, and cuts one page. */
function page(names: string[], limit: number, after: string | undefined): { items: string[]; nextToken: string | undefined } {
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).filter((n) => after === undefined || n > after);
  const items = sorted.slice(0, limit);
  return { items, nextToken: sorted.length > limit ? encodeNameToken(items[items.length - 1]) : undefined };
}

async function advisoryLock(manager: EntityManager, key: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
}

/** The unique name index is the last word on names: a race lost there is the modelled error. */
function uniqueNameViolation(name: string) {
  return (error: unknown): never => {
    if (error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505') throw nameTaken(name);
    throw error;
  };
}

const doesNotExist = (name: string) => prError('ApprovalRuleTemplateDoesNotExistException', `The approval rule template ${name} does not exist.`);
const nameTaken = (name: string) => prError('ApprovalRuleTemplateNameAlreadyExistsException', `An approval rule template named ${name} already exists.`);
