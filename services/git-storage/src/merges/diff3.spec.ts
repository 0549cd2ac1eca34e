import { mergeRegions, splitLines } from './diff3';

const lines = (...l: string[]) => l.map((x) => `${x}\n`);
const text = (all: string[], r: { start: number; count: number }) => all.slice(r.start, r.start + r.count).join('');

describe('diff3 merge regions', () => {
  const base = lines('1', '2', '3', '4', '5', '6', '7', '8', '9');

  it('finds no region when neither side changed', () => {
    expect(mergeRegions(base, base, base)).toEqual([]);
  });

  it('keeps one-sided changes clean and places them in each version', () => {
    const source = lines('1', 'two', '3', '4', '5', '6', '7', '8', '9');
    const destination = lines('1', '2', '3', '4', '5', '6', '7', 'eight', 'eight-b', '9');
    const regions = mergeRegions(base, source, destination);
    expect(regions).toHaveLength(2);
    expect(regions.every((r) => !r.conflict)).toBe(true);
    expect(text(source, regions[0].source)).toBe('two\n');
    expect(text(destination, regions[0].destination)).toBe('2\n');
    expect(text(base, regions[1].base)).toBe('8\n');
    expect(text(destination, regions[1].destination)).toBe('eight\neight-b\n');
    expect(text(source, regions[1].source)).toBe('8\n');
  });

  it('marks overlapping different changes as a conflict with each side’s lines', () => {
    const source = lines('1', '2', 'S', '4', '5', '6', '7', '8', '9');
    const destination = lines('1', '2', 'D1', 'D2', '4', '5', '6', '7', '8', '9');
    const [region] = mergeRegions(base, source, destination);
    expect(region.conflict).toBe(true);
    expect(text(base, region.base)).toBe('3\n');
    expect(text(source, region.source)).toBe('S\n');
    expect(text(destination, region.destination)).toBe('D1\nD2\n');
  });

  it('treats the same change on both sides as clean', () => {
    const both = lines('1', '2', 'X', '4', '5', '6', '7', '8', '9');
    const regions = mergeRegions(base, both, both);
    expect(regions).toHaveLength(1);
    expect(regions[0].conflict).toBe(false);
  });

  it('joins changes of the two sides on adjacent lines into one conflict, as git does', () => {
    const source = lines('1', 'A', '3', '4', '5', '6', '7', '8', '9');
    const destination = lines('1', '2', 'B', '4', '5', '6', '7', '8', '9');
    const regions = mergeRegions(base, source, destination);
    expect(regions).toHaveLength(1);
    expect(regions[0].conflict).toBe(true);
    expect(text(base, regions[0].base)).toBe('2\n3\n');
  });

  it('handles insertions at the same point and deletions', () => {
    const source = [...base, 'tail-s\n'];
    const destination = [...base, 'tail-d\n'];
    const [region] = mergeRegions(base, source, destination);
    expect(region.conflict).toBe(true);
    expect(region.base).toEqual({ start: 9, count: 0 });
    expect(text(source, region.source)).toBe('tail-s\n');

    const deleted = mergeRegions(base, lines('1', '2', '3', '4', '6', '7', '8', '9'), base);
    expect(deleted).toEqual([{ conflict: false, base: { start: 4, count: 1 }, source: { start: 4, count: 0 }, destination: { start: 4, count: 1 } }]);
  });

  it('sees a missing final newline as a change', () => {
    expect(splitLines('a\nb')).toEqual(['a\n', 'b']);
    expect(mergeRegions(splitLines('a\nb\n'), splitLines('a\nb'), splitLines('a\nb\n'))).toHaveLength(1);
  });
});
