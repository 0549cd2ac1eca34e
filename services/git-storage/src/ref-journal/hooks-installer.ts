import { Inject, Injectable } from '@nestjs/common';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STORAGE_CONFIG, StorageConfig } from '../config';

/**
 * git's reference-transaction hook sees every ref update, whatever command made it, once the
 * update is committed. It is the one code path through which reference changes leave git:
 * the hook appends them to a file named by the process that started git (CAIRN_REF_LOG), and
 * that process turns them into journal entries. Replication will vote in the "prepared" state.
 */
const REFERENCE_TRANSACTION_HOOK = `#!/bin/sh
# Installed by Cairn's git-storage. Records committed reference updates; never edit by hand.
[ "$1" = committed ] || { cat >/dev/null; exit 0; }
if [ -n "$CAIRN_REF_LOG" ]; then cat >>"$CAIRN_REF_LOG"; else cat >/dev/null; fi
`;

@Injectable()
export class HooksInstaller {
  readonly hooksDir: string;

  constructor(@Inject(STORAGE_CONFIG) config: StorageConfig) {
    this.hooksDir = join(config.dataDir, 'hooks');
  }

  async install(): Promise<void> {
    await mkdir(this.hooksDir, { recursive: true });
    const path = join(this.hooksDir, 'reference-transaction');
    await writeFile(path, REFERENCE_TRANSACTION_HOOK);
    await chmod(path, 0o755);
  }
}
