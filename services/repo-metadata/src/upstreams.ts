import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AccountCache, createClient, policy, storage, storageMerge } from '@cairn/contracts';
import { METADATA_CONFIG, MetadataConfig } from './config';

/** gRPC clients of the services repo-metadata calls. */
@Injectable()
export class Upstreams implements OnApplicationShutdown {
  readonly policy: policy.PolicyClient;
  readonly storage: storage.GitStorageClient;
  readonly merge: storageMerge.GitMergeClient;
  private readonly account: AccountCache;

  constructor(@Inject(METADATA_CONFIG) config: MetadataConfig) {
    this.policy = createClient(policy.PolicyClient, config.policyAddress);
    this.account = new AccountCache(this.policy);
    this.storage = createClient(storage.GitStorageClient, config.storageAddress);
    this.merge = createClient(storageMerge.GitMergeClient, config.storageAddress);
  }

  getAccount(): Promise<policy.GetAccountResponse> {
    return this.account.get();
  }

  onApplicationShutdown(): void {
    this.policy.close();
    this.storage.close();
    this.merge.close();
  }
}

/** Wakes the outbox relay right after a commit, so events leave without waiting for a poll. */
export type OutboxKick = () => void;
export const OUTBOX_KICK = Symbol('OUTBOX_KICK');
