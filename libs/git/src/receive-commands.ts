import { GitCommandError, GitErrorCode } from './git.errors';
import { PktLineReader } from './pkt-line';

export const ZERO_ID = '0000000000000000000000000000000000000000';

export interface RefUpdateCommand {
  oldId: string;
  newId: string;
  ref: string;
}

export interface ReceiveRequestHead {
  commands: RefUpdateCommand[];
  capabilities: string[];
  pushOptions: boolean;
  /** Bytes after the command list: push certificate/options and then the pack. */
  rest: Buffer;
}

const COMMAND = /^([0-9a-f]{40}) ([0-9a-f]{40}) (refs\/[^\0\n]+|HEAD)$/;

/** A ref name as git-check-ref-format would accept it (the subset a server needs to enforce). */
export function isValidRefName(ref: string): boolean {
  if (!ref.startsWith('refs/') || ref.length > 1024) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return false;
  if (ref.includes('..') || ref.includes('@{') || ref.includes('//') || ref.endsWith('/') || ref.endsWith('.')) return false;
  return ref.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'));
}

/**
 * Parses the command list at the start of a receive-pack request (everything before the pack),
 * from as many bytes as have arrived. Returns undefined until the terminating flush is seen.
 * An empty list is valid: git sends a lone flush to probe a server before a push larger than
 * http.postBuffer, and receive-pack answers it with nothing.
 */
export function parseReceiveRequestHead(reader: PktLineReader): ReceiveRequestHead | undefined {
  const commands: RefUpdateCommand[] = [];
  let capabilities: string[] = [];
  // Work on a copy so a partial head can be re-parsed when more bytes arrive.
  const probe = new PktLineReader();
  probe.push(reader.rest());
  for (;;) {
    const line = probe.next();
    if (!line) return undefined;
    if (line.kind === 'flush') break;
    if (line.kind !== 'data') throw new GitCommandError(GitErrorCode.MalformedPktLine, 'unexpected special packet in push commands');
    let text = line.payload.toString('utf8');
    if (text.startsWith('shallow ')) continue;
    if (text.startsWith('push-cert')) throw new GitCommandError(GitErrorCode.InvalidArgument, 'signed pushes are not supported');
    const nul = text.indexOf('\0');
    if (nul >= 0) {
      if (commands.length === 0) capabilities = text.slice(nul + 1).trim().split(' ').filter(Boolean);
      text = text.slice(0, nul);
    }
    text = text.replace(/\n$/, '');
    const match = COMMAND.exec(text);
    if (!match || !isValidRefName(match[3])) throw new GitCommandError(GitErrorCode.MalformedPktLine, `malformed push command ${JSON.stringify(text.slice(0, 200))}`);
    commands.push({ oldId: match[1], newId: match[2], ref: match[3] });
  }
  return { commands, capabilities, pushOptions: capabilities.includes('push-options'), rest: probe.rest() };
}
