import { Injectable } from '@nestjs/common';
import { metadataTriggers as mt } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { TriggersService } from './triggers.service';

@Injectable()
export class TriggersGrpcController {
  constructor(private readonly triggers: TriggersService) {}

  readonly handlers: mt.RepoTriggersServer = {
    putRepositoryTriggers: unary((req: mt.PutRepositoryTriggersRequest) => this.triggers.put(req)),
    getRepositoryTriggers: unary((req: mt.GetRepositoryTriggersRequest) => this.triggers.get(req)),
    testRepositoryTriggers: unary((req: mt.TestRepositoryTriggersRequest) => this.triggers.test(req)),
  };
}
