import type { Readable, Writable } from 'node:stream';
import type { ServerDuplexStream, ServerWritableStream } from '@grpc/grpc-js';
import { GitProcess } from '@cairn/git';

/** Pipe reads arrive in ≤ 64 KiB pieces; one gRPC message per MiB costs far less per byte. */
const MESSAGE_BYTES = 1024 * 1024;

/**
 * Copies git's stdout into a gRPC response stream with backpressure: when the client side is
 * slow, git is paused rather than its output buffered. Reads are gathered into messages of up to
 * 1 MiB; whatever has arrived is sent at the end of the current I/O turn, so a small protocol
 * reply (an advertisement, an ACK) is never held back. Resolves when stdout has ended.
 */
export function pumpStdoutToCall<T>(stdout: Readable, call: ServerWritableStream<unknown, T> | ServerDuplexStream<unknown, T>, wrap: (chunk: Buffer) => T): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending: Buffer[] = [];
    let size = 0;
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      if (size === 0) return;
      const data = pending.length === 1 ? pending[0] : Buffer.concat(pending, size);
      pending = [];
      size = 0;
      if (!call.write(wrap(data))) {
        stdout.pause();
        call.once('drain', () => stdout.resume());
      }
    };
    stdout.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      size += chunk.length;
      if (size >= MESSAGE_BYTES) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
    stdout.once('end', () => {
      flush();
      resolve();
    });
    stdout.once('error', reject);
  });
}

/**
 * Feeds request chunks from a gRPC stream into git's stdin with backpressure. The first
 * message (the header) has already been consumed by the caller.
 */
export function pumpCallToStdin<Req>(call: ServerDuplexStream<Req, unknown>, stdin: Writable, unwrap: (message: Req) => Buffer | undefined): void {
  call.on('data', (message: Req) => {
    const data = unwrap(message);
    if (!data || data.length === 0) return;
    if (!stdin.write(data)) {
      call.pause();
      stdin.once('drain', () => call.resume());
    }
  });
  call.once('end', () => stdin.end());
  // firstMessage() paused the stream after the header; flow again now that data has a home.
  call.resume();
}

/** Kills git when the caller goes away: an aborted clone or push must not leave git running. */
export function killOnCancel(call: { cancelled: boolean; once(event: 'cancelled' | 'error', fn: () => void): unknown }, git: GitProcess): void {
  // The caller may have gone while git was being started: 'cancelled' has then already fired.
  if (call.cancelled) return git.kill();
  call.once('cancelled', () => git.kill());
  call.once('error', () => git.kill());
}

/** Reads the first message of a client stream (the header). */
export function firstMessage<Req>(call: ServerDuplexStream<Req, unknown>): Promise<Req> {
  return new Promise((resolve, reject) => {
    const onData = (m: Req) => {
      cleanup();
      call.pause();
      resolve(m);
    };
    const onEnd = () => {
      cleanup();
      reject(new Error('stream ended before its header'));
    };
    const cleanup = () => {
      call.off('data', onData);
      call.off('end', onEnd);
      call.off('error', onEnd);
    };
    call.on('data', onData);
    call.once('end', onEnd);
    call.once('error', onEnd);
  });
}
