import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AwsError } from '@cairn/aws-protocol';
import { callUnary, createClient, metadataContent } from '@cairn/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Operation } from '../operation';
import { optionalString, optionalStringList, requiredString } from './input';
import { RepositoryArns } from './repository-arns';

const NAME_REQUIRED = ['RepositoryNameRequiredException', 'A repository name is required, but was not specified.'] as const;

/**
 * A page size member: absent is 0 (the service's default); anything but a positive integer is
 * InvalidMaxResultsException, as CodeCommit answers it.
 */
function maxResults(input: Record<string, unknown>, member: string): number {
  const value = input[member];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number') throw new AwsError('SerializationException', `${member} must be a number`);
  if (!Number.isInteger(value) || value <= 0) throw new AwsError('InvalidMaxResultsException', 'The specified number of maximum results is not valid.');
  return Math.min(value, 1000);
}

/** CodeCommit's content reads: blobs, files, folders, commits, differences, file history. */
@Injectable()
export class ContentOperations implements OnApplicationShutdown {
  private readonly content: metadataContent.RepoContentClient;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly arns: RepositoryArns,
  ) {
    this.content = createClient(metadataContent.RepoContentClient, config.metadataAddress);
  }

  onApplicationShutdown(): void {
    this.content.close();
  }

  private readonly onRepository = (input: Record<string, unknown>) => this.arns.of(optionalString(input, 'repositoryName'));

  readonly operations: Record<string, Operation> = {
    GetBlob: {
      resources: this.onRepository,
      run: async (input) => {
        const out = await callUnary(this.content, this.content.getBlob, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          blobId: optionalString(input, 'blobId'),
        });
        return { content: out.content };
      },
    },
    GetFile: {
      resources: this.onRepository,
      run: (input) =>
        callUnary(this.content, this.content.getFile, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          commitSpecifier: optionalString(input, 'commitSpecifier'),
          filePath: optionalString(input, 'filePath'),
        }),
    },
    GetFolder: {
      resources: this.onRepository,
      run: (input) =>
        callUnary(this.content, this.content.getFolder, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          commitSpecifier: optionalString(input, 'commitSpecifier'),
          folderPath: optionalString(input, 'folderPath'),
        }),
    },
    GetCommit: {
      resources: this.onRepository,
      run: async (input) => {
        const out = await callUnary(this.content, this.content.getCommit, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          commitId: optionalString(input, 'commitId'),
        });
        return { commit: out.commit };
      },
    },
    BatchGetCommits: {
      resources: this.onRepository,
      run: (input) =>
        callUnary(this.content, this.content.batchGetCommits, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          commitIds: optionalStringList(input, 'commitIds'),
        }),
    },
    GetDifferences: {
      resources: this.onRepository,
      run: async (input) => {
        const out = await callUnary(this.content, this.content.getDifferences, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          beforeCommitSpecifier: optionalString(input, 'beforeCommitSpecifier'),
          afterCommitSpecifier: optionalString(input, 'afterCommitSpecifier'),
          beforePath: optionalString(input, 'beforePath'),
          afterPath: optionalString(input, 'afterPath'),
          maxResults: maxResults(input, 'MaxResults'),
          // The model spells this operation's token with a capital N, in and out.
          nextToken: optionalString(input, 'NextToken'),
        });
        return { differences: out.differences, NextToken: out.nextToken || undefined };
      },
    },
    ListFileCommitHistory: {
      resources: this.onRepository,
      run: async (input) => {
        const out = await callUnary(this.content, this.content.listFileCommitHistory, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          commitSpecifier: optionalString(input, 'commitSpecifier'),
          filePath: optionalString(input, 'filePath'),
          maxResults: maxResults(input, 'maxResults'),
          nextToken: optionalString(input, 'nextToken'),
        });
        return { revisionDag: out.revisionDag, nextToken: out.nextToken || undefined };
      },
    },
  };
}
