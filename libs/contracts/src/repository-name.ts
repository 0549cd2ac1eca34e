/**
 * CodeCommit's repository naming rules: 1–100 characters of letters, digits, `.`, `_` and `-`,
 * not `.` or `..`, and not ending in `.git`. Returns a reason when the name is invalid.
 */
export function repositoryNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'A repository name is required.';
  if (name.length > 100) return 'The repository name exceeds the maximum length of 100 characters.';
  if (!/^[\w.-]+$/.test(name)) return 'A repository name may only contain letters, digits, periods, underscores and hyphens.';
  if (name === '.' || name === '..') return 'A repository name cannot be "." or "..".';
  if (name.toLowerCase().endsWith('.git')) return 'A repository name cannot end with ".git".';
  return undefined;
}
