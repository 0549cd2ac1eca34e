import { repositoryNameProblem } from '@cairn/contracts';
import { repositoryError, RepositoryErrorCode } from './repository.errors';

export function validateRepositoryName(name: string): void {
  if (!name) throw repositoryError(RepositoryErrorCode.NameRequired, 'A repository name is required, but was not specified.');
  const problem = repositoryNameProblem(name);
  if (problem) throw repositoryError(RepositoryErrorCode.InvalidName, problem);
}

export function validateDescription(description: string): void {
  if (description.length > 1000) throw repositoryError(RepositoryErrorCode.InvalidDescription, 'The repository description exceeds the maximum of 1,000 characters.');
}

/** Tag rules of AWS resource tagging: at most 50, keys 1–128, values ≤ 256, no "aws:" keys. */
export function validateTags(tags: Record<string, string>): void {
  const entries = Object.entries(tags);
  if (entries.length > 50) throw repositoryError(RepositoryErrorCode.TooManyTags, 'A resource can have at most 50 tags.');
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128 || value.length > 256) throw repositoryError(RepositoryErrorCode.InvalidTagsMap, `Invalid tag ${JSON.stringify(key)}.`);
    if (key.toLowerCase().startsWith('aws:')) throw repositoryError(RepositoryErrorCode.InvalidSystemTagUsage, 'Tag keys starting with "aws:" are reserved.');
  }
}

/** KMS key ids as the model allows them: key ids, key ARNs, alias names and alias ARNs. */
export function validateKmsKeyId(kmsKeyId: string): void {
  if (kmsKeyId.length > 2048 || !/^[a-zA-Z0-9:/_-]+$/.test(kmsKeyId)) throw repositoryError(RepositoryErrorCode.EncryptionKeyInvalidId, 'The Key Management Service encryption key is not valid.');
}
