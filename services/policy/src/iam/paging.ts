import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { constraintError, iamErrors } from './iam-errors';

/** IAM's list paging: an opaque marker where the previous page ended, and 1-1000 items a page. */
export interface PageRequest {
  marker: string;
  maxItems: number;
}

export interface Page<T> {
  items: T[];
  isTruncated: boolean;
  marker: string;
}

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

function pageSize(maxItems: number): number {
  if (maxItems === 0) return DEFAULT_PAGE;
  if (!Number.isInteger(maxItems) || maxItems < 1) throw constraintError('maxItems', String(maxItems), 'Member must have value greater than or equal to 1');
  if (maxItems > MAX_PAGE) throw constraintError('maxItems', String(maxItems), `Member must have value less than or equal to ${MAX_PAGE}`);
  return maxItems;
}

function encodeMarker(key: string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeMarker(marker: string, length: number): string[] | undefined {
  if (marker === '') return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === length && key.every((k) => typeof k === 'string')) return key as string[];
  } catch {
    // reported below
  }
  throw iamErrors.validation('Invalid Marker.');
}

/**
 * One page of a query, ordered by two columns whose pair is unique (a name and an id), resuming
 * after the marker's pair: pages stay consistent while rows are added or removed.
 */
export async function keysetPage<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  columns: [string, string],
  keyOf: (row: T) => [string, string],
  page: PageRequest,
): Promise<Page<T>> {
  const size = pageSize(page.maxItems);
  const after = decodeMarker(page.marker, 2);
  if (after) query.andWhere(`(${columns[0]}, ${columns[1]}) > (:afterFirst, :afterSecond)`, { afterFirst: after[0], afterSecond: after[1] });
  const rows = await query.orderBy(columns[0], 'ASC').addOrderBy(columns[1], 'ASC').limit(size + 1).getMany();
  return finish(rows, size, (row) => keyOf(row));
}

/** The same over a list already in memory (a user's keys, a policy's versions: a handful). */
export function memoryPage<T>(all: T[], keyOf: (item: T) => string, page: PageRequest): Page<T> {
  const size = pageSize(page.maxItems);
  const after = decodeMarker(page.marker, 1)?.[0];
  const sorted = all.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter(({ key }) => key > after);
  const { items, isTruncated, marker } = finish(rest.slice(0, size + 1), size, (entry) => [entry.key]);
  return { items: items.map((entry) => entry.item), isTruncated, marker };
}

function finish<R>(rows: R[], size: number, keyOf: (row: R) => string[]): Page<R> {
  const items = rows.slice(0, size);
  const isTruncated = rows.length > size;
  return { items, isTruncated, marker: isTruncated ? encodeMarker(keyOf(items[items.length - 1]!)) : '' };
}
