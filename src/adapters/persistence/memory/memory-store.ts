import { emptyTables, type MemoryTables } from './memory-tables';
import { committedView } from './memory-view';
import { MemoryCustomerRepository } from './memory-customer-repository';
import { MemoryInventoryLedger } from './memory-inventory-ledger';
import { MemoryOrderRepository } from './memory-order-repository';
import { MemoryProductRepository } from './memory-product-repository';
import { MemoryWalletLedger } from './memory-wallet-ledger';
import { MemoryUnitOfWork } from './memory-unit-of-work';

/** The embedded store: every repository of it, outside and inside transactions. */
export class MemoryStore {
  readonly tables: MemoryTables = emptyTables();
  private readonly view = committedView(this.tables);
  readonly customers = new MemoryCustomerRepository(this.view);
  readonly products = new MemoryProductRepository(this.view);
  readonly orders = new MemoryOrderRepository(this.view);
  readonly ledger = new MemoryWalletLedger(this.view);
  readonly inventory = new MemoryInventoryLedger(this.view);
  readonly unitOfWork = new MemoryUnitOfWork(this.tables);
}
