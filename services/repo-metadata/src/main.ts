import { metadata } from '@cairn/contracts';
import { runService } from '@cairn/runtime';
import { RepoMetadataModule } from './app.module';
import { RepositoriesGrpcController } from './repositories/repositories.grpc.controller';

void runService({
  name: 'repo-metadata',
  module: RepoMetadataModule,
  grpc: (app) => [{ definition: metadata.RepoMetadataService, implementation: app.get(RepositoriesGrpcController).implementation }],
});
