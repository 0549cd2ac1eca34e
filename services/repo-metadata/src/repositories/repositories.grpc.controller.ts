import { Injectable } from '@nestjs/common';
import { metadata } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { RepositoriesService } from './repositories.service';

@Injectable()
export class RepositoriesGrpcController {
  constructor(private readonly repositories: RepositoriesService) {}

  readonly implementation: metadata.RepoMetadataServer = {
    createRepository: unary(async (req: metadata.CreateRepositoryRequest) => ({ repository: await this.repositories.create(req) })),
    getRepository: unary(async (req: metadata.GetRepositoryRequest) => ({ repository: await this.repositories.get(req.repositoryName) })),
    listRepositories: unary((req: metadata.ListRepositoriesRequest) => this.repositories.list(req)),
    deleteRepository: unary(async (req: metadata.DeleteRepositoryRequest) => ({ repositoryId: await this.repositories.delete(req.repositoryName, req.actorArn) })),
  };
}
