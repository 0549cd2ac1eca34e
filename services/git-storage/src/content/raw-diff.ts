import { spawnGit } from '@cairn/git';
import { RawDiffParser, RawDifference } from './git-objects';

/** `git diff-tree` of two trees, record by record; stopping early ends the process. */
export async function* rawDiff(dir: string, flags: string[], beforeTree: string, afterTree: string): AsyncGenerator<RawDifference> {
  const proc = spawnGit({ gitDir: dir, subcommand: 'diff-tree', flags, args: [beforeTree, afterTree] }, { idleTimeoutMs: 60_000 });
  proc.stdin.end();
  const parser = new RawDiffParser();
  let finished = false;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) yield* parser.push(chunk);
    const code = await proc.wait();
    if (code !== 0 || !parser.complete) throw new Error(`git diff-tree failed (${code}): ${proc.stderr.trim()}`);
    finished = true;
  } finally {
    // A full page stops the comparison early.
    if (!finished) proc.kill();
  }
}

