import { Injectable } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { callUnary, isGrpcError, metadata, policy, repositoryNameProblem, RequestOrigin } from '@cairn/contracts';
import { GitAction, GitAuthorizer } from './authorizer';
import { Upstreams } from '../upstreams/upstreams';

export type GitService = 'git-upload-pack' | 'git-receive-pack';

/** Why a git request is refused, independent of the transport (HTTP maps it to a status, SSH to a message). */
export type GitRefusal = 'invalid' | 'forbidden' | 'not-found' | 'too-large';

export class GitAccessError extends Error {
  constructor(
    readonly refusal: GitRefusal,
    message: string,
  ) {
    super(message);
  }
}

export interface GitAccessGrant {
  repository: metadata.RepositoryMetadata;
  /** The repository's ARN, the resource of every later (per-ref) question. */
  arn: string;
  action: GitAction;
}

/**
 * The questions every git transport asks before storage sees a byte, in the same order for
 * smart HTTP and SSH: is the name valid, may this principal pull/push it, does it exist.
 */
@Injectable()
export class GitAccess {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly authorizer: GitAuthorizer,
  ) {}

  /** A name Cairn could never have created is refused before anything else is asked. */
  static checkName(repositoryName: string): void {
    const problem = repositoryNameProblem(repositoryName);
    if (problem) throw new GitAccessError('invalid', problem);
  }

  async open(principal: policy.Principal, service: GitService, repositoryName: string, origin: RequestOrigin): Promise<GitAccessGrant> {
    GitAccess.checkName(repositoryName);
    const action: GitAction = service === 'git-upload-pack' ? 'codecommit:GitPull' : 'codecommit:GitPush';
    const arn = await this.authorizer.repositoryArn(repositoryName);
    // Authorization comes before the lookup, so a caller without access cannot probe which names exist.
    if (!(await this.authorizer.isAllowed(principal, action, arn, origin))) throw new GitAccessError('forbidden', `${principal.arn} is not authorized to perform ${action} on ${arn}`);
    return { repository: await this.lookup(repositoryName), arn, action };
  }

  /** The refs of a push the principal may not update (each ref is its own question; decision 0003). */
  deniedReferences(principal: policy.Principal, arn: string, refs: string[], origin: RequestOrigin): Promise<string[]> {
    return this.authorizer.deniedReferences(principal, arn, refs, origin);
  }

  private async lookup(repositoryName: string): Promise<metadata.RepositoryMetadata> {
    try {
      const { repository } = await callUnary(this.upstreams.metadata, this.upstreams.metadata.getRepository, { repositoryName });
      if (!repository) throw new GitAccessError('not-found', `repository ${repositoryName} does not exist`);
      return repository;
    } catch (error) {
      if (isGrpcError(error, status.NOT_FOUND)) throw new GitAccessError('not-found', `repository ${repositoryName} does not exist`);
      throw error;
    }
  }
}
