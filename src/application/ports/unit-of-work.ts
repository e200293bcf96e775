import type { CustomerRepository } from './customer-repository';
import type { InventoryLedger } from './inventory-ledger';
import type { OrderRepository } from './order-repository';
import type { ProductRepository } from './product-repository';
import type { WalletLedger } from './wallet-ledger';

/** Repositories bound to one open transaction. */
export interface Transaction {
  customers: CustomerRepository;
  products: ProductRepository;
  orders: OrderRepository;
  ledger: WalletLedger;
  inventory: InventoryLedger;
}

export interface UnitOfWork {
  /**
   * Runs `work` in one transaction: commits when it resolves, rolls back when it throws. A
   * deadlock or lock timeout re-runs `work` a few times before ConcurrencyConflictError is thrown,
   * so `work` must not publish or call anything outside the transaction.
   */
  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}
