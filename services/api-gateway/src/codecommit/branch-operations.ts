import { Injectable } from '@nestjs/common';
import { callUnary } from '@cairn/contracts';
import { Upstreams } from '../upstreams';
import { branchReference, optionalString, requiredString } from './input';
import { Operation } from '../operation';
import { RepositoryArns } from './repository-arns';

const NAME_REQUIRED = ['RepositoryNameRequiredException', 'A repository name is required, but was not specified.'] as const;
const BRANCH_REQUIRED = ['BranchNameRequiredException', 'A branch name is required, but was not specified.'] as const;

/** CodeCommit branch operations. */
@Injectable()
export class BranchOperations {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly arns: RepositoryArns,
  ) {}

  private get metadata() {
    return this.upstreams.metadata;
  }

  private readonly onRepository = (input: Record<string, unknown>) => this.arns.of(optionalString(input, 'repositoryName'));

  readonly operations: Record<string, Operation> = {
    CreateBranch: {
      resources: this.onRepository,
      run: async (input, caller) => {
        await callUnary(this.metadata, this.metadata.createBranch, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          branchName: requiredString(input, 'branchName', ...BRANCH_REQUIRED),
          commitId: optionalString(input, 'commitId'),
          actorArn: caller.arn,
        });
        return {};
      },
    },
    DeleteBranch: {
      resources: this.onRepository,
      conditions: branchReference,
      run: async (input, caller) => {
        const out = await callUnary(this.metadata, this.metadata.deleteBranch, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          branchName: requiredString(input, 'branchName', ...BRANCH_REQUIRED),
          actorArn: caller.arn,
        });
        return { deletedBranch: out.deletedBranch };
      },
    },
    GetBranch: {
      resources: this.onRepository,
      run: async (input) => {
        const out = await callUnary(this.metadata, this.metadata.getBranch, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          branchName: requiredString(input, 'branchName', ...BRANCH_REQUIRED),
        });
        return { branch: out.branch };
      },
    },
    ListBranches: {
      resources: this.onRepository,
      run: async (input) => {
        const out = await callUnary(this.metadata, this.metadata.listBranches, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          nextToken: optionalString(input, 'nextToken'),
        });
        return { branches: out.branches, nextToken: out.nextToken || undefined };
      },
    },
    UpdateDefaultBranch: {
      resources: this.onRepository,
      run: async (input, caller) => {
        await callUnary(this.metadata, this.metadata.updateDefaultBranch, {
          repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
          defaultBranchName: requiredString(input, 'defaultBranchName', ...BRANCH_REQUIRED),
          actorArn: caller.arn,
        });
        return {};
      },
    },
  };
}
