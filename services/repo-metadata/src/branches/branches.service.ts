import { Injectable } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { callUnary, isGrpcError, metadata, storage } from '@cairn/contracts';
import { branchRef } from './branch-ref';
import { Upstreams } from '../upstreams';
import { RepositoriesService } from '../repositories/repositories.service';
import { RepositoryEntity } from '../repositories/repository.entity';
import { RepositoryRepository } from '../repositories/repository.repository';
import { repositoryError as error, RepositoryErrorCode as Code } from '../repositories/repository.errors';

const ZERO_ID = '0'.repeat(40);
const PAGE_SIZE = 100;

/**
 * Branches live in storage (refs/heads/*); the default branch is HEAD there and is mirrored in
 * the repository row so GetRepository needs no storage call. Ref changes go through storage's
 * single update path, which journals them and emits `references.updated`.
 */
@Injectable()
export class BranchesService {
  constructor(
    private readonly repositories: RepositoriesService,
    private readonly rows: RepositoryRepository,
    private readonly upstreams: Upstreams,
  ) {}

  private get storage() {
    return this.upstreams.storage;
  }

  async create(request: metadata.CreateBranchRequest): Promise<void> {
    const repo = await this.repositories.getEntity(request.repositoryName);
    const ref = branchRef(request.branchName);
    if (!request.commitId) throw error(Code.CommitIdRequired, 'A commit ID is required.');
    if (!/^[0-9a-f]{40}$/.test(request.commitId)) throw error(Code.InvalidCommitId, `The commit ID ${request.commitId} is not valid.`);
    const object = await callUnary(this.storage, this.storage.resolveObject, { repositoryId: repo.repositoryId, revision: request.commitId });
    if (object.type !== 'commit') throw error(Code.CommitDoesNotExist, `Commit ${request.commitId} does not exist in ${repo.repositoryName}.`);
    try {
      await this.updateRefs(repo, request.actorArn, [{ ref, oldId: ZERO_ID, newId: request.commitId }]);
    } catch (e) {
      if (isGrpcError(e, status.FAILED_PRECONDITION)) throw error(Code.BranchNameExists, `Branch ${request.branchName} already exists.`);
      throw e;
    }
  }

  async delete(request: metadata.DeleteBranchRequest): Promise<metadata.BranchInfo | undefined> {
    const repo = await this.repositories.getEntity(request.repositoryName);
    const ref = branchRef(request.branchName);
    if (repo.defaultBranch === request.branchName) throw error(Code.DefaultBranchCannotBeDeleted, `The default branch ${request.branchName} cannot be deleted.`);
    const current = await this.tip(repo, ref);
    if (!current) return undefined;
    await this.updateRefs(repo, request.actorArn, [{ ref, oldId: current, newId: ZERO_ID }]);
    return { branchName: request.branchName, commitId: current };
  }

  async get(repositoryName: string, branchName: string): Promise<metadata.BranchInfo> {
    const repo = await this.repositories.getEntity(repositoryName);
    const commitId = await this.tip(repo, branchRef(branchName));
    if (!commitId) throw error(Code.BranchDoesNotExist, `Branch ${branchName} does not exist in ${repositoryName}.`);
    return { branchName, commitId };
  }

  async list(repositoryName: string, nextToken: string): Promise<metadata.ListBranchesResponse> {
    const repo = await this.repositories.getEntity(repositoryName);
    const after = nextToken ? decodeToken(nextToken) : '';
    // One more than a page: whether there is a next page.
    const { refs } = await callUnary(this.storage, this.storage.listRefs, {
      repositoryId: repo.repositoryId,
      prefixes: ['refs/heads/'],
      startAfter: after ? `refs/heads/${after}` : '',
      limit: PAGE_SIZE + 1,
    });
    const names = refs.map((r) => r.name.slice('refs/heads/'.length));
    const page = names.slice(0, PAGE_SIZE);
    return { branches: page, nextToken: names.length > PAGE_SIZE ? encodeToken(page[page.length - 1]) : '' };
  }

  async updateDefault(request: metadata.UpdateDefaultBranchRequest): Promise<void> {
    const repo = await this.repositories.getEntity(request.repositoryName);
    const ref = branchRef(request.defaultBranchName);
    if (!(await this.tip(repo, ref))) throw error(Code.BranchDoesNotExist, `Branch ${request.defaultBranchName} does not exist.`);
    await this.setDefault(repo, request.defaultBranchName, request.actorArn);
  }

  /**
   * CodeCommit makes the first branch pushed to an empty repository its default branch. Called
   * for every `references.updated` event; only acts while the repository has no default yet.
   */
  async adoptFirstBranch(repositoryId: string, updates: { ref: string; newId: string }[]): Promise<void> {
    const repo = await this.rows.findById(repositoryId);
    if (!repo || repo.defaultBranch) return;
    const created = updates.filter((u) => u.ref.startsWith('refs/heads/') && u.newId !== ZERO_ID).map((u) => u.ref.slice('refs/heads/'.length));
    if (created.length === 0) return;
    const choice = ['main', 'master'].find((n) => created.includes(n)) ?? created[0];
    await this.setDefault(repo, choice, '');
  }

  private async setDefault(repo: RepositoryEntity, branchName: string, actorArn: string): Promise<void> {
    await callUnary(this.storage, this.storage.setHead, { repositoryId: repo.repositoryId, target: `refs/heads/${branchName}` });
    if (repo.defaultBranch !== branchName) {
      await this.repositories.update(repo.repositoryName, actorArn, { kind: 'defaultBranch', fields: () => ({ defaultBranch: branchName }) });
    }
  }

  private async tip(repo: RepositoryEntity, ref: string): Promise<string | undefined> {
    const { refs } = await callUnary(this.storage, this.storage.listRefs, { repositoryId: repo.repositoryId, prefixes: [ref] });
    return refs.find((r) => r.name === ref)?.target;
  }

  private async updateRefs(repo: RepositoryEntity, actorArn: string, updates: storage.RefUpdate[]): Promise<void> {
    await callUnary(this.storage, this.storage.updateRefs, {
      repositoryId: repo.repositoryId,
      updates,
      context: { actorArn, repositoryName: repo.repositoryName, accountId: repo.accountId },
    });
  }
}

function encodeToken(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName })).toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through
  }
  throw error(Code.InvalidContinuationToken, 'The specified continuation token is not valid.');
}
