import {
  compareNewestFirst,
  isAfterCursor,
  toPage,
  type Page,
  type PageRequest,
} from '../../../domain/shared/page';

/** Newest first, after the request's cursor, as the MySQL store's keyset pages are. */
export function page<T extends { createdAt: Date; id: string }>(
  rows: T[],
  request: PageRequest,
): Page<T> {
  const { after } = request;
  const sorted = rows.filter((row) => !after || isAfterCursor(row, after)).sort(compareNewestFirst);
  return toPage(sorted.slice(0, request.limit + 1), request.limit);
}
