import { Injectable } from '@nestjs/common';
import { metadata } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { BranchesService } from './branches.service';

@Injectable()
export class BranchesGrpcController {
  constructor(private readonly branches: BranchesService) {}

  readonly handlers: Pick<metadata.RepoMetadataServer, 'createBranch' | 'deleteBranch' | 'getBranch' | 'listBranches' | 'updateDefaultBranch'> = {
    createBranch: unary(async (req: metadata.CreateBranchRequest) => {
      await this.branches.create(req);
      return {};
    }),
    deleteBranch: unary(async (req: metadata.DeleteBranchRequest) => ({ deletedBranch: await this.branches.delete(req) })),
    getBranch: unary(async (req: metadata.GetBranchRequest) => ({ branch: await this.branches.get(req.repositoryName, req.branchName) })),
    listBranches: unary((req: metadata.ListBranchesRequest) => this.branches.list(req.repositoryName, req.nextToken)),
    updateDefaultBranch: unary(async (req: metadata.UpdateDefaultBranchRequest) => {
      await this.branches.updateDefault(req);
      return {};
    }),
  };
}
