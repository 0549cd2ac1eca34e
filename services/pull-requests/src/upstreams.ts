import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { callUnary, createClient, metadata, metadataMerge, storage, storageMerge } from '@cairn/contracts';
import { PULL_REQUESTS_CONFIG, PullRequestsConfig } from './config';

/** A repository as pull requests need it. */
export interface RepositoryRef {
  repositoryId: string;
  repositoryName: string;
  accountId: string;
  defaultBranch: string;
}

/** Where a pull request's source stands against its destination. */
export interface MergeState {
  mergeBase: string;
  /** The source commit is in the destination's history. */
  merged: boolean;
  /** The commit that merged it (the source itself when it was fast-forwarded). */
  mergeCommitId: string;
}

/** The repository facts pull requests read: names, branch tips, merge bases; and the merge call. */
@Injectable()
export class Upstreams implements OnApplicationShutdown {
  readonly metadata: metadata.RepoMetadataClient;
  readonly merges: metadataMerge.RepoMergeClient;
  private readonly storage: storage.GitStorageClient;
  private readonly storageMerge: storageMerge.GitMergeClient;

  constructor(@Inject(PULL_REQUESTS_CONFIG) config: PullRequestsConfig) {
    this.metadata = createClient(metadata.RepoMetadataClient, config.metadataAddress);
    this.merges = createClient(metadataMerge.RepoMergeClient, config.metadataAddress);
    this.storage = createClient(storage.GitStorageClient, config.storageAddress);
    this.storageMerge = createClient(storageMerge.GitMergeClient, config.storageAddress);
  }

  async repository(repositoryName: string): Promise<RepositoryRef> {
    const { repository } = await callUnary(this.metadata, this.metadata.getRepository, { repositoryName });
    return { repositoryId: repository!.repositoryId, repositoryName: repository!.repositoryName, accountId: repository!.accountId, defaultBranch: repository!.defaultBranch };
  }

  /** Tips of these full refs; a ref that does not exist is absent from the map. */
  async tips(repositoryId: string, refs: string[]): Promise<Map<string, string>> {
    const out = await callUnary(this.storage, this.storage.listRefs, { repositoryId, prefixes: refs });
    return new Map(out.refs.filter((r) => refs.includes(r.name)).map((r) => [r.name, r.target]));
  }

  async mergeState(repositoryId: string, sourceCommit: string, destinationCommit: string): Promise<MergeState> {
    const out = await callUnary(this.storageMerge, this.storageMerge.findMergeCommit, { repositoryId, sourceRevision: sourceCommit, destinationRevision: destinationCommit });
    const mergeBase = out.commits?.baseCommitId ?? '';
    const merged = mergeBase === sourceCommit;
    return { mergeBase, merged, mergeCommitId: merged ? out.mergedCommitId || sourceCommit : '' };
  }

  onApplicationShutdown(): void {
    for (const client of [this.metadata, this.merges, this.storage, this.storageMerge]) client.close();
  }
}
