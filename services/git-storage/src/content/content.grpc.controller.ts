import { Injectable } from '@nestjs/common';
import { storageContent } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { ContentReader } from './content-reader';

@Injectable()
export class ContentGrpcController {
  constructor(private readonly content: ContentReader) {}

  readonly handlers: storageContent.GitContentServer = {
    readBlob: unary((req: storageContent.ReadBlobRequest) => this.content.readBlob(req)),
    readFile: unary((req: storageContent.ReadFileRequest) => this.content.readFile(req)),
    readFolder: unary((req: storageContent.ReadFolderRequest) => this.content.readFolder(req)),
    readCommits: unary((req: storageContent.ReadCommitsRequest) => this.content.readCommits(req)),
    compareCommits: unary((req: storageContent.CompareCommitsRequest) => this.content.compare(req)),
    listFileHistory: unary((req: storageContent.ListFileHistoryRequest) => this.content.history(req)),
  };
}
