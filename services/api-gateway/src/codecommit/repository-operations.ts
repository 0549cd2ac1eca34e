import { Injectable } from '@nestjs/common';
import { callUnary, metadata, policy } from '@cairn/contracts';
import { Upstreams } from '../upstreams';
import { optionalString, optionalStringMap, requiredString } from './input';
import { Operation } from '../operation';

const NAME_REQUIRED = ['RepositoryNameRequiredException', 'A repository name is required, but was not specified.'] as const;

/** CodeCommit repository operations: awsJson in, repo-metadata's gRPC behind. */
@Injectable()
export class RepositoryOperations {
  constructor(private readonly upstreams: Upstreams) {}

  readonly operations: Record<string, Operation> = {
    CreateRepository: {
      resource: (input) => this.repositoryArn(optionalString(input, 'repositoryName')),
      run: async (input, caller) => {
        const { repository } = await callUnary(this.upstreams.metadata, this.upstreams.metadata.createRepository, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          repositoryDescription: optionalString(input, 'repositoryDescription'),
          tags: optionalStringMap(input, 'tags'),
          kmsKeyId: optionalString(input, 'kmsKeyId'),
          actorArn: caller.arn,
        });
        return { repositoryMetadata: repositoryMetadataJson(repository!) };
      },
    },
    GetRepository: {
      resource: (input) => this.repositoryArn(optionalString(input, 'repositoryName')),
      run: async (input) => {
        const { repository } = await callUnary(this.upstreams.metadata, this.upstreams.metadata.getRepository, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
        });
        return { repositoryMetadata: repositoryMetadataJson(repository!) };
      },
    },
    ListRepositories: {
      resource: async () => '*',
      run: async (input) => {
        const page = await callUnary(this.upstreams.metadata, this.upstreams.metadata.listRepositories, {
          sortBy: optionalString(input, 'sortBy'),
          order: optionalString(input, 'order'),
          nextToken: optionalString(input, 'nextToken'),
        });
        return { repositories: page.repositories, nextToken: page.nextToken || undefined };
      },
    },
    DeleteRepository: {
      resource: (input) => this.repositoryArn(optionalString(input, 'repositoryName')),
      run: async (input, caller) => {
        const { repositoryId } = await callUnary(this.upstreams.metadata, this.upstreams.metadata.deleteRepository, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          actorArn: caller.arn,
        });
        // CodeCommit answers a delete of a missing repository with success and no id.
        return { repositoryId: repositoryId || undefined };
      },
    },
  };

  private async repositoryArn(name: string): Promise<string> {
    const { accountId, region } = await this.upstreams.getAccount();
    return `arn:aws:codecommit:${region}:${accountId}:${name}`;
  }
}

export type Caller = policy.Principal;

function repositoryMetadataJson(r: metadata.RepositoryMetadata) {
  return {
    accountId: r.accountId,
    repositoryId: r.repositoryId,
    repositoryName: r.repositoryName,
    repositoryDescription: r.repositoryDescription || undefined,
    defaultBranch: r.defaultBranch || undefined,
    lastModifiedDate: new Date(r.lastModifiedDate),
    creationDate: new Date(r.creationDate),
    cloneUrlHttp: r.cloneUrlHttp,
    cloneUrlSsh: r.cloneUrlSsh,
    Arn: r.arn,
    kmsKeyId: r.kmsKeyId || undefined,
  };
}
