import { DataSource, MixedList, EntitySchema } from 'typeorm';
import { int, loadConfig } from './config';

/**
 * One database per service. The same code runs against PostgreSQL in a cluster and against the
 * embedded PGlite server in all-in-one mode, so nothing here may depend on extensions
 * (ids are made in code; PGlite has no uuid-ossp).
 *
 * The pool size comes from CAIRN_DATABASE_POOL_SIZE. The all-in-one supervisor sets it to 1:
 * pglite-socket interleaves the extended-protocol messages of concurrent connections (unnamed
 * statements and portals get mixed up), so each service talks to its PGlite over one connection.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export async function openDatabase(url: string, entities: MixedList<Function | string | EntitySchema>): Promise<DataSource> {
  const { poolSize } = loadConfig({ poolSize: int('CAIRN_DATABASE_POOL_SIZE', 10) });
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
