import type { Customer } from '../../../domain/customer/customer';
import type { WalletEntry } from '../../../domain/customer/wallet-entry';
import type { Order } from '../../../domain/order/order';
import type { InventoryMovement } from '../../../domain/product/inventory-movement';
import type { Product } from '../../../domain/product/product';

/** The rows of the embedded store. Rows are immutable values: a write replaces a row. */
export interface MemoryTables {
  customers: Map<string, Customer>;
  products: Map<string, Product>;
  orders: Map<string, Order>;
  ledger: WalletEntry[];
  inventory: InventoryMovement[];
}

export function emptyTables(): MemoryTables {
  return {
    customers: new Map(),
    products: new Map(),
    orders: new Map(),
    ledger: [],
    inventory: [],
  };
}

/**
 * Reads fall through to the committed tables; writes stay in the overlay until commit, so a
 * rolled-back transaction leaves no trace and nobody outside it sees its writes early.
 */
export class StagedTables {
  readonly customers = new Map<string, Customer>();
  readonly products = new Map<string, Product>();
  readonly orders = new Map<string, Order>();
  readonly ledger: WalletEntry[] = [];
  readonly inventory: InventoryMovement[] = [];

  constructor(readonly committed: MemoryTables) {}

  commit(): void {
    for (const [id, row] of this.customers) this.committed.customers.set(id, row);
    for (const [id, row] of this.products) this.committed.products.set(id, row);
    for (const [id, row] of this.orders) this.committed.orders.set(id, row);
    this.committed.ledger.push(...this.ledger);
    this.committed.inventory.push(...this.inventory);
  }
}
