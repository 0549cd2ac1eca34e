import { runGit } from '@cairn/git';

/** One index stage of a path merge-ort left unmerged: 1 base, 2 destination ("ours"), 3 source. */
export interface ConflictStage {
  path: string;
  stage: 1 | 2 | 3;
  mode: string;
  id: string;
}

/** One of merge-ort's messages: the paths it concerns, its type ("CONFLICT (contents)", "Auto-merging"). */
export interface MergeMessage {
  paths: string[];
  type: string;
  message: string;
}

export interface MergeTreeResult {
  /** The merged tree; conflicted files hold conflict markers. */
  treeId: string;
  clean: boolean;
  stages: ConflictStage[];
  messages: MergeMessage[];
}

const MERGE_TREE_TIMEOUT_MS = 5 * 60_000;

/**
 * `git merge-tree --write-tree`: merge-ort between two commits with no work tree and no index.
 * The destination is git's "ours" (stage 2), the source "theirs" (stage 3), as in `git merge`
 * run on the destination branch.
 */
export async function mergeTree(gitDir: string, destinationId: string, sourceId: string): Promise<MergeTreeResult> {
  const result = await runGit(
    { gitDir, subcommand: 'merge-tree', flags: ['--write-tree', '-z', '--messages', '--allow-unrelated-histories'], args: [destinationId, sourceId] },
    { timeoutMs: MERGE_TREE_TIMEOUT_MS, maxOutputBytes: 512 * 1024 * 1024 },
  );
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error(`git merge-tree failed (${result.exitCode}): ${result.stderr.trim()}`);
  return { ...parseMergeTreeOutput(result.stdout), clean: result.exitCode === 0 };
}

/**
 * `-z` output: "<tree>\0", then "<mode> <id> <stage>\t<path>\0" per unmerged stage, then an empty
 * record, then messages as "<n>\0<path>\0…<type>\0<message>\0".
 */
export function parseMergeTreeOutput(out: Buffer): Omit<MergeTreeResult, 'clean'> {
  const records = out.toString('utf8').split('\0');
  const treeId = records[0];
  if (!/^[0-9a-f]{40}$/.test(treeId)) throw new Error(`unexpected merge-tree output ${JSON.stringify(treeId.slice(0, 100))}`);
  const stages: ConflictStage[] = [];
  let i = 1;
  for (; i < records.length && records[i] !== ''; i++) {
    const match = /^(\d{6}) ([0-9a-f]{40}) ([123])\t(.+)$/s.exec(records[i]);
    if (!match) throw new Error(`unexpected merge-tree entry ${JSON.stringify(records[i].slice(0, 200))}`);
    stages.push({ mode: match[1], id: match[2], stage: Number(match[3]) as 1 | 2 | 3, path: match[4] });
  }
  const messages: MergeMessage[] = [];
  for (i++; i < records.length; ) {
    const count = Number(records[i]);
    if (!records[i] || !Number.isInteger(count)) break;
    const paths = records.slice(i + 1, i + 1 + count);
    const type = records[i + 1 + count] ?? '';
    const message = (records[i + 2 + count] ?? '').trim();
    messages.push({ paths, type, message });
    i += count + 3;
  }
  return { treeId, stages, messages };
}
