import type { Readable } from 'node:stream';
import { GitCommandError, parseReceiveRequestHead, PktLineReader, ReceiveRequestHead } from '@cairn/git';
import { GitAccessError } from './git-access';

/** The command list of a push (before its pack) is small; this bounds what is held in memory. */
export const MAX_PUSH_HEAD_BYTES = 32 * 1024 * 1024;

/**
 * Reads a push's command list from the client (an HTTP body or an SSH channel) until it is
 * complete; returns it and every byte read so far, which the caller replays to storage once the
 * refs are authorized. On success the stream is left paused; either way its listeners are removed.
 */
export function readPushHead(body: Readable): Promise<{ head: ReceiveRequestHead; consumed: Buffer }> {
  return new Promise((resolve, reject) => {
    const reader = new PktLineReader();
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      reader.push(chunk);
      try {
        const head = parseReceiveRequestHead(reader);
        if (head) {
          cleanup();
          body.pause();
          resolve({ head, consumed: Buffer.concat(chunks) });
        } else if (size > MAX_PUSH_HEAD_BYTES) {
          cleanup();
          reject(new GitAccessError('too-large', 'push command list too large'));
        }
      } catch (error) {
        cleanup();
        reject(error instanceof GitCommandError ? new GitAccessError('invalid', error.message) : error);
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new GitAccessError('invalid', 'push request ended before its command list'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new GitAccessError('invalid', `bad request body: ${error.message}`));
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    // A stream paused by its owner (an SSH channel held until authorization) does not flow by itself.
    body.resume();
  });
}
