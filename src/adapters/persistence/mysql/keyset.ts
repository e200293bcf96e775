import type { PageRequest } from '../../../domain/shared/page';
import { idToLookup } from './binary-id';

/**
 * The WHERE fragment and values for one newest-first page on (created_at DESC, id DESC): rows
 * strictly older than the cursor. Spelled as an OR so both MySQL and MariaDB read it as index
 * ranges; with no cursor it matches everything.
 */
export function olderThanCursor(page: PageRequest, alias = ''): { sql: string; values: unknown[] } {
  if (!page.after) return { sql: 'TRUE', values: [] };
  const { createdAt, id } = page.after;
  return {
    sql: `(${alias}created_at < ? OR (${alias}created_at = ? AND ${alias}id < ?))`,
    values: [createdAt, createdAt, idToLookup(id)],
  };
}
