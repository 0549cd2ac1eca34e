import { join } from 'node:path';
import { makeTempDir } from '@cairn/testing';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { codeCommitClient, commitAll, createRepository, gitAsync, initSource, remoteRefs, writeRandomFile } from './support/fixtures';
import { git, Stack } from './support/stack';

const SIZE = 200 * 1024 * 1024;

/** A 200 MB file (random, so nothing compresses it) through a real push and a real clone. */
describe('large push', () => {
  const work = makeTempDir('cairn-large-');
  const stack = new Stack(makeTempDir('cairn-large-data-'));
  let client: CodeCommitClient;

  beforeAll(async () => {
    await stack.start();
    client = codeCommitClient(stack);
  }, 240_000);

  afterAll(async () => {
    client?.destroy();
    await stack.stop();
  });

  it('pushes a 200 MB file and clones it back with the same blob id', async () => {
    await createRepository(client, 'large');
    const source = initSource(join(work, 'src'));
    // Storing the blob uncompressed locally saves the client a deflate of 200 MB; the push
    // still sends a normal pack.
    git(['config', 'core.compression', '0'], { cwd: source });
    const head = commitAll(source, 'a large file', (d) => writeRandomFile(join(d, 'large.bin'), SIZE));
    const blob = git(['rev-parse', 'HEAD:large.bin'], { cwd: source }).trim();

    const push = await gitAsync(['push', stack.gitUrl('large'), 'main'], { cwd: source, timeoutMs: 300_000 }).done;
    expect(push.stderr).not.toMatch(/error|fatal/i);
    expect(push.status).toBe(0);
    expect(remoteRefs(stack.gitUrl('large'))['refs/heads/main']).toBe(head);

    const clone = join(work, 'clone');
    const cloned = await gitAsync(['clone', '-q', '--no-checkout', stack.gitUrl('large'), clone], { timeoutMs: 300_000 }).done;
    expect(cloned).toMatchObject({ status: 0 });
    expect(git(['rev-parse', 'HEAD:large.bin'], { cwd: clone }).trim()).toBe(blob);
    expect(git(['cat-file', '-s', blob], { cwd: clone }).trim()).toBe(String(SIZE));
    // Every object arrived whole: fsck inflates and hashes the 200 MB again.
    git(['fsck', '--no-progress', '--strict'], { cwd: clone });
  }, 600_000);
});
