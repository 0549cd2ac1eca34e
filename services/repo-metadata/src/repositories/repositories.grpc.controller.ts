import { Injectable } from '@nestjs/common';
import { metadata } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { RepositoriesService } from './repositories.service';
import { RepositorySettingsService } from './repository-settings.service';

@Injectable()
export class RepositoriesGrpcController {
  constructor(
    private readonly repositories: RepositoriesService,
    private readonly settings: RepositorySettingsService,
  ) {}

  readonly handlers: Pick<
    metadata.RepoMetadataServer,
    | 'createRepository'
    | 'getRepository'
    | 'listRepositories'
    | 'deleteRepository'
    | 'batchGetRepositories'
    | 'updateRepositoryName'
    | 'updateRepositoryDescription'
    | 'updateRepositoryEncryptionKey'
    | 'tagResource'
    | 'untagResource'
    | 'listTagsForResource'
  > = {
    createRepository: unary(async (req: metadata.CreateRepositoryRequest) => ({ repository: await this.repositories.create(req) })),
    getRepository: unary(async (req: metadata.GetRepositoryRequest) => ({ repository: await this.repositories.get(req.repositoryName) })),
    listRepositories: unary((req: metadata.ListRepositoriesRequest) => this.repositories.list(req)),
    deleteRepository: unary(async (req: metadata.DeleteRepositoryRequest) => ({ repositoryId: await this.repositories.delete(req.repositoryName, req.actorArn) })),
    batchGetRepositories: unary((req: metadata.BatchGetRepositoriesRequest) => this.repositories.batchGet(req.repositoryNames)),
    updateRepositoryName: unary(async (req: metadata.UpdateRepositoryNameRequest) => {
      await this.repositories.rename(req.oldName, req.newName, req.actorArn);
      return {};
    }),
    updateRepositoryDescription: unary(async (req: metadata.UpdateRepositoryDescriptionRequest) => {
      await this.settings.updateDescription(req.repositoryName, req.repositoryDescription, req.actorArn);
      return {};
    }),
    updateRepositoryEncryptionKey: unary((req: metadata.UpdateRepositoryEncryptionKeyRequest) => this.settings.updateEncryptionKey(req)),
    tagResource: unary(async (req: metadata.TagResourceRequest) => {
      await this.settings.tag(req.resourceArn, req.tags, req.actorArn);
      return {};
    }),
    untagResource: unary(async (req: metadata.UntagResourceRequest) => {
      await this.settings.untag(req.resourceArn, req.tagKeys, req.actorArn);
      return {};
    }),
    listTagsForResource: unary(async (req: metadata.ListTagsForResourceRequest) => ({ tags: await this.settings.listTags(req.resourceArn), nextToken: '' })),
  };
}
