import { optionalString } from '@cairn/aws-protocol';
import { prError } from '../errors';

/** nextToken of the listings here: the last id of the previous page, opaque to the client. */
export function encodePageToken(lastId: number): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

export function decodePageToken(input: Record<string, unknown>): number | undefined {
  const raw = optionalString(input, 'nextToken');
  if (!raw) return undefined;
  try {
    const { after } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof after === 'number' && Number.isInteger(after) && after >= 0) return after;
  } catch {
    // falls through to the modelled error
  }
  throw prError('InvalidContinuationTokenException', 'The specified continuation token is not valid.');
}
