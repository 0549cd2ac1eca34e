import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { ClientDuplexStream, ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';

export const GIT_NO_CACHE_HEADERS = {
  'Cache-Control': 'no-cache, max-age=0, must-revalidate',
  Pragma: 'no-cache',
  Expires: 'Fri, 01 Jan 1980 00:00:00 GMT',
};

/** Feeds an HTTP request body into a gRPC client stream as `data` messages, with backpressure. */
export function pumpBodyToCall<Req>(body: Readable, call: ClientDuplexStream<Req, unknown>, wrap: (data: Buffer) => Req, onTooLarge?: () => void, maxBytes = Infinity): void {
  let total = 0;
  body.on('data', (chunk: Buffer) => {
    total += chunk.length;
    if (total > maxBytes) {
      body.pause();
      onTooLarge?.();
      return;
    }
    if (!call.write(wrap(chunk))) {
      body.pause();
      call.once('drain', () => body.resume());
    }
  });
  body.once('end', () => call.end());
  body.once('error', () => call.cancel());
}

/**
 * Streams a gRPC response into the HTTP response. Headers are held back until the first bytes
 * arrive, so a failure before any output still becomes a proper HTTP status; after that, a
 * failure can only cut the connection (git then reports a broken transfer, never a bad repo).
 */
export function pumpCallToResponse(
  call: ClientReadableStream<{ data: Buffer }> | ClientDuplexStream<unknown, { data: Buffer }>,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
  prefix?: Buffer,
): Promise<void> {
  return new Promise((resolve) => {
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      res.writeHead(200, headers);
      if (prefix) res.write(prefix);
    };
    // The client went away: stop git through the cancelled call.
    res.once('close', () => {
      if (!res.writableFinished) call.cancel();
    });
    req.once('aborted', () => call.cancel());
    call.on('data', (message: { data: Buffer }) => {
      if (!message.data || message.data.length === 0) return;
      start();
      if (!res.write(message.data)) {
        call.pause();
        res.once('drain', () => call.resume());
      }
    });
    call.once('error', (error: ServiceError) => {
      if (error.code === status.CANCELLED) {
        res.destroy();
      } else if (!started) {
        const code = error.code === status.NOT_FOUND ? 404 : error.code === status.INVALID_ARGUMENT ? 400 : error.code === status.RESOURCE_EXHAUSTED ? 503 : 500;
        res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', ...GIT_NO_CACHE_HEADERS }).end(`${error.details}\n`);
      } else if (error.code === status.ABORTED) {
        // git failed after it started answering; it has said why inside the protocol.
        res.end();
      } else {
        res.destroy();
      }
      resolve();
    });
    call.once('end', () => {
      start();
      res.end();
      resolve();
    });
  });
}
