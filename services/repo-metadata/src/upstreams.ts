import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { callUnary, createClient, policy, storage } from '@cairn/contracts';
import { METADATA_CONFIG, MetadataConfig } from './config';

/** gRPC clients of the services repo-metadata calls. */
@Injectable()
export class Upstreams implements OnApplicationShutdown {
  readonly policy: policy.PolicyClient;
  readonly storage: storage.GitStorageClient;
  private account?: Promise<policy.GetAccountResponse>;

  constructor(@Inject(METADATA_CONFIG) config: MetadataConfig) {
    this.policy = createClient(policy.PolicyClient, config.policyAddress);
    this.storage = createClient(storage.GitStorageClient, config.storageAddress);
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
    this.storage.close();
  }
}

/** Wakes the outbox relay right after a commit, so events leave without waiting for a poll. */
export type OutboxKick = () => void;
export const OUTBOX_KICK = Symbol('OUTBOX_KICK');
