import { Inject, Injectable } from '@nestjs/common';
import { callUnary, domainCodeOf, metadataContent as mc, RpcError, storageContent } from '@cairn/contracts';
import { RepositoriesService } from '../repositories/repositories.service';
import { CONTENT_CONFIG, ContentConfig } from './content.config';
import { contentError, ContentErrorCode as Code } from './content.errors';
import { normalizeFilePath, normalizeFolderPath, normalizeOptionalPath } from './content-paths';
import { decodePageToken, encodePageToken, requestDigest } from './page-token';
import { StorageContentClient } from './storage-content.client';

const OBJECT_ID = /^[0-9a-fA-F]{40}$/;
const MAX_COMMIT_IDS = 100;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 100;

/** How storage's failures read for one operation: storage code → CodeCommit code. */
type ErrorMap = Partial<Record<string, Code>>;

const COMMIT_SPECIFIER_ERRORS: ErrorMap = {
  InvalidRevision: Code.InvalidCommit,
  NotACommit: Code.InvalidCommit,
  RevisionNotFound: Code.CommitDoesNotExist,
  InvalidPath: Code.InvalidPath,
};

/**
 * CodeCommit's content reads. The repository name is resolved here and every input is checked
 * as CodeCommit checks it; storage reads the objects by repository id.
 */
@Injectable()
export class ContentService {
  constructor(
    private readonly repositories: RepositoriesService,
    private readonly storage: StorageContentClient,
    @Inject(CONTENT_CONFIG) private readonly config: ContentConfig,
  ) {}

  async getBlob(request: mc.GetBlobRequest): Promise<mc.GetBlobResponse> {
    if (!request.blobId) throw contentError(Code.BlobIdRequired, 'A blob ID is required, but was not specified.');
    if (!OBJECT_ID.test(request.blobId)) throw contentError(Code.InvalidBlobId, `The blob ID ${request.blobId} is not valid.`);
    const repositoryId = await this.repositoryId(request.repositoryName);
    const out = await this.call(this.storage.client.readBlob, { repositoryId, blobId: request.blobId.toLowerCase(), maxBytes: this.config.maxFileBytes }, {
      ObjectNotFound: Code.BlobIdDoesNotExist,
      NotABlob: Code.BlobIdDoesNotExist,
      ObjectTooLarge: Code.FileTooLarge,
    });
    return { content: out.content };
  }

  async getFile(request: mc.GetFileRequest): Promise<mc.GetFileResponse> {
    const filePath = normalizeFilePath(request.filePath);
    const repositoryId = await this.repositoryId(request.repositoryName);
    const out = await this.call(
      this.storage.client.readFile,
      { repositoryId, revision: request.commitSpecifier, path: filePath, maxBytes: this.config.maxFileBytes },
      { ...COMMIT_SPECIFIER_ERRORS, PathNotFound: Code.FileDoesNotExist, ObjectTooLarge: Code.FileTooLarge },
    );
    return { commitId: out.commitId, blobId: out.blobId, filePath, fileMode: fileModeOf(out.mode), fileSize: out.size, fileContent: out.content };
  }

  async getFolder(request: mc.GetFolderRequest): Promise<mc.GetFolderResponse> {
    const folderPath = normalizeFolderPath(request.folderPath);
    const repositoryId = await this.repositoryId(request.repositoryName);
    const out = await this.call(
      this.storage.client.readFolder,
      { repositoryId, revision: request.commitSpecifier, path: folderPath },
      { ...COMMIT_SPECIFIER_ERRORS, PathNotFound: Code.FolderDoesNotExist, ObjectTooLarge: Code.FolderContentSizeLimitExceeded },
    );
    const response: mc.GetFolderResponse = { commitId: out.commitId, folderPath: folderPath || '/', treeId: out.treeId, subFolders: [], files: [], symbolicLinks: [], subModules: [] };
    for (const entry of out.entries) {
      const paths = { absolutePath: folderPath ? `${folderPath}/${entry.name}` : entry.name, relativePath: entry.name };
      if (entry.mode === '40000') response.subFolders.push({ treeId: entry.objectId, ...paths });
      else if (entry.mode === '160000') response.subModules.push({ commitId: entry.objectId, ...paths });
      else if (entry.mode === '120000') response.symbolicLinks.push({ blobId: entry.objectId, ...paths, fileMode: 'SYMLINK' });
      else response.files.push({ blobId: entry.objectId, ...paths, fileMode: fileModeOf(entry.mode) });
    }
    return response;
  }

