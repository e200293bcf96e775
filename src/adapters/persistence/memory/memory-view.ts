import type { Customer } from '../../../domain/customer/customer';
import type { WalletEntry } from '../../../domain/customer/wallet-entry';
import type { Order } from '../../../domain/order/order';
import type { InventoryMovement } from '../../../domain/product/inventory-movement';
import type { Product } from '../../../domain/product/product';
import type { MemoryTables, StagedTables } from './memory-tables';

type Table = 'customers' | 'products' | 'orders';
type RowOf<T extends Table> = T extends 'customers'
  ? Customer
  : T extends 'products'
    ? Product
    : Order;

/** What a repository sees: the committed tables, or a transaction's overlay on them. */
export interface MemoryView {
  get<T extends Table>(table: T, id: string): RowOf<T> | undefined;
  put<T extends Table>(table: T, row: RowOf<T>): void;
  rows<T extends Table>(table: T): RowOf<T>[];
  ledger(): WalletEntry[];
  append(entry: WalletEntry): void;
  movements(): InventoryMovement[];
  appendMovements(movements: readonly InventoryMovement[]): void;
}

export function committedView(tables: MemoryTables): MemoryView {
  return {
    get: (table, id) => tables[table].get(id) as never,
    put: (table, row) => void (tables[table] as Map<string, typeof row>).set(row.id, row),
    rows: (table) => [...tables[table].values()] as never,
    ledger: () => tables.ledger,
    append: (entry) => void tables.ledger.push(entry),
    movements: () => tables.inventory,
    appendMovements: (movements) => void tables.inventory.push(...movements),
  };
}

export function stagedView(staged: StagedTables): MemoryView {
  const { committed } = staged;
  return {
    get: (table, id) => (staged[table].get(id) ?? committed[table].get(id)) as never,
    put: (table, row) => void (staged[table] as Map<string, typeof row>).set(row.id, row),
    rows: (table) => {
      const merged = new Map<string, unknown>(committed[table]);
      for (const [id, row] of staged[table]) merged.set(id, row);
      return [...merged.values()] as never;
    },
    ledger: () => [...committed.ledger, ...staged.ledger],
    append: (entry) => void staged.ledger.push(entry),
    movements: () => [...committed.inventory, ...staged.inventory],
    appendMovements: (movements) => void staged.inventory.push(...movements),
  };
}
