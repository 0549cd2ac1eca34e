import { Worker } from 'node:worker_threads';
import { freePort } from './net';

export interface PGliteServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  stop(): Promise<void>;
}

// PGlite loads its parts with import(), which jest's module sandbox refuses (it would need
// --experimental-vm-modules); a worker thread is a plain Node context inside the same process.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.socket);
(async () => {
  const db = await PGlite.create(workerData.dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: workerData.port, maxConnections: workerData.maxConnections });
  await server.start();
  parentPort.on('message', async (message) => {
    if (message !== 'stop') return;
    await server.stop();
    await db.close();
    parentPort.postMessage({ stopped: true });
  });
  parentPort.postMessage({ ready: true });
})().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

/**
 * PGlite served over the Postgres wire protocol by pglite-socket, as all-in-one mode runs it, in a
 * worker thread of this process. maxConnections defaults to 8: pglite-socket's own default of 1
 * breaks any pool larger than one connection.
 */
export async function startPGliteServer(options: { port?: number; maxConnections?: number; dataDir?: string } = {}): Promise<PGliteServer> {
  const port = options.port ?? (await freePort());
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      pglite: require.resolve('@electric-sql/pglite'),
      socket: require.resolve('@electric-sql/pglite-socket'),
      port,
      maxConnections: options.maxConnections ?? 8,
      dataDir: options.dataDir ?? 'memory://',
    },
  });
  const next = () =>
    new Promise<{ ready?: boolean; stopped?: boolean; error?: string }>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the PGlite worker exited (${code})`));
      worker.once('exit', onExit);
      worker.once('message', (message) => {
        worker.off('exit', onExit);
        resolve(message);
      });
    });
  const first = await next();
  if (first.error) {
    await worker.terminate();
    throw new Error(`PGlite server did not start: ${first.error}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop() {
      stopping ??= (async () => {
        const stopped = next().catch(() => undefined);
        worker.postMessage('stop');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
        clearTimeout(timer);
        await worker.terminate();
      })();
      return stopping;
    },
  };
}