  async getCommit(request: mc.GetCommitRequest): Promise<mc.GetCommitResponse> {
    if (!request.commitId) throw contentError(Code.CommitIdRequired, 'A commit ID is required, but was not specified.');
    if (!OBJECT_ID.test(request.commitId)) throw contentError(Code.InvalidCommitId, `The commit ID ${request.commitId} is not valid.`);
    const repositoryId = await this.repositoryId(request.repositoryName);
    const out = await this.call(this.storage.client.readCommits, { repositoryId, commitIds: [request.commitId.toLowerCase()] }, {});
    if (out.commits.length === 0) throw contentError(Code.CommitIdDoesNotExist, `The commit ID ${request.commitId} does not exist in ${request.repositoryName}.`);
    return { commit: toCommit(out.commits[0]) };
  }

  async batchGetCommits(request: mc.BatchGetCommitsRequest): Promise<mc.BatchGetCommitsResponse> {
    if (request.commitIds.length === 0) throw contentError(Code.CommitIdsListRequired, 'A list of commit IDs is required, but was either not specified or the list was empty.');
    if (request.commitIds.length > MAX_COMMIT_IDS) throw contentError(Code.CommitIdsLimitExceeded, `The maximum number of commit IDs in a batch request is ${MAX_COMMIT_IDS}.`);
    const repositoryId = await this.repositoryId(request.repositoryName);
    const wanted = [...new Set(request.commitIds.filter((id) => OBJECT_ID.test(id)).map((id) => id.toLowerCase()))];
    const out = wanted.length > 0 ? await this.call(this.storage.client.readCommits, { repositoryId, commitIds: wanted }, {}) : { commits: [], missing: [] };
    const found = new Map(out.commits.map((c) => [c.commitId, c]));
    const response: mc.BatchGetCommitsResponse = { commits: [], errors: [] };
    const listed = new Set<string>();
    for (const id of request.commitIds) {
      const commit = OBJECT_ID.test(id) ? found.get(id.toLowerCase()) : undefined;
      if (commit) {
        if (!listed.has(commit.commitId)) response.commits.push(toCommit(commit));
        listed.add(commit.commitId);
      } else if (!OBJECT_ID.test(id)) {
        response.errors.push({ commitId: id, errorCode: Code.InvalidCommitId, errorMessage: `The commit ID ${id} is not valid. Commit IDs are full 40-character SHA-1 IDs.` });
      } else {
        response.errors.push({ commitId: id, errorCode: Code.CommitIdDoesNotExist, errorMessage: `The commit ID ${id} does not exist in ${request.repositoryName}.` });
      }
    }
    return response;
  }

  async getDifferences(request: mc.GetDifferencesRequest): Promise<mc.GetDifferencesResponse> {
    if (!request.afterCommitSpecifier) throw contentError(Code.CommitRequired, 'A commit specifier is required for afterCommitSpecifier.');
    const limit = pageSize(request.maxResults);
    // One path given limits both sides to it; two compare a folder under its old and new name.
    const beforePath = normalizeOptionalPath(request.beforePath || request.afterPath);
    const afterPath = normalizeOptionalPath(request.afterPath || request.beforePath);
    const digest = requestDigest('GetDifferences', request.repositoryName, request.beforeCommitSpecifier, request.afterCommitSpecifier, beforePath, afterPath);
    const state = request.nextToken ? decodePageToken(request.nextToken, digest) : undefined;
    const repositoryId = await this.repositoryId(request.repositoryName);
    const out = await this.call(
      this.storage.client.compareCommits,
      {
        repositoryId,
        beforeRevision: state ? (state.commits.before ?? '') : request.beforeCommitSpecifier,
        afterRevision: state ? (state.commits.after ?? '') : request.afterCommitSpecifier,
        beforePath,
        afterPath,
        offset: state?.offset ?? 0,
        limit,
      },
      { ...COMMIT_SPECIFIER_ERRORS, PathNotFound: Code.PathDoesNotExist },
    );
    const offset = (state?.offset ?? 0) + out.differences.length;
    return {
      differences: out.differences.map((d) => ({
        beforeBlob: d.beforePath ? { blobId: d.beforeId, path: d.beforePath, mode: d.beforeMode } : undefined,
        afterBlob: d.afterPath ? { blobId: d.afterId, path: d.afterPath, mode: d.afterMode } : undefined,
        changeType: d.changeType,
      })),
      nextToken: out.hasMore ? encodePageToken({ offset, commits: { before: out.beforeCommitId, after: out.afterCommitId } }, digest) : '',
    };
  }

