import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { GrpcStatus, isGrpcError, RpcError, storage } from '@cairn/contracts';
import { isValidRefName, runGitChecked } from '@cairn/git';
import { STORAGE_CONFIG, StorageConfig } from '../config';
import { RepositoryStore } from '../repositories/repository-store';
import { RefUpdater } from '../refs/ref-updater';
import { refTip } from '../refs/ref-tip';
import { fileModeOf, IndexEntry, MODE_OF, normalizePath, TreeEdit } from './tree-edit';
import { TempIndex } from './temp-index';
import { commitObject } from './commit-object';

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
    const tip = await refTip(dir, request.branchRef);
    const parent = await this.checkParent(dir, tip, request.parentCommitId);

    return TempIndex.use(dir, join(this.config.dataDir, 'tmp'), async (index) => {
      const edit = new TreeEdit(await index.read(parent));
      await this.applyEdits(edit, request, (content) => index.hashBlob(content));
      if (request.keepEmptyFolders) edit.keepEmptyFolders(await index.hashBlob(Buffer.alloc(0)));
      await index.apply([...edit.added, ...edit.updated], edit.deleted.keys());
      const treeId = await index.writeTree();
      if (request.rejectEmpty && parent && treeId === (await this.treeOf(dir, parent))) throw fail('NoChangeException', 'The commit cannot be created because no changes will be made to the repository as a result of this commit.');
      const commit = commitObject({ treeId, parents: parent ? [parent] : [], authorName: request.authorName, authorEmail: request.authorEmail, message: request.message });
      const commitId = await index.writeCommit(commit);
      try {
        await this.refs.update({ repositoryId: request.repositoryId, updates: [{ ref: request.branchRef, oldId: tip ?? ZERO_ID, newId: commitId }], context: request.context });
      } catch (error) {
        if (isGrpcError(error, status.FAILED_PRECONDITION) || (error instanceof RpcError && error.code === GrpcStatus.FAILED_PRECONDITION)) throw outdated();
        throw error;
      }
      const meta = (entries: Map<string, IndexEntry>) => [...entries].map(([absolutePath, e]) => ({ absolutePath, blobId: e.id, fileMode: fileModeOf(e.mode) }));
      return { commitId, treeId, filesAdded: meta(edit.added), filesUpdated: meta(edit.updated), filesDeleted: meta(edit.deleted) };
    });
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

