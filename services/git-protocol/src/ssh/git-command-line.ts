import type { GitService } from '../auth/git-access';

export type GitCommandLine = { service: GitService; repositoryName: string } | { error: string };

const COMMAND = /^(git-upload-pack|git-receive-pack|git upload-pack|git receive-pack) +(.+)$/s;
const PATH = /^\/?v1\/repos\/([^/]+)\/?$/;

/**
 * The command an SSH client asks to run: `git-upload-pack '/v1/repos/<name>'` or
 * `git-receive-pack …`, as git sends it (single-quoted), or unquoted, with or without the leading
 * slash. Anything else is refused: Cairn runs no command of the client's choosing.
 */
export function parseGitCommandLine(command: string): GitCommandLine {
  const match = COMMAND.exec(command.trim());
  if (!match) return { error: `Cairn only serves git over SSH (git-upload-pack or git-receive-pack), not ${JSON.stringify(command.slice(0, 100))}` };
  const service = match[1].replace(' ', '-') as GitService;
  let path = match[2];
  const quoted = /^'([^']*)'$/.exec(path);
  if (quoted) path = quoted[1];
  else if (/['"\\\s]/.test(path)) return { error: `unsupported quoting in repository path ${JSON.stringify(path.slice(0, 200))}` };
  const repository = PATH.exec(path);
  if (!repository) return { error: `repository path must be /v1/repos/<name>, not ${JSON.stringify(path.slice(0, 200))}` };
  return { service, repositoryName: repository[1] };
}
