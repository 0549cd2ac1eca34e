import { normalizePath, TreeEdit } from './tree-edit';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const tree = () =>
  new TreeEdit(
    new Map([
      ['README.md', { mode: '100644', id: A }],
      ['src/app.ts', { mode: '100644', id: A }],
      ['vendor/lib', { mode: '160000', id: B }],
    ]),
  );

describe('TreeEdit', () => {
  it('tells added, updated and deleted files apart', () => {
    const edit = tree();
    edit.put('new.txt', { mode: '100644', id: B }, { refuseSameContent: true });
    edit.put('README.md', { mode: '100644', id: B }, { refuseSameContent: true });
    edit.delete('src/app.ts');
    expect([...edit.added.keys()]).toEqual(['new.txt']);
    expect([...edit.updated.keys()]).toEqual(['README.md']);
    expect([...edit.deleted.keys()]).toEqual(['src/app.ts']);
  });

  it('refuses the collisions CodeCommit refuses', () => {
    expect(() => tree().put('src', { mode: '100644', id: B }, { refuseSameContent: true })).toThrow(expect.objectContaining({ domainCode: 'FileNameConflictsWithDirectoryNameException' }));
    expect(() => tree().put('README.md/x', { mode: '100644', id: B }, { refuseSameContent: true })).toThrow(expect.objectContaining({ domainCode: 'DirectoryNameConflictsWithFileNameException' }));
    expect(() => tree().put('vendor/lib/x', { mode: '100644', id: B }, { refuseSameContent: true })).toThrow(expect.objectContaining({ domainCode: 'FilePathConflictsWithSubmodulePathException' }));
    expect(() => tree().put('README.md', { mode: '100644', id: A }, { refuseSameContent: true })).toThrow(expect.objectContaining({ domainCode: 'SameFileContentException' }));
    expect(() => tree().delete('missing.txt')).toThrow(expect.objectContaining({ domainCode: 'FileDoesNotExistException' }));
  });

  it('keeps a folder emptied by deletions as a .gitkeep', () => {
    const edit = tree();
    edit.delete('src/app.ts');
    edit.keepEmptyFolders(B);
    expect(edit.added.get('src/.gitkeep')).toEqual({ mode: '100644', id: B });
  });
});

describe('normalizePath', () => {
  it('accepts relative and leading-slash paths, refuses tricks', () => {
    expect(normalizePath('/dir/file.txt')).toBe('dir/file.txt');
    expect(normalizePath('ünïcødé/файл')).toBe('ünïcødé/файл');
    for (const bad of ['../etc/passwd', 'a/../b', 'a//b', 'a/./b', '.git/config', 'a/.GIT/x', 'dir/']) {
      expect(() => normalizePath(bad)).toThrow(expect.objectContaining({ domainCode: 'InvalidPathException' }));
    }
    expect(() => normalizePath('')).toThrow(expect.objectContaining({ domainCode: 'PathRequiredException' }));
  });
});
