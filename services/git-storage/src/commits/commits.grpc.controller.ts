import { Injectable } from '@nestjs/common';
import { storage } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { CommitBuilder } from './commit-builder';

@Injectable()
export class CommitsGrpcController {
  constructor(private readonly commits: CommitBuilder) {}

  createCommit = unary((req: storage.CreateCommitRequest) => this.commits.create(req));
}
