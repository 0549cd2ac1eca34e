import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createClient, iam } from '@cairn/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Upstreams } from '../upstreams';

/** The policy service's Iam gRPC service (same process and address as Policy). */
@Injectable()
export class IamUpstream implements OnApplicationShutdown {
  readonly client: iam.IamClient;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly upstreams: Upstreams,
  ) {
    this.client = createClient(iam.IamClient, config.policyAddress);
  }

  async accountId(): Promise<string> {
    return (await this.upstreams.getAccount()).accountId;
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
