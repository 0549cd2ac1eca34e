import { Injectable } from '@nestjs/common';
import { metadataContent as mc } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { ContentService } from './content.service';

@Injectable()
export class ContentGrpcController {
  constructor(private readonly content: ContentService) {}

  readonly handlers: mc.RepoContentServer = {
    getBlob: unary((req: mc.GetBlobRequest) => this.content.getBlob(req)),
    getFile: unary((req: mc.GetFileRequest) => this.content.getFile(req)),
    getFolder: unary((req: mc.GetFolderRequest) => this.content.getFolder(req)),
    getCommit: unary((req: mc.GetCommitRequest) => this.content.getCommit(req)),
    batchGetCommits: unary((req: mc.BatchGetCommitsRequest) => this.content.batchGetCommits(req)),
    getDifferences: unary((req: mc.GetDifferencesRequest) => this.content.getDifferences(req)),
    listFileCommitHistory: unary((req: mc.ListFileCommitHistoryRequest) => this.content.listFileCommitHistory(req)),
  };
}
