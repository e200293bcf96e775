import { customerRepositoryContract } from './customer-repository.contract';
import { inventoryLedgerContract } from './inventory-ledger.contract';
import { orderRepositoryContract } from './order-repository.contract';
import { productRepositoryContract } from './product-repository.contract';
import { unitOfWorkContract } from './unit-of-work.contract';
import { walletLedgerContract } from './wallet-ledger.contract';
import type { MakeStore } from './store-under-test';

/** Every port of the store: what a binding file runs against its adapter. */
export function storeContracts(makeStore: MakeStore): void {
  customerRepositoryContract(makeStore);
  productRepositoryContract(makeStore);
  orderRepositoryContract(makeStore);
  walletLedgerContract(makeStore);
  inventoryLedgerContract(makeStore);
  unitOfWorkContract(makeStore);
}
