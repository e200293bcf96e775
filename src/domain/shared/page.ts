/** Keyset position: rows strictly older than (createdAt, id) in newest-first order. */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

export interface PageRequest {
  limit: number;
  after: PageCursor | null;
}

export interface Page<T> {
  items: T[];
  next: PageCursor | null;
}

/** Given `limit + 1` rows in newest-first order, the page and the cursor of its last row. */
export function toPage<T extends { createdAt: Date; id: string }>(
  rows: T[],
  limit: number,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const next = rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null;
  return { items, next };
}

/** Newest first: later createdAt, then larger id. */
export function compareNewestFirst(
  a: { createdAt: Date; id: string },
  b: { createdAt: Date; id: string },
): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function isAfterCursor(row: { createdAt: Date; id: string }, cursor: PageCursor): boolean {
  return compareNewestFirst(cursor, row) < 0;
}
