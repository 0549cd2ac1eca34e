import { Injectable } from '@nestjs/common';
import { AwsError } from '@cairn/aws-protocol';
import { callUnary, metadata, storage } from '@cairn/contracts';
import { FILE_MODE_NAMES, fileModeMember, isBase64 } from '@cairn/codecommit';
import { Upstreams } from '../upstreams';
import { branchReference, optionalObjectList, optionalString, requiredString } from './input';
import { Operation } from '../operation';
import { RepositoryArns } from './repository-arns';

const NAME_REQUIRED = ['RepositoryNameRequiredException', 'A repository name is required, but was not specified.'] as const;
const BRANCH_REQUIRED = ['BranchNameRequiredException', 'A branch name is required, but was not specified.'] as const;
const PATH_REQUIRED = ['PathRequiredException', 'A file path is required, but was not specified.'] as const;

/** Blobs travel as base64 in awsJson; anything else is a malformed request. */
function blob(value: unknown, member: string): Buffer {
  if (value === undefined || value === null) return Buffer.alloc(0);
  if (!isBase64(value)) throw new AwsError('SerializationException', `${member} must be base64`);
  return Buffer.from(value, 'base64');
}

type Commit = storage.CreateCommitResponse;

function fileMetadataJson(files: storage.FileMetadata[]) {
  return files.map((f) => ({ absolutePath: f.absolutePath, blobId: f.blobId, fileMode: FILE_MODE_NAMES[f.fileMode] }));
}

/** PutFile, DeleteFile and CreateCommit: one write path with three request shapes. */
@Injectable()
export class CommitOperations {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly arns: RepositoryArns,
  ) {}

  private readonly onRepository = (input: Record<string, unknown>) => this.arns.of(optionalString(input, 'repositoryName'));

  private async commit(operation: string, input: Record<string, unknown>, actorArn: string, files: Partial<metadata.CreateCommitRequest>): Promise<Commit> {
    const { commit } = await callUnary(this.upstreams.metadata, this.upstreams.metadata.createCommit, {
      repositoryName: requiredString(input, 'repositoryName', ...NAME_REQUIRED),
      branchName: requiredString(input, 'branchName', ...BRANCH_REQUIRED),
      parentCommitId: optionalString(input, 'parentCommitId'),
      authorName: optionalString(input, operation === 'CreateCommit' ? 'authorName' : 'name'),
      email: optionalString(input, 'email'),
      commitMessage: optionalString(input, 'commitMessage'),
      putFiles: [],
      deleteFiles: [],
      setFileModes: [],
      keepEmptyFolders: input.keepEmptyFolders === true,
      actorArn,
      operation,
      ...files,
    });
    return commit!;
  }

  readonly operations: Record<string, Operation> = {
    PutFile: {
      resources: this.onRepository,
      conditions: branchReference,
      run: async (input, caller) => {
        const path = requiredString(input, 'filePath', ...PATH_REQUIRED);
        if (input.fileContent === undefined) throw new AwsError('FileContentRequiredException', 'The file content is required.');
        const commit = await this.commit('PutFile', input, caller.arn, {
          putFiles: [{ path, content: blob(input.fileContent, 'fileContent'), sourcePath: '', isMove: false, fileMode: fileModeMember(input) }],
        });
        const file = [...commit.filesAdded, ...commit.filesUpdated][0];
        return { commitId: commit.commitId, blobId: file?.blobId, treeId: commit.treeId };
      },
    },
    DeleteFile: {
      resources: this.onRepository,
      conditions: branchReference,
      run: async (input, caller) => {
        const path = requiredString(input, 'filePath', ...PATH_REQUIRED);
        const commit = await this.commit('DeleteFile', input, caller.arn, { deleteFiles: [path] });
        return { commitId: commit.commitId, blobId: commit.filesDeleted[0]?.blobId, treeId: commit.treeId, filePath: path };
      },
    },
    CreateCommit: {
      resources: this.onRepository,
      conditions: branchReference,
      run: async (input, caller) => {
        const commit = await this.commit('CreateCommit', input, caller.arn, {
          putFiles: optionalObjectList(input, 'putFiles').map((p) => {
            const source = p.sourceFile as Record<string, unknown> | undefined;
            return {
              path: optionalString(p, 'filePath'),
              content: blob(p.fileContent, 'fileContent'),
              sourcePath: source ? optionalString(source, 'filePath') : '',
              isMove: source?.isMove === true,
              fileMode: fileModeMember(p),
            };
          }),
          deleteFiles: optionalObjectList(input, 'deleteFiles').map((d) => requiredString(d, 'filePath', ...PATH_REQUIRED)),
          setFileModes: optionalObjectList(input, 'setFileModes').map((m) => ({ path: requiredString(m, 'filePath', ...PATH_REQUIRED), fileMode: fileModeMember(m) })),
        });
        return {
          commitId: commit.commitId,
          treeId: commit.treeId,
          filesAdded: fileMetadataJson(commit.filesAdded),
          filesUpdated: fileMetadataJson(commit.filesUpdated),
          filesDeleted: fileMetadataJson(commit.filesDeleted),
        };
      },
    },
  };
}
