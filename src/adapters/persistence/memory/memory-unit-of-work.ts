import type { Transaction, UnitOfWork } from '../../../application/ports/unit-of-work';
import type { MemoryTables } from './memory-tables';
import { StagedTables } from './memory-tables';
import { stagedView } from './memory-view';
import { MemoryCustomerRepository } from './memory-customer-repository';
import { MemoryInventoryLedger } from './memory-inventory-ledger';
import { MemoryOrderRepository } from './memory-order-repository';
import { MemoryProductRepository } from './memory-product-repository';
import { MemoryWalletLedger } from './memory-wallet-ledger';

/**
 * Transactions of the embedded store run one at a time (a lock over the whole store, the
 * strictest isolation), on an overlay that is applied only on commit.
 */
export class MemoryUnitOfWork implements UnitOfWork {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly tables: MemoryTables) {}

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.runAlone(work));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async runAlone<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const staged = new StagedTables(this.tables);
    const view = stagedView(staged);
    const result = await work({
      customers: new MemoryCustomerRepository(view),
      products: new MemoryProductRepository(view),
      orders: new MemoryOrderRepository(view),
      ledger: new MemoryWalletLedger(view),
      inventory: new MemoryInventoryLedger(view),
    });
    staged.commit();
    return result;
  }
}
