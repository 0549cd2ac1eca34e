import { encodePktLine, encodeSideband, PktLineReader } from './pkt-line';
import { GitErrorCode } from './git.errors';

describe('pkt-lines', () => {
  it('encodes with a four-hex-digit length that counts itself', () => {
    expect(encodePktLine('a\n').toString()).toBe('0006a\n');
    expect(encodeSideband(2, 'hi').toString('latin1')).toBe('0007\x02hi');
  });

  it('reads lines split across chunks, and special packets', () => {
    const reader = new PktLineReader();
    reader.push(Buffer.from('0006a'));
    expect(reader.next()).toBeUndefined();
    reader.push(Buffer.from('\n00000001'));
    expect(reader.next()).toEqual({ kind: 'data', payload: Buffer.from('a\n') });
    expect(reader.next()).toEqual({ kind: 'flush' });
    expect(reader.next()).toEqual({ kind: 'delim' });
    expect(reader.next()).toBeUndefined();
  });

  it('rejects malformed lengths instead of guessing', () => {
    for (const bad of ['zzzz', '0003', 'fff1']) {
      const reader = new PktLineReader();
      reader.push(Buffer.from(bad));
      expect(() => reader.next()).toThrow(expect.objectContaining({ code: GitErrorCode.MalformedPktLine }));
    }
  });
});
