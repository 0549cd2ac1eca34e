import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AccountCache, createClient, ResourceTagCache, metadata, policy } from '@cairn/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from './config';

/** gRPC clients of the services behind the public API. */
@Injectable()
export class Upstreams implements OnApplicationShutdown {
  readonly policy: policy.PolicyClient;
  readonly metadata: metadata.RepoMetadataClient;
  /** Repository tags for authorization (aws:ResourceTag), remembered for a second. */
  readonly resourceTags = new ResourceTagCache(1000);
  private readonly account: AccountCache;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.policy = createClient(policy.PolicyClient, config.policyAddress);
    this.account = new AccountCache(this.policy);
    this.metadata = createClient(metadata.RepoMetadataClient, config.metadataAddress);
  }

  getAccount(): Promise<policy.GetAccountResponse> {
    return this.account.get();
  }

  onApplicationShutdown(): void {
    this.policy.close();
    this.metadata.close();
  }
}
