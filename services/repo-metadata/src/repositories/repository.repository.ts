import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, QueryFailedError } from 'typeorm';
import { RepositoryEntity } from './repository.entity';

/** All persistence of repository metadata. */
@Injectable()
export class RepositoryRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  findByName(repositoryName: string): Promise<RepositoryEntity | null> {
    return this.db.getRepository(RepositoryEntity).findOneBy({ repositoryName });
  }

  count(): Promise<number> {
    return this.db.getRepository(RepositoryEntity).count();
  }

  findById(repositoryId: string): Promise<RepositoryEntity | null> {
    return this.db.getRepository(RepositoryEntity).findOneBy({ repositoryId });
  }

  findByNames(repositoryNames: string[]): Promise<RepositoryEntity[]> {
    return this.db.getRepository(RepositoryEntity).findBy({ repositoryName: In(repositoryNames) });
  }

  page(sortBy: 'repositoryName' | 'lastModifiedDate', order: 'ASC' | 'DESC', offset: number, limit: number): Promise<RepositoryEntity[]> {
    return this.db.getRepository(RepositoryEntity).find({
      select: { repositoryId: true, repositoryName: true },
      // The id breaks ties so pages never overlap or skip.
      order: { [sortBy]: order, repositoryId: order },
      skip: offset,
      take: limit,
    });
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string })?.code === '23505';
}
