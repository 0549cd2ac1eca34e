import { encodePktLine, FLUSH_PKT, PktLineReader } from './pkt-line';
import { isValidRefName, parseReceiveRequestHead, ZERO_ID } from './receive-commands';

const A = 'a'.repeat(40);

function readerOf(...parts: (string | Buffer)[]): PktLineReader {
  const reader = new PktLineReader();
  reader.push(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
  return reader;
}

describe('parseReceiveRequestHead', () => {
  it('reads the commands, the capabilities of the first line, and leaves the pack', () => {
    const reader = readerOf(
      encodePktLine(`${ZERO_ID} ${A} refs/heads/main\0report-status side-band-64k agent=git/2\n`),
      encodePktLine(`${A} ${ZERO_ID} refs/tags/old\n`),
      FLUSH_PKT,
      'PACK....',
    );
    const head = parseReceiveRequestHead(reader)!;
    expect(head.commands).toEqual([
      { oldId: ZERO_ID, newId: A, ref: 'refs/heads/main' },
      { oldId: A, newId: ZERO_ID, ref: 'refs/tags/old' },
    ]);
    expect(head.capabilities).toEqual(['report-status', 'side-band-64k', 'agent=git/2']);
    expect(head.rest.toString()).toBe('PACK....');
  });

  it('waits for more bytes until the flush arrives', () => {
    expect(parseReceiveRequestHead(readerOf(encodePktLine(`${ZERO_ID} ${A} refs/heads/main\n`)))).toBeUndefined();
  });

  it('rejects malformed commands and ref names', () => {
    expect(() => parseReceiveRequestHead(readerOf(encodePktLine('nonsense\n'), FLUSH_PKT))).toThrow(/malformed push command/);
    expect(() => parseReceiveRequestHead(readerOf(encodePktLine(`${ZERO_ID} ${A} refs/heads/../x\n`), FLUSH_PKT))).toThrow(/malformed/);
  });

  it('reads a lone flush (git probing a large push, http.postBuffer) as a request without commands', () => {
    expect(parseReceiveRequestHead(readerOf(FLUSH_PKT))).toEqual({ commands: [], capabilities: [], pushOptions: false, rest: Buffer.alloc(0) });
  });
});

describe('isValidRefName', () => {
  it('follows git check-ref-format', () => {
    expect(isValidRefName('refs/heads/feature/x-1')).toBe(true);
    for (const bad of ['HEAD', 'refs/heads/a..b', 'refs/heads/a b', 'refs/heads/x.lock', 'refs/heads/.hidden', 'refs/heads/a/', 'refs/heads/a@{1}', 'refs/heads/a\\b']) {
      expect(isValidRefName(bad)).toBe(false);
    }
  });
});
