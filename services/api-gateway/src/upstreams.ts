import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { callUnary, createClient, metadata, policy } from '@cairn/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from './config';

/** gRPC clients of the services behind the public API. */
@Injectable()
export class Upstreams implements OnApplicationShutdown {
  readonly policy: policy.PolicyClient;
  readonly metadata: metadata.RepoMetadataClient;
  private account?: Promise<policy.GetAccountResponse>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.policy = createClient(policy.PolicyClient, config.policyAddress);
    this.metadata = createClient(metadata.RepoMetadataClient, config.metadataAddress);
  }

  getAccount(): Promise<policy.GetAccountResponse> {
    this.account ??= callUnary(this.policy, this.policy.getAccount, {}).catch((error) => {
      this.account = undefined;
      throw error;
    });
    return this.account;
  }

  onApplicationShutdown(): void {
    this.policy.close();
    this.metadata.close();
  }
}
