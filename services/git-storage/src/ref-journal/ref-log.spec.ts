import { collapseRefLog } from './ref-log';

const Z = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('collapseRefLog', () => {
  it('keeps one change per ref: first old id, last new id', () => {
    expect(collapseRefLog(`${Z} ${A} refs/heads/main\n${A} ${B} refs/heads/main\n`)).toEqual([{ ref: 'refs/heads/main', oldId: Z, newId: B }]);
  });

  it('reads a packed ref deletion (a no-op line, then the real change) as one deletion', () => {
    expect(collapseRefLog(`${Z} ${Z} refs/heads/b\n${A} ${Z} refs/heads/b\n`)).toEqual([{ ref: 'refs/heads/b', oldId: A, newId: Z }]);
  });

  it('ignores HEAD, garbage and truncated lines', () => {
    expect(collapseRefLog(`${Z} ${A} HEAD\nnonsense\n${Z} ${A.slice(0, 20)}`)).toEqual([]);
  });
});
