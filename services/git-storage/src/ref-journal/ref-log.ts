export interface CommittedRefUpdate {
  ref: string;
  oldId: string;
  newId: string;
}

/**
 * Folds the reference-transaction hook's "committed" lines into one change per ref.
 * git reports some updates in more than one transaction (a packed ref's deletion shows up as
 * a loose-ref no-op and then the packed-refs change), so per ref the first old id and the last
 * new id win, and no-ops are dropped.
 */
export function collapseRefLog(log: string): CommittedRefUpdate[] {
  const byRef = new Map<string, CommittedRefUpdate>();
  for (const line of log.split('\n')) {
    const match = /^([0-9a-f]{40}) ([0-9a-f]{40}) (refs\/\S+)$/.exec(line.trim());
    if (!match) continue;
    const [, oldId, newId, ref] = match;
    if (oldId === newId) continue;
    const seen = byRef.get(ref);
    if (seen) seen.newId = newId;
    else byRef.set(ref, { ref, oldId, newId });
  }
  return [...byRef.values()].filter((u) => u.oldId !== u.newId);
}
