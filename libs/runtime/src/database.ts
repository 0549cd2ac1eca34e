import { DataSource, MixedList, EntitySchema } from 'typeorm';

/**
 * One database per service. The same code runs against PostgreSQL in a cluster and against the
 * embedded PGlite server in all-in-one mode, so nothing here may depend on extensions
 * (ids are made in code; PGlite has no uuid-ossp).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export async function openDatabase(url: string, entities: MixedList<Function | string | EntitySchema>, poolSize = 4): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities,
    synchronize: true,
    uuidExtension: 'pgcrypto',
    extra: { max: poolSize, connectionTimeoutMillis: 10_000 },
    logging: false,
  });
  return dataSource.initialize();
}
