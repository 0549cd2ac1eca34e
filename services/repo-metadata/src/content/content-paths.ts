import { contentError, ContentErrorCode as Code } from './content.errors';

const MAX_PATH_BYTES = 4096;

/**
 * Paths as CodeCommit takes them: from the repository root, "/"-separated, with or without a
 * leading "/". Nothing here ever reaches a file system, but a path that only resolves by
 * normalization ("..", ".", empty segments) or that names git's own directory is refused, as
 * the write operations refuse it.
 */
export function normalizeFilePath(raw: string): string {
  if (raw === '') throw contentError(Code.PathRequired, 'A file path is required, but was not specified.');
  const path = raw.replace(/^\/+/, '');
  if (path === '') throw contentError(Code.PathRequired, 'A file path is required, but was not specified.');
  return checked(path, raw);
}

/** A folder path; "/" (or several) is the root, returned as "". */
export function normalizeFolderPath(raw: string): string {
  if (raw === '') throw contentError(Code.PathRequired, 'A folder path is required, but was not specified.');
  return normalizeOptionalPath(raw);
}

/** An optional path filter; "" and "/" mean the whole repository. */
export function normalizeOptionalPath(raw: string): string {
  const path = raw.replace(/^\/+/, '').replace(/\/+$/, '');
  return path === '' ? '' : checked(path, raw);
}

function checked(path: string, raw: string): string {
  const segments = path.split('/');
  const bad = Buffer.byteLength(path) > MAX_PATH_BYTES || /[\0]/.test(path) || segments.some((s) => s === '' || s === '.' || s === '..' || s.toLowerCase() === '.git');
  if (bad) throw contentError(Code.InvalidPath, `The path ${JSON.stringify(raw)} is not valid.`);
  return path;
}
