import { GrpcStatus, RpcError, storage } from '@cairn/contracts';

/** One entry of a flattened tree: path → mode and object id. */
export interface IndexEntry {
  mode: string;
  id: string;
}

export const MODE_OF: Record<storage.FileMode, string | undefined> = {
  [storage.FileMode.FILE_MODE_UNSPECIFIED]: undefined,
  [storage.FileMode.FILE_MODE_NORMAL]: '100644',
  [storage.FileMode.FILE_MODE_EXECUTABLE]: '100755',
  [storage.FileMode.FILE_MODE_SYMLINK]: '120000',
  [storage.FileMode.UNRECOGNIZED]: undefined,
};

export function fileModeOf(mode: string): storage.FileMode {
  if (mode === '100755') return storage.FileMode.FILE_MODE_EXECUTABLE;
  if (mode === '120000') return storage.FileMode.FILE_MODE_SYMLINK;
  return storage.FileMode.FILE_MODE_NORMAL;
}

const fail = (code: string, message: string, grpc = GrpcStatus.INVALID_ARGUMENT) => new RpcError(grpc, code, message);

/** A path as CodeCommit accepts it: relative, "/"-separated, no empty, "." or ".." segments, no .git. */
export function normalizePath(raw: string): string {
  const path = raw.replace(/^\/+/, '');
  if (!path) throw fail('PathRequiredException', 'A file path is required.');
  const segments = path.split('/');
  if (path.length > 4096 || path.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..' || s.toLowerCase() === '.git')) {
    throw fail('InvalidPathException', `The path ${JSON.stringify(raw)} is not valid.`);
  }
  return path;
}

/**
 * The edits of one commit applied to the parent's flattened tree, with CodeCommit's checks:
 * files and folders may not collide, a deleted file must exist, an unchanged put is an error.
 * Pure: blobs are hashed by the caller; this decides what the new index holds.
 */
export class TreeEdit {
  readonly added = new Map<string, IndexEntry>();
  readonly updated = new Map<string, IndexEntry>();
  readonly deleted = new Map<string, IndexEntry>();

  constructor(private readonly entries: Map<string, IndexEntry>) {}

  get(path: string): IndexEntry | undefined {
    return this.entries.get(path);
  }

  put(path: string, entry: IndexEntry, opts: { refuseSameContent: boolean }): void {
    const existing = this.entries.get(path);
    if (existing?.mode === '160000') throw fail('FilePathConflictsWithSubmodulePathException', `${path} is a submodule.`);
    if (!existing) this.checkNoConflict(path);
    if (existing && existing.id === entry.id && existing.mode === entry.mode && opts.refuseSameContent) {
      throw fail('SameFileContentException', `The file ${path} already has this content.`);
    }
    this.entries.set(path, entry);
    if (existing) {
      if (!this.added.has(path)) this.updated.set(path, entry);
      else this.added.set(path, entry);
    } else {
      this.added.set(path, entry);
    }
    this.deleted.delete(path);
  }

  delete(path: string): void {
    const existing = this.entries.get(path);
    if (!existing || existing.mode === '160000') throw fail('FileDoesNotExistException', `The file ${path} does not exist.`, GrpcStatus.NOT_FOUND);
    this.entries.delete(path);
    this.added.delete(path);
    this.updated.delete(path);
    this.deleted.set(path, existing);
  }

  setMode(path: string, mode: string): void {
    const existing = this.entries.get(path);
    if (!existing || existing.mode === '160000') throw fail('FileDoesNotExistException', `The file ${path} does not exist.`, GrpcStatus.NOT_FOUND);
    if (existing.mode === mode) return;
    this.put(path, { ...existing, mode }, { refuseSameContent: false });
  }

  /** Folders left empty by deletions get a .gitkeep, so the folder survives as CodeCommit keeps it. */
  keepEmptyFolders(emptyBlobId: string): void {
    for (const path of [...this.deleted.keys()]) {
      const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
      if (!folder) continue;
      const stillHasFiles = [...this.entries.keys()].some((p) => p.startsWith(`${folder}/`));
      if (!stillHasFiles) this.put(`${folder}/.gitkeep`, { mode: '100644', id: emptyBlobId }, { refuseSameContent: false });
    }
  }

  private checkNoConflict(path: string): void {
    const prefix = `${path}/`;
    for (const p of this.entries.keys()) {
      if (p.startsWith(prefix)) throw fail('FileNameConflictsWithDirectoryNameException', `The file name ${path} is already used by a folder.`);
    }
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folder = segments.slice(0, i).join('/');
      const entry = this.entries.get(folder);
      if (entry?.mode === '160000') throw fail('FilePathConflictsWithSubmodulePathException', `${folder} is a submodule.`);
      if (entry) throw fail('DirectoryNameConflictsWithFileNameException', `The folder name ${folder} is already used by a file.`);
    }
  }
}
