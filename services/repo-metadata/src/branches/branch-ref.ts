import { isValidRefName } from '@cairn/git';
import { repositoryError as error, RepositoryErrorCode as Code } from '../repositories/repository.errors';

/** The full ref of a CodeCommit branch name, or the modelled error for a bad one. */
export function branchRef(branchName: string): string {
  if (!branchName) throw error(Code.BranchNameRequired, 'A branch name is required.');
  const ref = `refs/heads/${branchName}`;
  if (branchName.length > 256 || !isValidRefName(ref)) throw error(Code.InvalidBranchName, `The branch name ${branchName} is not valid.`);
  return ref;
}
