import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { callUnary, metadata, policy } from '@cairn/contracts';
import { appendToOutbox } from '@cairn/events';
import { Logger } from '@cairn/runtime';
import { METADATA_CONFIG, MetadataConfig } from '../config';
import { Upstreams, OUTBOX_KICK, OutboxKick } from '../upstreams';
import { RepositoryEntity } from './repository.entity';
import { repositoryError, RepositoryErrorCode } from './repository.errors';
import { isUniqueViolation, RepositoryRepository } from './repository.repository';
import { validateDescription, validateKmsKeyId, validateRepositoryName, validateTags } from './repository-validation';

const PAGE_SIZE = 1000;

const SOURCE = 'repo-metadata';

@Injectable()
export class RepositoriesService {
  private readonly logger = new Logger(SOURCE);

  constructor(
    private readonly repositories: RepositoryRepository,
    private readonly upstreams: Upstreams,
    @Inject(METADATA_CONFIG) private readonly config: MetadataConfig,
    @Inject(OUTBOX_KICK) private readonly kickOutbox: OutboxKick,
  ) {}

  async create(request: metadata.CreateRepositoryRequest): Promise<metadata.RepositoryMetadata> {
    validateRepositoryName(request.repositoryName);
    validateDescription(request.repositoryDescription);
    validateTags(request.tags);
    if (request.kmsKeyId) validateKmsKeyId(request.kmsKeyId);
    if (await this.repositories.findByName(request.repositoryName)) throw nameExists(request.repositoryName);
    if ((await this.repositories.count()) >= this.config.maxRepositories) {
      throw repositoryError(RepositoryErrorCode.LimitExceeded, `A maximum number of repositories (${this.config.maxRepositories}) was exceeded.`);
    }
    const account = await this.account();
    const repositoryId = randomUUID();
    // Storage first: a repository whose metadata committed always has its directory.
    // If the metadata commit then fails, the fresh, empty directory is removed again.
    await callUnary(this.upstreams.storage, this.upstreams.storage.createRepository, { repositoryId, defaultBranch: 'main' });
    try {
      const entity = await this.repositories.transaction(async (manager) => {
        const row = manager.create(RepositoryEntity, {
          repositoryId,
          accountId: account.accountId,
          repositoryName: request.repositoryName,
          repositoryDescription: request.repositoryDescription,
          kmsKeyId: request.kmsKeyId,
          tags: request.tags,
        });
        await manager.insert(RepositoryEntity, row);
        await appendToOutbox(manager, SOURCE, 'repository.created', {
          repositoryId,
          repositoryName: request.repositoryName,
          accountId: account.accountId,
          arn: this.arn(account, request.repositoryName),
          actorArn: request.actorArn,
        });
        return manager.findOneByOrFail(RepositoryEntity, { repositoryId });
      });
      this.kickOutbox();
      return this.toMetadata(entity, account);
    } catch (error) {
      await callUnary(this.upstreams.storage, this.upstreams.storage.deleteRepository, { repositoryId }).catch((e) =>
        this.logger.warn('could not remove the directory of a repository that was not created', { repositoryId, error: e }),
      );
      if (isUniqueViolation(error)) throw nameExists(request.repositoryName);
      throw error;
    }
  }

  async get(repositoryName: string): Promise<metadata.RepositoryMetadata> {
    return this.toMetadata(await this.getEntity(repositoryName), await this.account());
  }

  async getEntity(repositoryName: string): Promise<RepositoryEntity> {
    validateRepositoryName(repositoryName);
    const entity = await this.repositories.findByName(repositoryName);
    if (!entity) throw doesNotExist(repositoryName);
    return entity;
  }

  async batchGet(names: string[]): Promise<metadata.BatchGetRepositoriesResponse> {
    if (names.length === 0) throw repositoryError(RepositoryErrorCode.NamesRequired, 'At least one repository name is required.');
    if (names.length > 25) throw repositoryError(RepositoryErrorCode.MaximumNamesExceeded, 'The maximum number of repository names (25) was exceeded.');
    names.forEach(validateRepositoryName);
    const account = await this.account();
    const found = new Map((await this.repositories.findByNames(names)).map((r) => [r.repositoryName, r]));
    return {
      repositories: names.filter((n) => found.has(n)).map((n) => this.toMetadata(found.get(n)!, account)),
      repositoriesNotFound: names.filter((n) => !found.has(n)),
    };
  }

