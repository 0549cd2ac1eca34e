import { Injectable } from '@nestjs/common';

import { storage } from '@cairn/contracts';
import { RepositoryStore } from './repository-store';
import { unary } from '@cairn/runtime';

@Injectable()
export class RepositoriesGrpcController {
  constructor(private readonly store: RepositoryStore) {}

  createRepository = unary(async (req: storage.CreateRepositoryRequest): Promise<storage.CreateRepositoryResponse> => {
    const created = await this.store.create(req.repositoryId, req.defaultBranch || 'main');
    return { alreadyExisted: !created };
  });

  deleteRepository = unary(async (req: storage.DeleteRepositoryRequest): Promise<storage.DeleteRepositoryResponse> => ({
    deleted: await this.store.delete(req.repositoryId),
  }));

  listRefs = unary(async (req: storage.ListRefsRequest): Promise<storage.ListRefsResponse> => this.store.listRefs(req.repositoryId, req.prefixes, { startAfter: req.startAfter, limit: req.limit }));
}

