import type { CustomerRepository } from '../../src/application/ports/customer-repository';
import type { InventoryLedger } from '../../src/application/ports/inventory-ledger';
import type { OrderRepository } from '../../src/application/ports/order-repository';
import type { ProductRepository } from '../../src/application/ports/product-repository';
import type { UnitOfWork } from '../../src/application/ports/unit-of-work';
import type { WalletLedger } from '../../src/application/ports/wallet-ledger';
import type { WalletEntry } from '../../src/domain/customer/wallet-entry';
import type { InventoryMovement } from '../../src/domain/product/inventory-movement';
import type { CustomerId, ProductId } from '../../src/domain/shared/ids';

/** The store's ports, as one adapter provides them, plus what a test needs to look inside. */
export interface StoreUnderTest {
  customers: CustomerRepository;
  products: ProductRepository;
  orders: OrderRepository;
  ledger: WalletLedger;
  inventory: InventoryLedger;
  unitOfWork: UnitOfWork;
  /** The ledger port only appends: this reads a customer's committed entries, oldest first. */
  ledgerEntries(customerId: CustomerId): Promise<WalletEntry[]>;
  /** Likewise a product's committed stock movements, oldest first. */
  inventoryMovements(productId: ProductId): Promise<InventoryMovement[]>;
}

export interface StoreFixture {
  store: StoreUnderTest;
  teardown(): Promise<void>;
}

/** Each call gives an empty store (a new one, or the binding's one emptied). */
export type MakeStore = () => Promise<StoreFixture>;

/** A fresh store for every test of the calling describe block. */
export function useStore(makeStore: MakeStore): () => StoreUnderTest {
  let fixture: StoreFixture | undefined;
  beforeEach(async () => {
    fixture = await makeStore();
  });
  afterEach(async () => {
    await fixture?.teardown();
    fixture = undefined;
  });
  return () => {
    if (!fixture) throw new Error('The store exists only while a test runs');
    return fixture.store;
  };
}
