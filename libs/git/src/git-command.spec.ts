import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildArgv, isValidGitProtocol, runGit, runGitChecked, spawnGit } from './git-command';
import { GitCommandError, GitErrorCode } from './git.errors';

describe('buildArgv', () => {
  it('builds a known subcommand with allowed flags, ending options before user values', () => {
    expect(buildArgv({ gitDir: '/srv/r.git', subcommand: 'for-each-ref', flags: ['--format=%(refname)'], args: ['refs/heads/'] })).toEqual([
      '--git-dir=/srv/r.git',
      'for-each-ref',
      '--format=%(refname)',
      '--end-of-options',
      'refs/heads/',
    ]);
  });

  it('refuses unknown subcommands and flags', () => {
    expect(() => buildArgv({ subcommand: 'daemon' })).toThrow(expect.objectContaining({ code: GitErrorCode.NotAllowed }));
    expect(() => buildArgv({ subcommand: 'upload-pack', flags: ['--upload-pack=evil'] })).toThrow(expect.objectContaining({ code: GitErrorCode.NotAllowed }));
    // A flag that takes a value is only allowed with one.
    expect(() => buildArgv({ subcommand: 'for-each-ref', flags: ['--format'] })).toThrow(GitCommandError);
  });

  it('refuses a user value that git could read as an option', () => {
    for (const value of ['-x', '--upload-pack=touch /tmp/pwned', '--exec=sh']) {
      expect(() => buildArgv({ subcommand: 'rev-parse', args: [value] })).toThrow(expect.objectContaining({ code: GitErrorCode.InvalidArgument }));
    }
  });

  it('refuses config keys outside the allow-list and values with newlines', () => {
    expect(() => buildArgv({ subcommand: 'upload-pack', config: { 'core.sshCommand': 'x' } })).toThrow(GitCommandError);
    expect(() => buildArgv({ subcommand: 'upload-pack', config: { 'uploadpack.allowFilter': 'true\n[core]' } })).toThrow(GitCommandError);
  });

  it('requires an absolute git dir', () => {
    expect(() => buildArgv({ gitDir: 'relative.git', subcommand: 'rev-parse' })).toThrow(GitCommandError);
  });
});

describe('running git', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-git-lib-'));
  const repo = join(dir, 'r.git');

  beforeAll(async () => {
    await runGitChecked({ subcommand: 'init', flags: ['--bare', '--quiet', '--initial-branch=main'], args: [repo] });
  });

  it('ignores the environment a host might set (no global config, C locale)', async () => {
    process.env.GIT_DIR = '/nonexistent';
    try {
      const out = await runGitChecked({ gitDir: repo, subcommand: 'rev-parse', flags: ['--is-bare-repository'] });
      expect(out.toString().trim()).toBe('true');
    } finally {
      delete process.env.GIT_DIR;
    }
  });

  it('reports failures with git’s message', async () => {
    await expect(runGitChecked({ gitDir: repo, subcommand: 'rev-parse', flags: ['--verify', '--quiet'], args: ['refs/heads/none'] })).rejects.toThrow(/failed \(1\)/);
  });

  it('caps collected output', async () => {
    await expect(runGit({ gitDir: repo, subcommand: 'rev-parse', flags: ['--git-dir'] }, { maxOutputBytes: 2 })).rejects.toMatchObject({ code: GitErrorCode.OutputTooLarge });
  });

  it('kills an idle process and its children', async () => {
    // upload-pack waits for a request on stdin forever; the idle timer must end it.
    const proc = spawnGit({ subcommand: 'upload-pack', flags: ['--stateless-rpc'], args: [repo] }, { idleTimeoutMs: 200 });
    const started = Date.now();
    const code = await proc.wait();
    expect(code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('streams an advertisement', async () => {
    const proc = spawnGit({ subcommand: 'upload-pack', flags: ['--stateless-rpc', '--advertise-refs'], args: [repo], env: { GIT_PROTOCOL: 'version=2' } });
    proc.stdin.end();
    const chunks: Buffer[] = [];
    proc.stdout.on('data', (c: Buffer) => chunks.push(c));
    expect(await proc.wait()).toBe(0);
    expect(Buffer.concat(chunks).toString()).toContain('version 2');
  });

  it('refuses environment variables outside its closed set', () => {
    expect(() => spawnGit({ subcommand: 'upload-pack', args: [repo], env: { GIT_SSH_COMMAND: 'sh' } })).toThrow(GitCommandError);
  });
});

describe('isValidGitProtocol', () => {
  it('accepts what git sends and nothing else', () => {
    expect(isValidGitProtocol('version=2')).toBe(true);
    expect(isValidGitProtocol('version=2:object-format=sha1')).toBe(true);
    expect(isValidGitProtocol('version=2 --upload-pack=x')).toBe(false);
    expect(isValidGitProtocol('-x')).toBe(false);
    expect(isValidGitProtocol('')).toBe(false);
  });
});