  async listFileCommitHistory(request: mc.ListFileCommitHistoryRequest): Promise<mc.ListFileCommitHistoryResponse> {
    const filePath = normalizeFilePath(request.filePath);
    const limit = pageSize(request.maxResults);
    const digest = requestDigest('ListFileCommitHistory', request.repositoryName, request.commitSpecifier, filePath);
    const state = request.nextToken ? decodePageToken(request.nextToken, digest) : undefined;
    const repositoryId = await this.repositoryId(request.repositoryName);
    const out = await this.call(
      this.storage.client.listFileHistory,
      { repositoryId, revision: state ? (state.commits.start ?? '') : request.commitSpecifier, path: filePath, offset: state?.offset ?? 0, limit },
      COMMIT_SPECIFIER_ERRORS,
    );
    const offset = (state?.offset ?? 0) + out.versions.length;
    return {
      revisionDag: out.versions.map((v) => ({ commit: v.commit && toCommit(v.commit), blobId: v.blobId, path: v.path, revisionChildren: v.children })),
      nextToken: out.hasMore ? encodePageToken({ offset, commits: { start: out.commitId } }, digest) : '',
    };
  }

  private async repositoryId(repositoryName: string): Promise<string> {
    return (await this.repositories.getEntity(repositoryName)).repositoryId;
  }

  /** Calls storage and turns its domain codes into this operation's CodeCommit errors. */
  private async call<Req, Res>(method: Parameters<typeof callUnary<Req, Res>>[1], request: Req, errors: ErrorMap): Promise<Res> {
    try {
      return await callUnary(this.storage.client, method, request);
    } catch (error) {
      const code = domainCodeOf(error);
      const mapped = code === 'RepositoryDoesNotExist' ? Code.RepositoryDoesNotExist : code ? errors[code] : undefined;
      if (mapped) throw contentError(mapped, error instanceof Error ? cleanMessage(error) : String(error));
      throw error;
    }
  }
}

/** MaxResults as CodeCommit reads it: absent means the default; larger pages are cut to 100. */
function pageSize(maxResults: number): number {
  if (maxResults < 0 || !Number.isInteger(maxResults)) throw contentError(Code.InvalidMaxResults, 'The specified number of maximum results is not valid.');
  return maxResults === 0 ? DEFAULT_PAGE : Math.min(maxResults, MAX_PAGE);
}

function fileModeOf(mode: string): string {
  if (mode === '100755') return 'EXECUTABLE';
  if (mode === '120000') return 'SYMLINK';
  return 'NORMAL';
}

function toCommit(commit: storageContent.GitCommit): mc.Commit {
  return {
    commitId: commit.commitId,
    treeId: commit.treeId,
    parents: commit.parents,
    message: commit.message,
    author: commit.author,
    committer: commit.committer,
    additionalData: '',
  };
}

/** grpc-js prefixes messages with the status ("5 NOT_FOUND: …"); the caller sees only ours. */
function cleanMessage(error: Error): string {
  const details = (error as Partial<RpcError>).details;
  return typeof details === 'string' && details ? details : error.message;
}
