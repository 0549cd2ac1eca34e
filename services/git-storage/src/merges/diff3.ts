import { diffArrays } from 'diff';

/** A run of lines in one version of a file: 0-based start, length (0 for an insertion point). */
export interface LineRange {
  start: number;
  count: number;
}

/** One changed run of a side against the base. */
interface SideChange {
  base: LineRange;
  side: LineRange;
}

/** One region of a three-way comparison where at least one side differs from the base. */
export interface MergeRegion {
  conflict: boolean;
  base: LineRange;
  source: LineRange;
  destination: LineRange;
}

/** Lines with their terminators, so a missing final newline is a difference, as git sees it. */
export function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

/** git's binary heuristic: a NUL byte in the first 8,000 bytes. */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

/** The changed runs of `side` against `base`, in base order. */
export function lineChanges(base: string[], side: string[]): SideChange[] {
  const changes: SideChange[] = [];
  let b = 0;
  let s = 0;
  let open: SideChange | undefined;
  for (const part of diffArrays(base, side)) {
    if (!part.added && !part.removed) {
      open = undefined;
      b += part.count;
      s += part.count;
      continue;
    }
    if (!open) {
      open = { base: { start: b, count: 0 }, side: { start: s, count: 0 } };
      changes.push(open);
    }
    if (part.removed) {
      open.base.count += part.count;
      b += part.count;
    } else {
      open.side.count += part.count;
      s += part.count;
    }
  }
  return changes;
}

const end = (r: LineRange) => r.start + r.count;

/**
 * diff3: the regions where source or destination changed the base. Changes of the two sides that
 * overlap or touch in the base form one region, which conflicts unless both sides made it the
 * same; changes of one side alone are clean regions. Regions come in base order.
 */
export function mergeRegions(base: string[], source: string[], destination: string[]): MergeRegion[] {
  const bySide = { source: lineChanges(base, source), destination: lineChanges(base, destination) };
  const tagged = [
    ...bySide.source.map((change) => ({ change, side: 'source' as const })),
    ...bySide.destination.map((change) => ({ change, side: 'destination' as const })),
  ].sort((a, b) => a.change.base.start - b.change.base.start || end(a.change.base) - end(b.change.base));

  const regions: MergeRegion[] = [];
  for (let i = 0; i < tagged.length; ) {
    const lo = tagged[i].change.base.start;
    let hi = end(tagged[i].change.base);
    const members = [tagged[i]];
    for (i++; i < tagged.length; i++) {
      const next = tagged[i].change.base;
      // Touching counts: two sides editing adjacent lines is a conflict, as git decides it.
      const joins = next.start < hi || (next.start === hi && members.some((m) => m.side !== tagged[i].side));
      if (!joins) break;
      members.push(tagged[i]);
      hi = Math.max(hi, end(next));
    }
    const sourceRange = sideRange(bySide.source, members.filter((m) => m.side === 'source').map((m) => m.change), lo, hi);
    const destinationRange = sideRange(bySide.destination, members.filter((m) => m.side === 'destination').map((m) => m.change), lo, hi);
    const bothChanged = members.some((m) => m.side === 'source') && members.some((m) => m.side === 'destination');
    const same = bothChanged && source.slice(sourceRange.start, end(sourceRange)).join('') === destination.slice(destinationRange.start, end(destinationRange)).join('');
    regions.push({ conflict: bothChanged && !same, base: { start: lo, count: hi - lo }, source: sourceRange, destination: destinationRange });
  }
  return regions;
}

/** Where base lines [lo, hi) landed in one side, given that side's changes inside the region. */
function sideRange(all: SideChange[], inside: SideChange[], lo: number, hi: number): LineRange {
  if (inside.length === 0) {
    // Untouched by this side: the base lines, shifted by this side's earlier changes.
    const shift = all.filter((c) => end(c.base) <= lo).reduce((sum, c) => sum + c.side.count - c.base.count, 0);
    return { start: lo + shift, count: hi - lo };
  }
  const first = inside[0];
  const last = inside[inside.length - 1];
  const start = first.side.start - (first.base.start - lo);
  return { start, count: end(last.side) + (hi - end(last.base)) - start };
}
