import { domainCodeOf } from '@cairn/contracts';
import { normalizeFilePath, normalizeFolderPath, normalizeOptionalPath } from './content-paths';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return domainCodeOf(error);
  }
};

describe('content paths', () => {
  it('takes paths from the root, with or without a leading slash', () => {
    expect(normalizeFilePath('/src/app.js')).toBe('src/app.js');
    expect(normalizeFilePath('src/app.js')).toBe('src/app.js');
    expect(normalizeFilePath('dossier é/日本語 file.txt')).toBe('dossier é/日本語 file.txt');
    expect(normalizeFolderPath('/')).toBe('');
    expect(normalizeFolderPath('/src/deep/')).toBe('src/deep');
    expect(normalizeOptionalPath('')).toBe('');
    expect(normalizeOptionalPath('/')).toBe('');
  });

  it('requires a path where one is required', () => {
    expect(codeOf(() => normalizeFilePath(''))).toBe('PathRequiredException');
    expect(codeOf(() => normalizeFilePath('/'))).toBe('PathRequiredException');
    expect(codeOf(() => normalizeFolderPath(''))).toBe('PathRequiredException');
  });

  it('refuses paths that only resolve by normalization, and git’s own directory', () => {
    for (const path of ['a/../b', '../etc/passwd', '/../../etc/passwd', 'a/./b', './a', 'a//b', 'a/b/', 'a\0b', '.git/config', 'x/.GIT/y', 'a/..', `${'a/'.repeat(2100)}b`]) {
      expect([path, codeOf(() => normalizeFilePath(path))]).toEqual([path, 'InvalidPathException']);
    }
    expect(codeOf(() => normalizeFolderPath('a/../b'))).toBe('InvalidPathException');
    expect(codeOf(() => normalizeOptionalPath('a//b'))).toBe('InvalidPathException');
    // Names that merely contain dots are files like any other.
    expect(normalizeFilePath('..hidden/a..b/.env')).toBe('..hidden/a..b/.env');
  });
});
