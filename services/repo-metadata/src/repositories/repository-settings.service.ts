import { Injectable } from '@nestjs/common';
import { metadata } from '@cairn/contracts';
import { Upstreams } from '../upstreams';
import { repositoryError, RepositoryErrorCode } from './repository.errors';
import { RepositoriesService } from './repositories.service';
import { validateDescription, validateKmsKeyId, validateTags } from './repository-validation';

/** What CodeCommit reports as the key of a repository created without one. */
const AWS_MANAGED_KEY = 'alias/aws/codecommit';

/** Description, encryption key and tags of a repository: small edits, each its own event. */
@Injectable()
export class RepositorySettingsService {
  constructor(
    private readonly repositories: RepositoriesService,
    private readonly upstreams: Upstreams,
  ) {}

  async updateDescription(repositoryName: string, description: string, actorArn: string): Promise<void> {
    validateDescription(description);
    await this.repositories.update(repositoryName, actorArn, { kind: 'description', fields: () => ({ repositoryDescription: description }) });
  }

  async updateEncryptionKey(request: metadata.UpdateRepositoryEncryptionKeyRequest): Promise<metadata.UpdateRepositoryEncryptionKeyResponse> {
    if (!request.kmsKeyId) throw repositoryError(RepositoryErrorCode.EncryptionKeyRequired, 'A KMS encryption key ID is required.');
    validateKmsKeyId(request.kmsKeyId);
    const before = await this.repositories.update(request.repositoryName, request.actorArn, { kind: 'kmsKeyId', fields: () => ({ kmsKeyId: request.kmsKeyId }) });
    return { repositoryId: before.repositoryId, kmsKeyId: request.kmsKeyId, originalKmsKeyId: before.kmsKeyId || AWS_MANAGED_KEY };
  }

  async tag(resourceArn: string, tags: Record<string, string>, actorArn: string): Promise<void> {
    const name = await this.repositoryNameOf(resourceArn);
    if (Object.keys(tags).length === 0) throw repositoryError(RepositoryErrorCode.TagsMapRequired, 'A map of tags is required.');
    validateTags(tags);
    await this.repositories.update(name, actorArn, {
      kind: 'tags',
      fields: (current) => {
        const merged = { ...current.tags, ...tags };
        validateTags(merged);
        return { tags: merged };
      },
    });
  }

  async untag(resourceArn: string, keys: string[], actorArn: string): Promise<void> {
    const name = await this.repositoryNameOf(resourceArn);
    if (keys.length === 0) throw repositoryError(RepositoryErrorCode.TagKeysListRequired, 'A list of tag keys is required.');
    if (keys.some((k) => k.length < 1 || k.length > 128)) throw repositoryError(RepositoryErrorCode.InvalidTagKeysList, 'The list of tag keys is not valid.');
    if (keys.some((k) => k.toLowerCase().startsWith('aws:'))) throw repositoryError(RepositoryErrorCode.InvalidSystemTagUsage, 'Tag keys starting with "aws:" are reserved.');
    await this.repositories.update(name, actorArn, {
      kind: 'tags',
      fields: (current) => ({ tags: Object.fromEntries(Object.entries(current.tags).filter(([k]) => !keys.includes(k))) }),
    });
  }

  async listTags(resourceArn: string): Promise<Record<string, string>> {
    const name = await this.repositoryNameOf(resourceArn);
    return (await this.repositories.getEntity(name)).tags;
  }

  /** Only this account's repositories, in this region, can be tagged. */
  private async repositoryNameOf(resourceArn: string): Promise<string> {
    if (!resourceArn) throw repositoryError(RepositoryErrorCode.ResourceArnRequired, 'A valid Amazon Resource Name (ARN) is required.');
    const { accountId, region } = await this.upstreams.getAccount();
    const prefix = `arn:aws:codecommit:${region}:${accountId}:`;
    const name = resourceArn.startsWith(prefix) ? resourceArn.slice(prefix.length) : '';
    if (!/^[\w.-]{1,100}$/.test(name)) throw repositoryError(RepositoryErrorCode.InvalidResourceArn, `The value for the resource ARN is not valid: ${resourceArn}`);
    return name;
  }
}
