import { Injectable } from '@nestjs/common';
import { storageMerge as sm } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { MergesService } from './merges.service';

@Injectable()
export class MergesGrpcController {
  constructor(private readonly merges: MergesService) {}

  readonly handlers: sm.GitMergeServer = {
    analyzeMerge: unary((req: sm.AnalyzeMergeRequest) => this.merges.analyze(req)),
    describeConflicts: unary((req: sm.DescribeConflictsRequest) => this.merges.describe(req)),
    merge: unary((req: sm.MergeRequest) => this.merges.merge(req)),
    findMergeCommit: unary((req: sm.FindMergeCommitRequest) => this.merges.findMergeCommit(req)),
  };
}
