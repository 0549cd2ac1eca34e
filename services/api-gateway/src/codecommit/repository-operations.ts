import { Injectable } from '@nestjs/common';
import { callUnary, metadata } from '@cairn/contracts';
import { Upstreams } from '../upstreams';
import { optionalString, optionalStringList, optionalStringMap, requiredString } from './input';
import { Operation } from '../operation';
import { RepositoryArns } from './repository-arns';

const NAME_REQUIRED = ['RepositoryNameRequiredException', 'A repository name is required, but was not specified.'] as const;

/** CodeCommit repository operations: awsJson in, repo-metadata's gRPC behind. */
@Injectable()
export class RepositoryOperations {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly arns: RepositoryArns,
  ) {}

  private get metadata() {
    return this.upstreams.metadata;
  }

  readonly operations: Record<string, Operation> = {
    CreateRepository: {
      resources: (input) => this.arns.of(optionalString(input, 'repositoryName')),
      conditions: (input) => requestTagConditions(optionalStringMap(input, 'tags')),
      run: async (input, caller) => {
        const { repository } = await callUnary(this.metadata, this.metadata.createRepository, {
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
      resources: (input) => this.arns.of(optionalString(input, 'repositoryName')),
      run: async (input) => {
        const { repository } = await callUnary(this.metadata, this.metadata.getRepository, { repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED) });
        return { repositoryMetadata: repositoryMetadataJson(repository!) };
      },
    },
    BatchGetRepositories: {
      resources: (input) => this.arns.of(...optionalStringList(input, 'repositoryNames')),
      run: async (input) => {
        const out = await callUnary(this.metadata, this.metadata.batchGetRepositories, { repositoryNames: optionalStringList(input, 'repositoryNames') });
        return { repositories: out.repositories.map(repositoryMetadataJson), repositoriesNotFound: out.repositoriesNotFound, errors: [] };
      },
    },
    ListRepositories: {
      resources: async () => ['*'],
      run: async (input) => {
        const page = await callUnary(this.metadata, this.metadata.listRepositories, {
          sortBy: optionalString(input, 'sortBy'),
          order: optionalString(input, 'order'),
          nextToken: optionalString(input, 'nextToken'),
        });
        return { repositories: page.repositories, nextToken: page.nextToken || undefined };
      },
    },
    UpdateRepositoryName: {
      resources: (input) => this.arns.of(optionalString(input, 'oldName'), optionalString(input, 'newName')),
      run: async (input, caller) => {
        await callUnary(this.metadata, this.metadata.updateRepositoryName, {
          oldName: requiredString(input, 'oldName', ...NAME_REQUIRED),
          newName: requiredString(input, 'newName', ...NAME_REQUIRED),
          actorArn: caller.arn,
        });
        return {};
      },
    },
    UpdateRepositoryDescription: {
      resources: (input) => this.arns.of(optionalString(input, 'repositoryName')),
      run: async (input, caller) => {
        await callUnary(this.metadata, this.metadata.updateRepositoryDescription, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          repositoryDescription: optionalString(input, 'repositoryDescription'),
          actorArn: caller.arn,
        });
        return {};
      },
    },
    UpdateRepositoryEncryptionKey: {
      resources: (input) => this.arns.of(optionalString(input, 'repositoryName')),
      run: async (input, caller) => {
        const out = await callUnary(this.metadata, this.metadata.updateRepositoryEncryptionKey, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          kmsKeyId: optionalString(input, 'kmsKeyId'),
          actorArn: caller.arn,
        });
        return { repositoryId: out.repositoryId, kmsKeyId: out.kmsKeyId, originalKmsKeyId: out.originalKmsKeyId };
      },
    },
    DeleteRepository: {
      resources: (input) => this.arns.of(optionalString(input, 'repositoryName')),
      run: async (input, caller) => {
        const { repositoryId } = await callUnary(this.metadata, this.metadata.deleteRepository, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          actorArn: caller.arn,
        });
        // CodeCommit answers a delete of a missing repository with success and no id.
        return { repositoryId: repositoryId || undefined };
      },
    },
    TagResource: {
      resources: async (input) => [optionalString(input, 'resourceArn') || '*'],
      conditions: (input) => requestTagConditions(optionalStringMap(input, 'tags')),
      run: async (input, caller) => {
        await callUnary(this.metadata, this.metadata.tagResource, { resourceArn: optionalString(input, 'resourceArn'), tags: optionalStringMap(input, 'tags'), actorArn: caller.arn });
        // This replica's next decision about the repository sees the new tags at once.
        this.upstreams.resourceTags.forget(optionalString(input, 'resourceArn'));
        return {};
      },
    },
    UntagResource: {
      resources: async (input) => [optionalString(input, 'resourceArn') || '*'],
      conditions: (input): Record<string, string[]> => {
        const keys = optionalStringList(input, 'tagKeys');
        return keys.length > 0 ? { 'aws:TagKeys': keys } : {};
      },
      run: async (input, caller) => {
        await callUnary(this.metadata, this.metadata.untagResource, { resourceArn: optionalString(input, 'resourceArn'), tagKeys: optionalStringList(input, 'tagKeys'), actorArn: caller.arn });
        this.upstreams.resourceTags.forget(optionalString(input, 'resourceArn'));
        return {};
      },
    },
    ListTagsForResource: {
      resources: async (input) => [optionalString(input, 'resourceArn') || '*'],
      run: async (input) => {
        const out = await callUnary(this.metadata, this.metadata.listTagsForResource, { resourceArn: optionalString(input, 'resourceArn'), nextToken: optionalString(input, 'nextToken') });
        return { tags: out.tags, nextToken: out.nextToken || undefined };
      },
    },
  };

}


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

/**
 * `aws:RequestTag/<key>` and `aws:TagKeys` for a request that sets tags, so a policy can require or
 * forbid tags (IAM User Guide, "Controlling access during AWS requests").
 */
export function requestTagConditions(tags: Record<string, string>): Record<string, string[]> {
  const keys = Object.keys(tags);
  if (keys.length === 0) return {};
  return { 'aws:TagKeys': keys, ...Object.fromEntries(keys.map((k) => [`aws:RequestTag/${k}`, [tags[k]!]])) };
}
