import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEventLog, EventLog, OUTBOX_ENTITIES, OutboxRelay } from '@cairn/events';
import { openDatabase } from '@cairn/runtime';
import { loadMetadataConfig, METADATA_CONFIG, MetadataConfig } from './config';
import { OUTBOX_KICK, Upstreams } from './upstreams';
import { RepositoryEntity } from './repositories/repository.entity';
import { RepositoryRepository } from './repositories/repository.repository';
import { RepositoriesService } from './repositories/repositories.service';
import { RepositoriesGrpcController } from './repositories/repositories.grpc.controller';
import { RepositorySettingsService } from './repositories/repository-settings.service';
import { BranchesService } from './branches/branches.service';
import { BranchesGrpcController } from './branches/branches.grpc.controller';
import { EVENT_LOG, FirstBranchConsumer } from './branches/first-branch.consumer';
import { CONTENT_CONFIG, loadContentConfig } from './content/content.config';
import { StorageContentClient } from './content/storage-content.client';
import { ContentService } from './content/content.service';
import { ContentGrpcController } from './content/content.grpc.controller';
import { CommitsService } from './commits/commits.service';
import { CommitsGrpcController } from './commits/commits.grpc.controller';
import { MergesService } from './merges/merges.service';
import { MergesGrpcController } from './merges/merges.grpc.controller';
import { TRIGGER_ENTITIES } from './triggers/trigger.entities';
import { loadTriggersConfig, TRIGGERS_CONFIG } from './triggers/triggers.config';
import { webhookSecretProvider } from './triggers/webhook-secret.provider';
import { TriggersService } from './triggers/triggers.service';
import { TriggersGrpcController } from './triggers/triggers.grpc.controller';
import { TriggerDispatchConsumer } from './triggers/trigger-dispatch.consumer';
import { DeliveryWorker } from './triggers/delivery-worker';
import { TriggerSender } from './triggers/trigger-sender';
import { EventBridgeStream } from './event-stream/eventbridge-stream';


@Module({
  providers: [
    { provide: METADATA_CONFIG, useFactory: loadMetadataConfig },
    { provide: DataSource, inject: [METADATA_CONFIG], useFactory: (c: MetadataConfig) => openDatabase(c.databaseUrl, [RepositoryEntity, ...TRIGGER_ENTITIES, ...OUTBOX_ENTITIES]) },
    { provide: EVENT_LOG, inject: [METADATA_CONFIG], useFactory: (c: MetadataConfig) => createEventLog(c.eventLogUrl) },
    { provide: OutboxRelay, inject: [DataSource, EVENT_LOG], useFactory: (dataSource: DataSource, eventLog: EventLog) => new OutboxRelay({ dataSource, eventLog }) },
    { provide: OUTBOX_KICK, inject: [OutboxRelay], useFactory: (relay: OutboxRelay) => () => relay.kick() },
    Upstreams,
    RepositoryRepository,
    RepositoriesService,
    RepositorySettingsService,
    RepositoriesGrpcController,
    BranchesService,
    BranchesGrpcController,
    { provide: CONTENT_CONFIG, useFactory: loadContentConfig },
    StorageContentClient,
    ContentService,
    ContentGrpcController,
    FirstBranchConsumer,
    CommitsService,
    CommitsGrpcController,
    MergesService,
    MergesGrpcController,
    { provide: TRIGGERS_CONFIG, useFactory: loadTriggersConfig },
    webhookSecretProvider,
    TriggersService,
    TriggersGrpcController,
    TriggerDispatchConsumer,
    TriggerSender,
    EventBridgeStream,
    DeliveryWorker,
  ],
})
export class RepoMetadataModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly db: DataSource,
    @Inject(EVENT_LOG) private readonly eventLog: EventLog,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.eventLog.close();
    await this.db.destroy();
  }
}
