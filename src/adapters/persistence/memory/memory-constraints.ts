import type { MemoryView } from './memory-view';

/** The store's CHECK constraints, as MySQL enforces them. */
export function checkNonNegative(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`CHECK failed: ${what} >= 0`);
}

/** MySQL refuses a second row with the same primary key; a Map would silently replace it. */
export function checkNewId(
  view: MemoryView,
  table: 'customers' | 'products' | 'orders',
  id: string,
): void {
  if (view.get(table, id)) throw new Error(`PRIMARY KEY failed: ${table} ${id}`);
}
