import { createHash } from 'node:crypto';
import { contentError, ContentErrorCode as Code } from './content.errors';

/**
 * Continuation tokens of the paged content reads. A token pins the commits the first page
 * resolved (so a branch that moves between pages cannot shift later ones), the position, and a
 * digest of the request it belongs to: a token from another request is refused.
 */
export interface PageState {
  /** Items already returned. */
  offset: number;
  /** Commit ids the first page resolved, by role. */
  commits: Record<string, string>;
}

export function requestDigest(...parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodePageToken(state: PageState, digest: string): string {
  return Buffer.from(JSON.stringify({ o: state.offset, c: state.commits, d: digest })).toString('base64url');
}

export function decodePageToken(token: string, digest: string): PageState {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; c?: unknown; d?: unknown };
    const commits = parsed.c as Record<string, unknown>;
    const valid =
      Number.isSafeInteger(parsed.o) &&
      (parsed.o as number) > 0 &&
      parsed.d === digest &&
      typeof commits === 'object' &&
      commits !== null &&
      Object.values(commits).every((id) => typeof id === 'string' && /^([0-9a-f]{40})?$/.test(id));
    if (valid) return { offset: parsed.o as number, commits: commits as Record<string, string> };
  } catch {
    // fall through
  }
  throw contentError(Code.InvalidContinuationToken, 'The specified continuation token is not valid.');
}
