import { runGitChecked } from '@cairn/git';

/** The commit a full ref points at, or undefined when it does not exist. */
export async function refTip(gitDir: string, ref: string): Promise<string | undefined> {
  const out = await runGitChecked({ gitDir, subcommand: 'for-each-ref', flags: ['--format=%(objectname) %(refname)'], args: [ref] }, { timeoutMs: 60_000 });
  return out
    .toString()
    .split('\n')
    .find((line) => line.slice(41) === ref)
    ?.slice(0, 40);
}
