import { Injectable } from '@nestjs/common';
import { storage } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { RefUpdater } from './ref-updater';

@Injectable()
export class RefsGrpcController {
  constructor(private readonly refs: RefUpdater) {}

  updateRefs = unary(async (req: storage.UpdateRefsRequest): Promise<storage.UpdateRefsResponse> => ({ committed: await this.refs.update(req) }));

  setHead = unary(async (req: storage.SetHeadRequest): Promise<storage.SetHeadResponse> => {
    await this.refs.setHead(req.repositoryId, req.target);
    return {};
  });

  resolveObject = unary((req: storage.ResolveObjectRequest) => this.refs.resolve(req.repositoryId, req.revision));
}
