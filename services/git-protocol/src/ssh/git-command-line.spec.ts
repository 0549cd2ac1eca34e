import { parseGitCommandLine } from './git-command-line';

describe('parseGitCommandLine', () => {
  it.each([
    [`git-upload-pack '/v1/repos/my-repo'`, 'git-upload-pack', 'my-repo'],
    [`git-receive-pack '/v1/repos/my-repo'`, 'git-receive-pack', 'my-repo'],
    [`git-upload-pack 'v1/repos/my.repo'`, 'git-upload-pack', 'my.repo'],
    [`git-upload-pack /v1/repos/-x`, 'git-upload-pack', '-x'],
    [`git upload-pack '/v1/repos/a_b'`, 'git-upload-pack', 'a_b'],
  ])('accepts %s', (command, service, repositoryName) => {
    expect(parseGitCommandLine(command)).toEqual({ service, repositoryName });
  });

  it.each([
    '',
    'ls',
    'sh -c id',
    `git-upload-archive '/v1/repos/x'`,
    `git-upload-pack '../x'`,
    `git-upload-pack '/v1/repos/../x/y'`,
    `git-upload-pack '/v1/repos/x'; rm -rf /`,
    `git-upload-pack "/v1/repos/x"`,
    `git-upload-pack '/v1/repos/x' extra`,
    `git-upload-pack '/etc/passwd'`,
    'git-upload-pack --help',
    `git-upload-pack --help '/v1/repos/x'`,
    `git-receive-pack '/v1/repos/x' --strict`,
  ])('refuses %j', (command) => {
    expect(parseGitCommandLine(command)).toHaveProperty('error');
  });
});
