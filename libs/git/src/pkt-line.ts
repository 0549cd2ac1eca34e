import { GitCommandError, GitErrorCode } from './git.errors';

/** Largest pkt-line git allows: 65520 bytes including the 4-byte length. */
export const MAX_PKT_LENGTH = 65520;
export const FLUSH_PKT = Buffer.from('0000');
export const DELIM_PKT = Buffer.from('0001');

export function encodePktLine(payload: string | Buffer): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const length = data.length + 4;
  if (length > MAX_PKT_LENGTH) throw new GitCommandError(GitErrorCode.InvalidArgument, 'pkt-line too long');
  return Buffer.concat([Buffer.from(length.toString(16).padStart(4, '0')), data]);
}

/** Side-band channels: 1 = pack data, 2 = progress, 3 = fatal error. */
export function encodeSideband(channel: 1 | 2 | 3, payload: string | Buffer): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return encodePktLine(Buffer.concat([Buffer.from([channel]), data]));
}

export type PktLine = { kind: 'data'; payload: Buffer } | { kind: 'flush' } | { kind: 'delim' } | { kind: 'response-end' };

/**
 * Incremental pkt-line reader: feed it bytes as they arrive, take complete lines out.
 * Malformed lengths are an error rather than a guess, because what follows them is unknowable.
 */
export class PktLineReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** The next complete pkt-line, or undefined when more bytes are needed. */
  next(): PktLine | undefined {
    if (this.buffer.length < 4) return undefined;
    const header = this.buffer.subarray(0, 4).toString('latin1');
    if (!/^[0-9a-f]{4}$/.test(header)) throw new GitCommandError(GitErrorCode.MalformedPktLine, `malformed pkt-line length ${JSON.stringify(header)}`);
    const length = parseInt(header, 16);
    if (length === 0 || length === 1 || length === 2) {
      this.buffer = this.buffer.subarray(4);
      return length === 0 ? { kind: 'flush' } : length === 1 ? { kind: 'delim' } : { kind: 'response-end' };
    }
    if (length < 4 || length > MAX_PKT_LENGTH) throw new GitCommandError(GitErrorCode.MalformedPktLine, `pkt-line length ${length} out of range`);
    if (this.buffer.length < length) return undefined;
    const payload = this.buffer.subarray(4, length);
    this.buffer = this.buffer.subarray(length);
    return { kind: 'data', payload };
  }

  /** Bytes received but not consumed as pkt-lines (e.g. the pack after the command list). */
  rest(): Buffer {
    return this.buffer;
  }
}

const WANT = 'want ';
/** Enough of a line's start to tell `want ` and a whole `done` line. */
const NOTED_BYTES = 5;

/**
 * Checks pkt-line framing of a stream without keeping it: every length header is four hex
 * digits, in range, and the stream does not end inside a line. For requests made only of
 * pkt-lines (upload-pack), so garbage is refused before git ever reads it. On the way it notes
 * whether any line began with `want ` (a fetch that asked for objects, not just for the refs) and
 * whether one was `done` (the client ended the negotiation: a pack follows).
 */
export class PktLineFramingChecker {
  private header = '';
  private remaining = 0;
  /** The first bytes of the pkt-line being read (up to NOTED_BYTES), and its payload's length. */
  private start = '';
  private payloadLength = 0;
  /** Whether a pkt-line began with `want `: a fetch that asked for objects (v0 and v2 alike). */
  wantSeen = false;
  /** Whether a pkt-line was `done`: the negotiation ended, so git answers with a pack. */
  doneSeen = false;

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - i);
        if (this.start.length < NOTED_BYTES) this.noteStart(chunk.subarray(i, i + Math.min(take, NOTED_BYTES - this.start.length)));
        this.remaining -= take;
        i += take;
        continue;
      }
      const need = 4 - this.header.length;
      this.header += chunk.subarray(i, i + need).toString('latin1');
      i += Math.min(need, chunk.length - i);
      if (this.header.length < 4) return;
      if (!/^[0-9a-fA-F]{4}$/.test(this.header)) throw new GitCommandError(GitErrorCode.MalformedPktLine, `malformed pkt-line length ${JSON.stringify(this.header)}`);
      const length = parseInt(this.header, 16);
      this.header = '';
      if (length <= 2) continue;
      if (length < 4 || length > MAX_PKT_LENGTH) throw new GitCommandError(GitErrorCode.MalformedPktLine, `pkt-line length ${length} out of range`);
      this.remaining = length - 4;
      this.payloadLength = length - 4;
      this.start = '';
    }
  }

  private noteStart(bytes: Buffer): void {
    this.start += bytes.toString('latin1');
    if (this.start.startsWith(WANT)) this.wantSeen = true;
    if (this.start.length === this.payloadLength && (this.start === 'done' || this.start === 'done\n')) this.doneSeen = true;
  }

  /** Call at the end of the stream. */
  end(): void {
    if (this.header.length > 0 || this.remaining > 0) throw new GitCommandError(GitErrorCode.MalformedPktLine, 'request ended inside a pkt-line');
  }
}
