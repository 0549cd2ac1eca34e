import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { GrpcStatus, isGrpcError, RpcError, storage } from '@cairn/contracts';
import { isValidRefName, runGitChecked } from '@cairn/git';
import { STORAGE_CONFIG, StorageConfig } from '../config';
import { RepositoryStore } from '../repositories/repository-store';
import { RefUpdater } from '../refs/ref-updater';
import { fileModeOf, IndexEntry, MODE_OF, normalizePath, TreeEdit } from './tree-edit';

const ZERO_ID = '0'.repeat(40);
const OBJECT_ID = /^[0-9a-f]{40}$/;
const GIT_TIMEOUT_MS = 60_000;

const fail = (code: string, message: string, grpc = GrpcStatus.INVALID_ARGUMENT) => new RpcError(grpc, code, message);

/**
 * Commits made through the API (PutFile, DeleteFile, CreateCommit) without a work tree: the
 * parent's tree is read into a private index, edited, written as a tree, wrapped in a commit
 * object, and the branch is moved with a compare-and-swap on the parent. Two writers racing from
 * the same parent: one wins, the other gets ParentCommitIdOutdatedException.
 */
@Injectable()
export class CommitBuilder {
  constructor(
    @Inject(STORAGE_CONFIG) private readonly config: StorageConfig,
    private readonly repositories: RepositoryStore,
    private readonly refs: RefUpdater,
  ) {}

  async create(request: storage.CreateCommitRequest): Promise<storage.CreateCommitResponse> {
    const dir = await this.repositories.require(request.repositoryId);
    if (!request.branchRef.startsWith('refs/heads/') || !isValidRefName(request.branchRef)) throw fail('InvalidBranchNameException', 'The branch name is not valid.');
    const tip = await this.tipOf(dir, request.branchRef);
    const parent = await this.checkParent(dir, tip, request.parentCommitId);

    const indexFile = join(this.config.dataDir, 'tmp', `index-${randomUUID()}`);
    await mkdir(join(this.config.dataDir, 'tmp'), { recursive: true });
    const git = (subcommand: string, flags: string[], args: string[], stdin?: string | Buffer) =>
      runGitChecked({ gitDir: dir, subcommand, flags, args, env: { GIT_INDEX_FILE: indexFile } }, { stdin, timeoutMs: GIT_TIMEOUT_MS, maxOutputBytes: 256 * 1024 * 1024 });
    try {
      await git('read-tree', parent ? [] : ['--empty'], parent ? [parent] : []);
      const edit = new TreeEdit(parseIndex(await git('ls-files', ['-s', '-z'], [])));
      await this.applyEdits(edit, request, (content) => git('hash-object', ['-w', '--stdin'], [], content).then((b) => b.toString().trim()));
      if (request.keepEmptyFolders) edit.keepEmptyFolders((await git('hash-object', ['-w', '--stdin'], [], Buffer.alloc(0))).toString().trim());
      const script = [...edit.added, ...edit.updated].map(([path, e]) => `${e.mode} ${e.id}\t${path}\0`).join('') + [...edit.deleted.keys()].map((path) => `0 ${ZERO_ID}\t${path}\0`).join('');
      if (script) await git('update-index', ['-z', '--index-info'], [], script);
      const treeId = (await git('write-tree', [], [])).toString().trim();
      if (request.rejectEmpty && parent && treeId === (await this.treeOf(dir, parent))) throw fail('NoChangeException', 'The commit cannot be created because no changes will be made to the repository as a result of this commit.');
      const commitId = (await git('hash-object', ['-tcommit', '-w', '--stdin'], [], commitObject(treeId, parent, request))).toString().trim();
      try {
        await this.refs.update({ repositoryId: request.repositoryId, updates: [{ ref: request.branchRef, oldId: tip ?? ZERO_ID, newId: commitId }], context: request.context });
      } catch (error) {
        if (isGrpcError(error, status.FAILED_PRECONDITION) || (error instanceof RpcError && error.code === GrpcStatus.FAILED_PRECONDITION)) throw outdated();
        throw error;
      }
      const meta = (entries: Map<string, IndexEntry>, withBlob: boolean) =>
        [...entries].map(([absolutePath, e]) => ({ absolutePath, blobId: withBlob ? e.id : '', fileMode: fileModeOf(e.mode) }));
      return { commitId, treeId, filesAdded: meta(edit.added, true), filesUpdated: meta(edit.updated, true), filesDeleted: meta(edit.deleted, true) };
    } finally {
      await rm(indexFile, { force: true });
      await rm(`${indexFile}.lock`, { force: true });
    }
  }

