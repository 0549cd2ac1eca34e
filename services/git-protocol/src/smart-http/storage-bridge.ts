import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { ClientDuplexStream, ClientReadableStream, StatusObject } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';

export const GIT_NO_CACHE_HEADERS = {
  'Cache-Control': 'no-cache, max-age=0, must-revalidate',
  Pragma: 'no-cache',
  Expires: 'Fri, 01 Jan 1980 00:00:00 GMT',
};

/** A request body Cairn will not pass on; becomes the HTTP status when nothing was answered yet. */
export class BodyRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestBody<Req> {
  body: Readable;
  wrap: (data: Buffer) => Req;
  /** Most (decompressed) bytes passed on; beyond it the request is refused with 413. */
  maxBytes: number;
  tooLargeMessage: string;
  /** Sees every chunk before it is passed on and at the end (undefined); throws BodyRefused to refuse. */
  inspect?: (chunk: Buffer | undefined) => void;
}

type ResponseCall = ClientReadableStream<{ data: Buffer }> | ClientDuplexStream<unknown, { data: Buffer }>;

/**
 * One git exchange between an HTTP request and a storage gRPC call: the request body (if any)
 * streams into the call, the call's data streams into the response, both with backpressure.
 *
 * Exactly one outcome is written. Headers are held back until the first bytes arrive, so a
 * failure before any output (a refused body, a storage error) is still a proper HTTP status;
 * after that a failure can only cut the connection (git then reports a broken transfer, never a
 * bad repository). The outcome is the call's status, taken once all its data has been written:
 * grpc-js ends the data stream before it reports the status, and data queued behind
 * backpressure must not be dropped or written after the response ended.
 */
export function exchange<Req>(
  call: ResponseCall,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
  options: { prefix?: Buffer; request?: RequestBody<Req> } = {},
): Promise<void> {
  return new Promise((resolve) => {
    let started = false;
    let settled = false;
    let dataEnded = false;
    let finalStatus: StatusObject | undefined;

    const settle = (write: () => void) => {
      if (settled) return;
      settled = true;
      write();
      resolve();
    };
    const start = () => {
      if (started) return;
      started = true;
      res.writeHead(200, headers);
      if (options.prefix) res.write(options.prefix);
    };
    const fail = (code: number, message: string) => {
      if (started || res.headersSent) res.destroy();
      else res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', ...GIT_NO_CACHE_HEADERS }).end(`${message}\n`);
    };
    const finish = () => {
      if (!finalStatus || !dataEnded) return;
      const { code, details } = finalStatus;
      settle(() => {
        if (code === status.OK) {
          start();
          res.end();
        } else if (started && code === status.ABORTED) {
          // git failed after it started answering; it has said why inside the protocol.
          res.end();
        } else {
          fail(httpStatusOf(code), details);
        }
      });
    };

    // The client went away: stop git through the cancelled call.
    res.once('close', () => {
      if (!res.writableFinished) call.cancel();
      settle(() => undefined);
    });
    req.once('aborted', () => call.cancel());

    call.on('data', (message: { data: Buffer }) => {
      if (settled || !message.data || message.data.length === 0) return;
      start();
      if (!res.write(message.data)) {
        call.pause();
        res.once('drain', () => call.resume());
      }
    });
    // The 'status' event carries the outcome; without a listener 'error' would throw.
    call.on('error', () => undefined);
    call.once('end', () => {
      dataEnded = true;
      finish();
    });
    call.once('status', (s: StatusObject) => {
      finalStatus = s;
      if (s.code === status.CANCELLED) settle(() => res.destroy());
      else finish();
    });

    const request = options.request;
    if (!request) return;
    const duplex = call as ClientDuplexStream<Req, unknown>;
    const { body } = request;
    let total = 0;
    const refuse = (error: BodyRefused) => {
      body.off('data', onData);
      body.pause();
      duplex.cancel();
      settle(() => fail(error.status, error.message));
      // Read what the client is still sending, so it sees the answer rather than a reset.
      if (body !== req) req.unpipe();
      req.resume();
    };
    const onData = (chunk: Buffer) => {
      if (settled || finalStatus) return;
      total += chunk.length;
      try {
        if (total > request.maxBytes) throw new BodyRefused(413, request.tooLargeMessage);
        request.inspect?.(chunk);
      } catch (error) {
        return refuse(error instanceof BodyRefused ? error : new BodyRefused(400, (error as Error).message));
      }
      if (!duplex.write(request.wrap(chunk))) {
        body.pause();
        duplex.once('drain', () => body.resume());
      }
    };
    const onEnd = () => {
      if (settled || finalStatus) return;
      try {
        request.inspect?.(undefined);
      } catch (error) {
        return refuse(error instanceof BodyRefused ? error : new BodyRefused(400, (error as Error).message));
      }
      duplex.end();
    };
    // Whoever read the start of the body (the push command list) may have paused it, and a
    // short body may even have ended already: its 'end' was emitted before we listened.
    if (body.readableEnded) {
      onEnd();
    } else {
      body.on('data', onData);
      body.once('end', onEnd);
      body.resume();
    }
    body.once('error', (error: Error) => {
      // A client that went away is handled by 'aborted'; anything else is a body we cannot read
      // (a broken gzip stream).
      if (req.destroyed && !req.complete) return duplex.cancel();
      refuse(new BodyRefused(400, `bad request body: ${error.message}`));
    });
  });
}

function httpStatusOf(code: status): number {
  switch (code) {
    case status.NOT_FOUND:
      return 404;
    case status.INVALID_ARGUMENT:
      return 400;
    case status.RESOURCE_EXHAUSTED:
    case status.UNAVAILABLE:
      return 503;
    default:
      return 500;
  }
}
