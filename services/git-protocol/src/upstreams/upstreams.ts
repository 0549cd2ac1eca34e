import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AccountCache, createClient, ResourceTagCache, metadata, policy, storage } from '@cairn/contracts';
import { GIT_PROTOCOL_CONFIG, GitProtocolConfig } from '../config';

/** gRPC clients of the services this one calls. */
@Injectable()
export class Upstreams implements OnApplicationShutdown {
  readonly policy: policy.PolicyClient;
  readonly metadata: metadata.RepoMetadataClient;
  /** Repository tags for authorization (aws:ResourceTag), remembered for a second. */
  readonly resourceTags = new ResourceTagCache(1000);
  readonly storage: storage.GitStorageClient;
  private readonly account: AccountCache;

  constructor(@Inject(GIT_PROTOCOL_CONFIG) config: GitProtocolConfig) {
    this.policy = createClient(policy.PolicyClient, config.policyAddress);
    this.account = new AccountCache(this.policy);
    this.metadata = createClient(metadata.RepoMetadataClient, config.metadataAddress);
    this.storage = createClient(storage.GitStorageClient, config.storageAddress);
  }

  /** The account and region never change while running; ask once (retrying after a failure). */
  getAccount(): Promise<policy.GetAccountResponse> {
    return this.account.get();
  }

  onApplicationShutdown(): void {
    this.policy.close();
    this.metadata.close();
    this.storage.close();
  }
}
