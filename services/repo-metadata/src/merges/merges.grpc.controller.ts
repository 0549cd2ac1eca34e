import { Injectable } from '@nestjs/common';
import { metadataMerge as mm } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { MergesService } from './merges.service';

@Injectable()
export class MergesGrpcController {
  constructor(private readonly merges: MergesService) {}

  readonly handlers: mm.RepoMergeServer = {
    analyzeMerge: unary((req: mm.NamedAnalyzeMergeRequest) => this.merges.analyze(req)),
    describeConflicts: unary((req: mm.NamedDescribeConflictsRequest) => this.merges.describe(req)),
    merge: unary((req: mm.NamedMergeRequest) => this.merges.merge(req)),
    findMergeCommit: unary((req: mm.NamedFindMergeCommitRequest) => this.merges.findMergeCommit(req)),
  };
}
