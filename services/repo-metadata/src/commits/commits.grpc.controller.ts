import { Injectable } from '@nestjs/common';
import { metadata } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { CommitsService } from './commits.service';

@Injectable()
export class CommitsGrpcController {
  constructor(private readonly commits: CommitsService) {}

  readonly handlers: Pick<metadata.RepoMetadataServer, 'createCommit'> = {
    createCommit: unary(async (req: metadata.CreateCommitRequest) => ({ commit: await this.commits.create(req) })),
  };
}
