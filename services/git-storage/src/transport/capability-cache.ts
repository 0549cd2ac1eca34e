import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGitChecked } from '@cairn/git';

/** Distinct (protocol, configuration) pairs remembered; far more than a node ever sees. */
const MAX_ENTRIES = 64;

/**
 * Protocol v2's answer to `upload-pack --advertise-refs`: the capability advertisement. It lists
 * no refs, so it is the same for every repository with the same configuration (which decides, for
 * instance, whether `filter` is offered) and the same git; spawning git for it cost a process per
 * clone and per fetch. It is read from git once per (Git-Protocol value, repository config file)
 * and served from memory after that.
 */
export class CapabilityAdvertisements {
  private readonly cache = new Map<string, Promise<Buffer>>();

  /** The advertisement git would write for this repository, or undefined when it is not protocol v2. */
  async forUploadPack(gitDir: string, gitProtocol: string): Promise<Buffer | undefined> {
    if (!isVersion2(gitProtocol)) return undefined;
    const config = await readFile(join(gitDir, 'config'));
    const key = `${gitProtocol}\0${createHash('sha256').update(config).digest('hex')}`;
    let advertisement = this.cache.get(key);
    if (!advertisement) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      advertisement = runGitChecked(
        { subcommand: 'upload-pack', flags: ['--stateless-rpc', '--advertise-refs'], args: [gitDir], env: { GIT_PROTOCOL: gitProtocol } },
        { timeoutMs: 30_000 },
      );
      this.cache.set(key, advertisement);
      // A failure is not remembered: the next request asks git again.
      advertisement.catch(() => this.cache.delete(key));
    }
    return advertisement;
  }
}

export function isVersion2(gitProtocol: string): boolean {
  return /(^|:)version=2(:|$)/.test(gitProtocol);
}
