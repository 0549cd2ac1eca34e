import { parseCommit, parseSignature, parseTree, RawDiffParser, toDifference } from './git-objects';

const id = (c: string) => c.repeat(40);

describe('git object parsers', () => {
  it('parses a tree with names holding spaces, unicode and odd bytes', () => {
    const entry = (mode: string, name: string, hex: string) => Buffer.concat([Buffer.from(`${mode} ${name}\0`, 'utf8'), Buffer.from(hex, 'hex')]);
    const data = Buffer.concat([entry('100644', 'a b.txt', id('a')), entry('40000', 'dossier é', id('b')), entry('120000', 'link', id('c')), entry('160000', 'sub', id('d'))]);
    expect(parseTree(data).map((e) => [e.mode, e.name.toString('utf8'), e.id])).toEqual([
      ['100644', 'a b.txt', id('a')],
      ['40000', 'dossier é', id('b')],
      ['120000', 'link', id('c')],
      ['160000', 'sub', id('d')],
    ]);
    expect(() => parseTree(Buffer.from('100644 truncated\0abc'))).toThrow(/malformed/);
  });

  it('parses a commit, skipping signatures and honouring its encoding', () => {
    const raw = [
      `tree ${id('1')}`,
      `parent ${id('2')}`,
      `parent ${id('3')}`,
      'author Ada Lovelace <ada@example.com> 1484167798 -0800',
      'committer  <> 1484167799 +0000',
      'gpgsig -----BEGIN PGP SIGNATURE-----',
      ' author Mallory <m@x> 1 +0000',
      ' -----END PGP SIGNATURE-----',
      '',
      'Subject line',
      '',
      'Body\n',
    ].join('\n');
    expect(parseCommit(id('f'), Buffer.from(raw))).toEqual({
      commitId: id('f'),
      treeId: id('1'),
      parents: [id('2'), id('3')],
      message: 'Subject line\n\nBody\n',
      author: { name: 'Ada Lovelace', email: 'ada@example.com', date: '1484167798 -0800' },
      committer: { name: '', email: '', date: '1484167799 +0000' },
    });
    const latin1 = Buffer.concat([Buffer.from(`tree ${id('1')}\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\nencoding ISO-8859-1\n\n`), Buffer.from([0x63, 0x61, 0x66, 0xe9])]);
    expect(parseCommit(id('e'), latin1).message).toBe('café');
  });

  it('keeps what it can of a malformed signature', () => {
    expect(parseSignature('Name <mail> not-a-date')).toEqual({ name: 'Name', email: 'mail', date: 'not-a-date' });
    expect(parseSignature('nobody')).toEqual({ name: 'nobody', email: '', date: '' });
  });

  it('parses diff-tree -z records across chunk boundaries, renames included', () => {
    const out = Buffer.from(
      `:000000 100644 ${id('0')} ${id('a')} A\0dir/new file.txt\0` +
        `:100644 100755 ${id('b')} ${id('b')} M\0x\0` +
        `:100644 000000 ${id('c')} ${id('0')} D\0ünï\0` +
        `:100644 100644 ${id('d')} ${id('d')} R100\0old name\0new name\0`,
    );
    const parser = new RawDiffParser();
    const records = [];
    for (let i = 0; i < out.length; i += 7) records.push(...parser.push(out.subarray(i, i + 7)));
    expect(parser.complete).toBe(true);
    expect(records.map((r) => [r.status, r.srcPath, r.path])).toEqual([
      ['A', undefined, 'dir/new file.txt'],
      ['M', undefined, 'x'],
      ['D', undefined, 'ünï'],
      ['R', 'old name', 'new name'],
    ]);
    expect(toDifference(records[0], 'before', 'after')).toEqual({ changeType: 'A', beforePath: '', beforeMode: '', beforeId: '', afterPath: 'after/dir/new file.txt', afterMode: '100644', afterId: id('a') });
    expect(toDifference(records[2], '', '')).toMatchObject({ changeType: 'D', beforePath: 'ünï', afterPath: '', afterId: '' });
    expect(() => new RawDiffParser().push(Buffer.from(':bogus\0x\0'))).toThrow(/unexpected diff-tree record/);
  });
});
