import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createClient, storageContent } from '@cairn/contracts';
import { METADATA_CONFIG, MetadataConfig } from '../config';

/** The gRPC client of storage's GitContent service (on the same address as GitStorage). */
@Injectable()
export class StorageContentClient implements OnApplicationShutdown {
  readonly client: storageContent.GitContentClient;

  constructor(@Inject(METADATA_CONFIG) config: MetadataConfig) {
    this.client = createClient(storageContent.GitContentClient, config.storageAddress);
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
