// First: tracing must patch http and gRPC before anything loads them.
import '@cairn/runtime/dist/tracing-register';
import { storage, storageContent, storageMerge } from '@cairn/contracts';
import { runService } from '@cairn/runtime';
import { GitStorageModule } from './app.module';
import { RepositoriesGrpcController } from './repositories/repositories.grpc.controller';
import { TransportGrpcController } from './transport/transport.grpc.controller';
import { RefsGrpcController } from './refs/refs.grpc.controller';
import { ContentGrpcController } from './content/content.grpc.controller';
import { CommitsGrpcController } from './commits/commits.grpc.controller';
import { MergesGrpcController } from './merges/merges.grpc.controller';

void runService({
  name: 'git-storage',
  module: GitStorageModule,
  grpc: (app) => {
    const repositories = app.get(RepositoriesGrpcController);
    const transport = app.get(TransportGrpcController);
    const refs = app.get(RefsGrpcController);
    const commits = app.get(CommitsGrpcController);
    const implementation: storage.GitStorageServer = {
      createRepository: repositories.createRepository,
      deleteRepository: repositories.deleteRepository,
      listRefs: repositories.listRefs,
      infoRefs: (call) => void transport.infoRefs(call),
      uploadPack: (call) => void transport.uploadPack(call),
      receivePack: (call) => void transport.receivePack(call),
      updateRefs: refs.updateRefs,
      setHead: refs.setHead,
      resolveObject: refs.resolveObject,
      createCommit: commits.createCommit,
    };
    return [
      { definition: storage.GitStorageService, implementation },
      { definition: storageContent.GitContentService, implementation: app.get(ContentGrpcController).handlers },
      { definition: storageMerge.GitMergeService, implementation: app.get(MergesGrpcController).handlers },
    ];
  },
});
