import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * One embedded PostgreSQL (PGlite) served over the Postgres wire protocol, so services use the
 * ordinary `pg` driver in all-in-one mode as they do against PostgreSQL in a cluster.
 * Usage: pglite-server <data-dir> <port>
 */
async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const db = await PGlite.create(dataDir);
  // PGlite runs one statement at a time; several connections simply queue (a pool of one would
  // die with "Connection terminated unexpectedly" as soon as a second client connects).
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: Number(port), maxConnections: 32 });
  await server.start();
  // With port 0 the OS picks; report what was bound so the supervisor can hand it to services.
  process.send?.({ type: 'ready', port: Number(server.getServerConn().split(':').pop()) });
  const stop = async () => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
}

void main().catch((error) => {
  process.stderr.write(`pglite-server failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