  private async applyEdits(edit: TreeEdit, request: storage.CreateCommitRequest, hashBlob: (content: Buffer) => Promise<string>): Promise<void> {
    // Each path may appear once in a commit, whatever the action (checked before any is applied).
    const paths = [
      ...request.deleteFiles,
      ...request.putFiles.flatMap((p) => (p.sourcePath && p.isMove ? [p.path, p.sourcePath] : [p.path])),
      ...request.setFileModes.map((m) => m.path),
    ].map(normalizePath);
    const duplicate = paths.find((p, i) => paths.indexOf(p) !== i);
    if (duplicate) throw fail('SamePathRequestException', `The path ${duplicate} is used more than once in this commit.`);

    for (const path of request.deleteFiles) edit.delete(normalizePath(path));
    for (const put of request.putFiles) {
      const path = normalizePath(put.path);
      const current = edit.get(path);
      let id: string;
      let mode = MODE_OF[put.fileMode] ?? current?.mode ?? '100644';
      if (put.sourcePath) {
        const sourcePath = normalizePath(put.sourcePath);
        const source = edit.get(sourcePath);
        if (!source) throw fail('FileDoesNotExistException', `The source file ${sourcePath} does not exist.`, GrpcStatus.NOT_FOUND);
        id = source.id;
        if (put.fileMode === storage.FileMode.FILE_MODE_UNSPECIFIED) mode = source.mode;
        if (put.isMove) edit.delete(sourcePath);
      } else {
        id = await hashBlob(Buffer.from(put.content));
      }
      edit.put(path, { mode, id }, { refuseSameContent: request.refuseSameContent });
    }
    for (const change of request.setFileModes) {
      const mode = MODE_OF[change.fileMode];
      if (!mode || mode === '120000') throw fail('InvalidFileModeException', 'The file mode is not valid.');
      edit.setMode(normalizePath(change.path), mode);
    }
  }

  private async checkParent(dir: string, tip: string | undefined, parentCommitId: string): Promise<string | undefined> {
    if (!parentCommitId) {
      if (tip) throw fail('ParentCommitIdRequiredException', 'A parent commit ID is required: the branch already has commits.');
      return undefined;
    }
    if (!OBJECT_ID.test(parentCommitId)) throw fail('InvalidParentCommitIdException', `The parent commit ID ${parentCommitId} is not valid.`);
    if ((await this.typeOf(dir, parentCommitId)) !== 'commit') throw fail('ParentCommitDoesNotExistException', `The parent commit ${parentCommitId} does not exist.`, GrpcStatus.NOT_FOUND);
    if (tip !== parentCommitId) throw outdated();
    return parentCommitId;
  }

  private async tipOf(dir: string, ref: string): Promise<string | undefined> {
    const out = await runGitChecked({ gitDir: dir, subcommand: 'for-each-ref', flags: ['--format=%(objectname) %(refname)'], args: [ref] }, { timeoutMs: GIT_TIMEOUT_MS });
    return out
      .toString()
      .split('\n')
      .find((line) => line.slice(41) === ref)
      ?.slice(0, 40);
  }

  private async typeOf(dir: string, id: string): Promise<string> {
    const out = await runGitChecked({ gitDir: dir, subcommand: 'cat-file', flags: ['--batch-check'] }, { stdin: `${id}\n`, timeoutMs: GIT_TIMEOUT_MS });
    return /^[0-9a-f]{40} (\w+)/.exec(out.toString())?.[1] ?? '';
  }

  private async treeOf(dir: string, commitId: string): Promise<string> {
    const out = await runGitChecked({ gitDir: dir, subcommand: 'cat-file', flags: ['--batch-check'] }, { stdin: `${commitId}^{tree}\n`, timeoutMs: GIT_TIMEOUT_MS });
    return out.toString().slice(0, 40);
  }
}

function outdated(): RpcError {
  return fail('ParentCommitIdOutdatedException', 'The parent commit ID is not the tip of the branch: the branch moved since it was read.', GrpcStatus.FAILED_PRECONDITION);
}

/** `ls-files -s -z`: "<mode> <id> <stage>\t<path>\0" per entry. */
export function parseIndex(out: Buffer): Map<string, IndexEntry> {
  const entries = new Map<string, IndexEntry>();
  for (const record of out.toString('utf8').split('\0')) {
    const match = /^(\d{6}) ([0-9a-f]{40}) \d\t(.+)$/s.exec(record);
    if (match) entries.set(match[3], { mode: match[1], id: match[2] });
  }
  return entries;
}

/** A commit object as git writes it; author and committer are the caller, at the current time. */
function commitObject(treeId: string, parent: string | undefined, request: storage.CreateCommitRequest): string {
  for (const value of [request.authorName, request.authorEmail]) {
    if (/[<>\n\0]/.test(value)) throw fail('InvalidEmailException', 'Names and emails cannot contain <, > or line breaks.');
  }
  const signature = `${request.authorName || 'Cairn'} <${request.authorEmail}> ${Math.floor(Date.now() / 1000)} +0000`;
  const message = request.message.endsWith('\n') ? request.message : `${request.message}\n`;
  return `tree ${treeId}\n${parent ? `parent ${parent}\n` : ''}author ${signature}\ncommitter ${signature}\n\n${message}`;
}
