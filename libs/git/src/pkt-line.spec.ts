import { encodePktLine, encodeSideband, PktLineFramingChecker, PktLineReader } from './pkt-line';
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

  it('checks framing of a stream split anywhere, without keeping it', () => {
    const stream = Buffer.concat([encodePktLine('command=fetch\n'), Buffer.from('0001'), encodePktLine('want x\n'), Buffer.from('0000'), Buffer.from('0002')]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const checker = new PktLineFramingChecker();
      checker.push(stream.subarray(0, cut));
      checker.push(stream.subarray(cut));
      expect(() => checker.end()).not.toThrow();
      expect(checker.wantSeen).toBe(true);
      expect(checker.doneSeen).toBe(false);
    }
  });

  it('notes a done line (the end of the negotiation) wherever the stream is split, and only a whole one', () => {
    const fetch = Buffer.concat([encodePktLine('command=fetch\n'), Buffer.from('0001'), encodePktLine(`want ${'a'.repeat(40)}\n`), encodePktLine('done\n'), Buffer.from('0000')]);
    for (let cut = 0; cut <= fetch.length; cut++) {
      const checker = new PktLineFramingChecker();
      checker.push(fetch.subarray(0, cut));
      checker.push(fetch.subarray(cut));
      expect(checker.doneSeen).toBe(true);
    }
    for (const line of ['done', 'done\n']) {
      const checker = new PktLineFramingChecker();
      for (const b of encodePktLine(line)) checker.push(Buffer.from([b]));
      expect(checker.doneSeen).toBe(true);
    }
    const checker = new PktLineFramingChecker();
    checker.push(Buffer.concat([encodePktLine('have 0done\n'), encodePktLine('doneish\n'), Buffer.from('0000')]));
    expect(checker.doneSeen).toBe(false);
  });

  it('notes a want only at the start of a line, wherever the stream is split', () => {
    const refsOnly = Buffer.concat([encodePktLine('command=ls-refs\n'), Buffer.from('0001'), encodePktLine('ref-prefix want \n'), Buffer.from('0000')]);
    for (let cut = 0; cut <= refsOnly.length; cut++) {
      const checker = new PktLineFramingChecker();
      checker.push(refsOnly.subarray(0, cut));
      checker.push(refsOnly.subarray(cut));
      expect(checker.wantSeen).toBe(false);
    }
    const v0 = encodePktLine(`want ${'a'.repeat(40)} side-band-64k\n`);
    for (let cut = 0; cut <= 9; cut++) {
      const checker = new PktLineFramingChecker();
      for (const piece of [v0.subarray(0, cut), ...Array.from(v0.subarray(cut), (b) => Buffer.from([b]))]) checker.push(piece);
      expect(checker.wantSeen).toBe(true);
    }
  });

  it('refuses a bad length, an out-of-range length and a stream that ends inside a line', () => {
    for (const bad of ['zzzz', '\0\0\0\0', '0003', 'fff1']) {
      expect(() => new PktLineFramingChecker().push(Buffer.from(bad))).toThrow(expect.objectContaining({ code: GitErrorCode.MalformedPktLine }));
    }
    for (const truncated of ['00', '0009want']) {
      const checker = new PktLineFramingChecker();
      checker.push(Buffer.from(truncated));
      expect(() => checker.end()).toThrow(expect.objectContaining({ code: GitErrorCode.MalformedPktLine }));
    }
  });
});
