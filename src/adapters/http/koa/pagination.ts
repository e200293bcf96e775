import { ValidationError } from '../../../domain/shared/domain-error';
import type { Page, PageCursor, PageRequest } from '../../../domain/shared/page';
import { Id } from './schemas';
import { z } from './zod';

const Position = z.strictObject({ createdAt: z.iso.datetime(), id: Id });

/** The cursor is the keyset position of a page's last row, opaque to clients. */
export function encodeCursor(position: PageCursor): string {
  const json = JSON.stringify({ createdAt: position.createdAt.toISOString(), id: position.id });
  return Buffer.from(json, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): PageCursor {
  const invalid = new ValidationError('The request is invalid', [
    { path: 'cursor', message: 'is not a cursor from this API' },
  ]);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const position = Position.safeParse(decoded);
  if (!position.success) throw invalid;
  return { createdAt: new Date(position.data.createdAt), id: position.data.id };
}

export function pageRequest(query: { limit: number; cursor?: string | undefined }): PageRequest {
  return { limit: query.limit, after: query.cursor ? decodeCursor(query.cursor) : null };
}

export function presentPage<T, R>(page: Page<T>, present: (item: T) => R) {
  return {
    data: page.items.map(present),
    nextCursor: page.next ? encodeCursor(page.next) : null,
  };
}
