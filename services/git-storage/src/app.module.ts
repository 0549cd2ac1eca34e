import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { createEventLog } from '@cairn/events';
import { loadStorageConfig, STORAGE_CONFIG, StorageConfig } from './config';
import { RepositoryStore } from './repositories/repository-store';
import { RepositoriesGrpcController } from './repositories/repositories.grpc.controller';
import { HooksInstaller } from './ref-journal/hooks-installer';
import { RefJournal } from './ref-journal/ref-journal';
import { ENVELOPE_PUBLISHER, JournalRelay } from './ref-journal/journal-relay';
import { PushStatsReader } from './ref-journal/push-stats';
import { RefPacker } from './housekeeping/ref-packer';
import { TransportGrpcController } from './transport/transport.grpc.controller';
import { RefUpdater } from './refs/ref-updater';
import { RefsGrpcController } from './refs/refs.grpc.controller';
import { ContentReader } from './content/content-reader';
import { ContentGrpcController } from './content/content.grpc.controller';
import { CommitBuilder } from './commits/commit-builder';
import { CommitsGrpcController } from './commits/commits.grpc.controller';
import { MergesService } from './merges/merges.service';
import { MergesGrpcController } from './merges/merges.grpc.controller';

@Module({
  providers: [
    { provide: STORAGE_CONFIG, useFactory: loadStorageConfig },
    {
      provide: ENVELOPE_PUBLISHER,
      inject: [STORAGE_CONFIG],
      useFactory: (config: StorageConfig) => (config.eventLogUrl ? createEventLog(config.eventLogUrl) : null),
    },
    RepositoryStore,
    RepositoriesGrpcController,
    HooksInstaller,
    RefJournal,
    PushStatsReader,
    RefPacker,
    JournalRelay,
    TransportGrpcController,
    RefUpdater,
    RefsGrpcController,
    ContentReader,
    ContentGrpcController,
    CommitBuilder,
    CommitsGrpcController,
    MergesService,
    MergesGrpcController,
  ],
})
export class GitStorageModule implements OnApplicationBootstrap {
  constructor(
    private readonly hooks: HooksInstaller,
    private readonly journal: RefJournal,
    private readonly relay: JournalRelay,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.hooks.install();
    await this.journal.init();
    this.relay.start();
  }
}

