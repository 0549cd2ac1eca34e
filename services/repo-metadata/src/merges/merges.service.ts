import { Injectable } from '@nestjs/common';
import { callUnary, domainCodeOf, GrpcStatus, metadataMerge as mm, RpcError, storageMerge as sm } from '@cairn/contracts';
import { Upstreams } from '../upstreams';
import { RepositoriesService } from '../repositories/repositories.service';
import { repositoryError as error, RepositoryErrorCode as Code } from '../repositories/repository.errors';
import { branchRef } from '../branches/branch-ref';
import { COMMIT_LIMITS } from '../commits/commits.service';

/** Storage's revision codes as the merge operations name them. */
const REVISION_ERRORS: Record<string, string> = {
  InvalidRevision: 'InvalidCommitException',
  NotACommit: 'InvalidCommitException',
  RevisionNotFound: 'CommitDoesNotExistException',
  RepositoryDoesNotExist: 'RepositoryDoesNotExistException',
};

const EMAIL = /^[^\s<>@]+@[^\s<>@]+$/;

/**
 * CodeCommit's merge operations by repository name: the name becomes an id, the branch a merge
 * moves is chosen and checked, and storage's merge engine does the rest.
 */
@Injectable()
export class MergesService {
  constructor(
    private readonly repositories: RepositoriesService,
    private readonly upstreams: Upstreams,
  ) {}

  async analyze(request: mm.NamedAnalyzeMergeRequest): Promise<sm.AnalyzeMergeResponse> {
    const inner = request.request!;
    const repositoryId = await this.repositoryId(request.repositoryName);
    return this.call(this.upstreams.merge.analyzeMerge, { ...inner, spec: { ...inner.spec!, repositoryId } });
  }

  async describe(request: mm.NamedDescribeConflictsRequest): Promise<sm.DescribeConflictsResponse> {
    const inner = request.request!;
    const repositoryId = await this.repositoryId(request.repositoryName);
    return this.call(this.upstreams.merge.describeConflicts, { ...inner, spec: { ...inner.spec!, repositoryId } });
  }

  async findMergeCommit(request: mm.NamedFindMergeCommitRequest): Promise<sm.FindMergeCommitResponse> {
    const repositoryId = await this.repositoryId(request.repositoryName);
    return this.call(this.upstreams.merge.findMergeCommit, { ...request.request!, repositoryId });
  }

  async merge(request: mm.NamedMergeRequest): Promise<sm.MergeResponse> {
    const inner = request.request!;
    const repo = await this.repositories.getEntity(request.repositoryName);
    this.validateCommitFields(inner);
    const spec = { ...inner.spec!, repositoryId: repo.repositoryId };
    // The branch a merge moves: the target if named, else the destination when it is a branch.
    // Storage checks that it exists while it reads its tip; only a refusal needs a closer look.
    const named = request.targetBranch;
    const destination = spec.destinationRevision;
    const targetRef = !request.moveBranch ? '' : named ? branchRef(named) : destination.startsWith('refs/heads/') ? destination : `refs/heads/${destination}`;
    try {
      return await this.call(this.upstreams.merge.merge, {
        ...inner,
        spec,
        targetRef,
        authorName: inner.authorName || request.actorArn.slice(request.actorArn.lastIndexOf('/') + 1),
        message: inner.message || `Merge ${spec.sourceRevision} into ${spec.destinationRevision}`,
        context: { actorArn: request.actorArn, repositoryName: repo.repositoryName, accountId: repo.accountId },
      });
    } catch (e) {
      const code = domainCodeOf(e);
      if (targetRef && (code === 'BranchDoesNotExistException' || code === 'InvalidTargetBranchException')) throw await this.missingTarget(repo.repositoryId, named);
      throw e;
    }
  }

  /** Why the branch to move is not there: a tag of that name, no such branch, or no branch named at all. */
  private async missingTarget(repositoryId: string, targetBranch: string): Promise<RpcError> {
    if (!targetBranch) return new RpcError(GrpcStatus.INVALID_ARGUMENT, 'InvalidTargetBranchException', 'The destination is not a branch; name the branch to update in targetBranch.');
    const { refs } = await callUnary(this.upstreams.storage, this.upstreams.storage.listRefs, { repositoryId, prefixes: [`refs/tags/${targetBranch}`] });
    if (refs.some((r) => r.name === `refs/tags/${targetBranch}`)) return error(Code.BranchNameIsTagName, `${targetBranch} is the name of a tag.`);
    return error(Code.BranchDoesNotExist, `Branch ${targetBranch} does not exist.`);
  }

  private validateCommitFields(request: sm.MergeRequest): void {
    if (Buffer.byteLength(request.message) > COMMIT_LIMITS.maxMessageBytes) throw error(Code.CommitMessageLengthExceeded, 'The commit message is too long.');
    if (request.authorName.length > COMMIT_LIMITS.maxNameLength) throw error(Code.NameLengthExceeded, 'The name is too long.');
    if (request.authorEmail && !EMAIL.test(request.authorEmail)) throw error(Code.InvalidEmail, `The email address ${request.authorEmail} is not valid.`);
  }

  private async repositoryId(repositoryName: string): Promise<string> {
    return (await this.repositories.getEntity(repositoryName)).repositoryId;
  }

  /** Calls storage's GitMerge, naming its revision failures as CodeCommit does. */
  private async call<Req, Res>(method: Parameters<typeof callUnary<Req, Res>>[1], request: Req): Promise<Res> {
    try {
      return await callUnary(this.upstreams.merge, method, request);
    } catch (e) {
      const code = domainCodeOf(e);
      const mapped = code ? REVISION_ERRORS[code] : undefined;
      if (!mapped) throw e;
      const details = (e as Partial<RpcError>).details;
      throw new RpcError(mapped.endsWith('DoesNotExistException') ? GrpcStatus.NOT_FOUND : GrpcStatus.INVALID_ARGUMENT, mapped, typeof details === 'string' ? details : String(e));
    }
  }
}