  async rename(oldName: string, newName: string, actorArn: string): Promise<void> {
    validateRepositoryName(oldName);
    validateRepositoryName(newName);
    const account = await this.account();
    try {
      await this.repositories.transaction(async (manager) => {
        const row = await manager.findOne(RepositoryEntity, { where: { repositoryName: oldName }, lock: { mode: 'pessimistic_write' } });
        if (!row) throw doesNotExist(oldName);
        if (oldName === newName) return;
        await manager.update(RepositoryEntity, { repositoryId: row.repositoryId }, { repositoryName: newName });
        await appendToOutbox(manager, SOURCE, 'repository.renamed', { repositoryId: row.repositoryId, oldName, newName, accountId: account.accountId, actorArn });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameExists(newName);
      throw error;
    }
    this.kickOutbox();
  }

  /** Applies a change to one repository's own fields and records it, in one transaction. */
  async update(repositoryName: string, actorArn: string, change: RepositoryChange): Promise<RepositoryEntity> {
    validateRepositoryName(repositoryName);
    const account = await this.account();
    const before = await this.repositories.transaction(async (manager) => {
      const row = await manager.findOne(RepositoryEntity, { where: { repositoryName }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw doesNotExist(repositoryName);
      const previous = { ...row };
      await manager.update(RepositoryEntity, { repositoryId: row.repositoryId }, change.fields(row));
      await appendToOutbox(manager, SOURCE, 'repository.updated', { repositoryId: row.repositoryId, repositoryName, accountId: account.accountId, actorArn, changes: [change.kind] });
      return previous;
    });
    this.kickOutbox();
    return before;
  }

  async list(request: metadata.ListRepositoriesRequest): Promise<metadata.ListRepositoriesResponse> {
    const sortBy = request.sortBy || 'repositoryName';
    if (sortBy !== 'repositoryName' && sortBy !== 'lastModifiedDate') throw repositoryError(RepositoryErrorCode.InvalidSortBy, 'The specified sort by value is not valid.');
    const order = request.order || 'ascending';
    if (order !== 'ascending' && order !== 'descending') throw repositoryError(RepositoryErrorCode.InvalidOrder, 'The specified sort order is not valid.');
    const offset = request.nextToken ? decodeToken(request.nextToken, sortBy, order) : 0;
    const rows = await this.repositories.page(sortBy, order === 'ascending' ? 'ASC' : 'DESC', offset, PAGE_SIZE + 1);
    const more = rows.length > PAGE_SIZE;
    return {
      repositories: rows.slice(0, PAGE_SIZE).map((r) => ({ repositoryName: r.repositoryName, repositoryId: r.repositoryId })),
      nextToken: more ? encodeToken(offset + PAGE_SIZE, sortBy, order) : '',
    };
  }

  async delete(repositoryName: string, actorArn: string): Promise<string> {
    validateRepositoryName(repositoryName);
    const account = await this.account();
    const deleted = await this.repositories.transaction(async (manager) => {
      const row = await manager.findOne(RepositoryEntity, { where: { repositoryName }, lock: { mode: 'pessimistic_write' } });
      if (!row) return undefined;
      await manager.delete(RepositoryEntity, { repositoryId: row.repositoryId });
      await appendToOutbox(manager, SOURCE, 'repository.deleted', { repositoryId: row.repositoryId, repositoryName, accountId: account.accountId, actorArn });
      return row;
    });
    if (!deleted) return '';
    this.kickOutbox();
    // The name is free from here on; the directory goes after (an orphan is harmless, a
    // dangling name is not).
    await callUnary(this.upstreams.storage, this.upstreams.storage.deleteRepository, { repositoryId: deleted.repositoryId }).catch((error) =>
      this.logger.warn('repository metadata deleted but its directory was not', { repositoryId: deleted.repositoryId, error }),
    );
    return deleted.repositoryId;
  }

  private account(): Promise<policy.GetAccountResponse> {
    return this.upstreams.getAccount();
  }

  private arn(account: policy.GetAccountResponse, name: string): string {
    return `arn:aws:codecommit:${account.region}:${account.accountId}:${name}`;
  }

  private toMetadata(entity: RepositoryEntity, account: policy.GetAccountResponse): metadata.RepositoryMetadata {
    return {
      accountId: entity.accountId,
      repositoryId: entity.repositoryId,
      repositoryName: entity.repositoryName,
      repositoryDescription: entity.repositoryDescription,
      defaultBranch: entity.defaultBranch,
      lastModifiedDate: entity.lastModifiedDate.getTime(),
      creationDate: entity.creationDate.getTime(),
      cloneUrlHttp: `${this.config.publicHttpUrl}/v1/repos/${entity.repositoryName}`,
      cloneUrlSsh: `${this.config.publicSshUrl}/v1/repos/${entity.repositoryName}`,
      arn: this.arn(account, entity.repositoryName),
      kmsKeyId: entity.kmsKeyId,
    };
  }
}

export interface RepositoryChange {
  kind: 'description' | 'kmsKeyId' | 'tags' | 'defaultBranch';
  fields(current: RepositoryEntity): Partial<RepositoryEntity>;
}

export function doesNotExist(name: string) {
  return repositoryError(RepositoryErrorCode.DoesNotExist, `${name} does not exist`);
}

function nameExists(name: string) {
  return repositoryError(RepositoryErrorCode.NameExists, `Repository named ${name} already exists`);
}

/** Continuation tokens are opaque to clients and bound to the sort they were made for. */
function encodeToken(offset: number, sortBy: string, order: string): string {
  return Buffer.from(JSON.stringify({ o: offset, s: sortBy, d: order })).toString('base64url');
}

function decodeToken(token: string, sortBy: string, order: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o: unknown; s: unknown; d: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.s === sortBy && parsed.d === order) return parsed.o;
  } catch {
    // fall through
  }
  throw repositoryError(RepositoryErrorCode.InvalidContinuationToken, 'The specified continuation token is not valid.');
}
