// First: tracing must patch http and gRPC before anything loads them.
import '@cairn/runtime/dist/tracing-register';
import { metadata, metadataContent, metadataMerge, metadataTriggers } from '@cairn/contracts';
import { runService } from '@cairn/runtime';
import { RepoMetadataModule } from './app.module';
import { RepositoriesGrpcController } from './repositories/repositories.grpc.controller';
import { BranchesGrpcController } from './branches/branches.grpc.controller';
import { ContentGrpcController } from './content/content.grpc.controller';
import { CommitsGrpcController } from './commits/commits.grpc.controller';
import { MergesGrpcController } from './merges/merges.grpc.controller';
import { TriggersGrpcController } from './triggers/triggers.grpc.controller';

void runService({
  name: 'repo-metadata',
  module: RepoMetadataModule,
  grpc: (app) => {
    const implementation: metadata.RepoMetadataServer = { ...app.get(RepositoriesGrpcController).handlers, ...app.get(BranchesGrpcController).handlers, ...app.get(CommitsGrpcController).handlers };
    return [
      { definition: metadata.RepoMetadataService, implementation },
      { definition: metadataContent.RepoContentService, implementation: app.get(ContentGrpcController).handlers },
      { definition: metadataMerge.RepoMergeService, implementation: app.get(MergesGrpcController).handlers },
      { definition: metadataTriggers.RepoTriggersService, implementation: app.get(TriggersGrpcController).handlers },
    ];
  },
});
