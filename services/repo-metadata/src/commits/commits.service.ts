import { Injectable } from '@nestjs/common';
import { callUnary, metadata, storage } from '@cairn/contracts';
import { Upstreams } from '../upstreams';
import { RepositoriesService } from '../repositories/repositories.service';
import { repositoryError as error, RepositoryErrorCode as Code } from '../repositories/repository.errors';
import { branchRef } from '../branches/branch-ref';

/** CodeCommit's limits, as configurable defaults. */
export const COMMIT_LIMITS = {
  maxFileBytes: Number(process.env.CAIRN_MAX_API_FILE_BYTES ?? 6 * 1024 * 1024),
  maxEntries: 100,
  maxMessageBytes: 100 * 1024,
  maxNameLength: 1024,
};

const EMAIL = /^[^\s<>@]+@[^\s<>@]+$/;

/**
 * Writes through the API: PutFile, DeleteFile and CreateCommit are one operation with slightly
 * different rules. Input is validated here; storage builds the commit and moves the branch only
 * if it still points at the parent the caller saw.
 */
@Injectable()
export class CommitsService {
  constructor(
    private readonly repositories: RepositoriesService,
    private readonly upstreams: Upstreams,
  ) {}

  async create(request: metadata.CreateCommitRequest): Promise<storage.CreateCommitResponse> {
    const repo = await this.repositories.getEntity(request.repositoryName);
    const ref = branchRef(request.branchName);
    this.validate(request);
    const { refs } = await callUnary(this.upstreams.storage, this.upstreams.storage.listRefs, { repositoryId: repo.repositoryId, prefixes: ['refs/heads/', `refs/tags/${request.branchName}`] });
    if (refs.some((r) => r.name === `refs/tags/${request.branchName}`)) throw error(Code.BranchNameIsTagName, `${request.branchName} is the name of a tag.`);
    const branches = refs.filter((r) => r.name.startsWith('refs/heads/'));
    // A branch that does not exist can only be created by the first commit of an empty repository.
    if (branches.length > 0 && !branches.some((r) => r.name === ref)) throw error(Code.BranchDoesNotExist, `Branch ${request.branchName} does not exist.`);
    if (request.operation === 'DeleteFile' && !request.parentCommitId) throw error(Code.ParentCommitIdRequired, 'A parent commit ID is required.');
    const authorName = request.authorName || request.actorArn.slice(request.actorArn.lastIndexOf('/') + 1);
    return callUnary(this.upstreams.storage, this.upstreams.storage.createCommit, {
      repositoryId: repo.repositoryId,
      branchRef: ref,
      parentCommitId: request.parentCommitId,
      authorName,
      authorEmail: request.email,
      message: request.commitMessage,
      putFiles: request.putFiles,
      deleteFiles: request.deleteFiles,
      setFileModes: request.setFileModes,
      keepEmptyFolders: request.keepEmptyFolders,
      context: { actorArn: request.actorArn, repositoryName: repo.repositoryName, accountId: repo.accountId },
      rejectEmpty: request.operation === 'CreateCommit',
      refuseSameContent: request.operation === 'PutFile',
    });
  }

  private validate(request: metadata.CreateCommitRequest): void {
    const entries = request.putFiles.length + request.deleteFiles.length + request.setFileModes.length;
    if (entries === 0) throw error(Code.FileEntryRequired, 'At least one file must be added, changed or deleted.');
    if (entries > COMMIT_LIMITS.maxEntries) throw error(Code.MaximumFileEntriesExceeded, `A commit can change at most ${COMMIT_LIMITS.maxEntries} files.`);
    if (Buffer.byteLength(request.commitMessage) > COMMIT_LIMITS.maxMessageBytes) throw error(Code.CommitMessageLengthExceeded, 'The commit message is too long.');
    if (request.authorName.length > COMMIT_LIMITS.maxNameLength) throw error(Code.NameLengthExceeded, 'The name is too long.');
    if (request.email && !EMAIL.test(request.email)) throw error(Code.InvalidEmail, `The email address ${request.email} is not valid.`);
    if (request.parentCommitId && !/^[0-9a-f]{40}$/.test(request.parentCommitId)) throw error(Code.InvalidParentCommitId, `The parent commit ID ${request.parentCommitId} is not valid.`);
    for (const put of request.putFiles) {
      if (!put.path) throw error(Code.PathRequired, 'A file path is required.');
      const hasContent = put.content.length > 0;
      if (put.sourcePath && hasContent) throw error(Code.FileContentAndSourceFileSpecified, `Both content and a source file were given for ${put.path}.`);
      if (!put.sourcePath && !hasContent && request.operation === 'CreateCommit') throw error(Code.SourceFileOrContentRequired, `Content or a source file is required for ${put.path}.`);
      if (put.content.length > COMMIT_LIMITS.maxFileBytes) throw error(Code.FileContentSizeLimitExceeded, `The file ${put.path} exceeds ${COMMIT_LIMITS.maxFileBytes} bytes.`);
    }
    for (const change of request.setFileModes) {
      if (change.fileMode === storage.FileMode.FILE_MODE_UNSPECIFIED) throw error(Code.FileModeRequired, `A file mode is required for ${change.path}.`);
    }
  }
}
