import type { RowDataPacket } from 'mysql2/promise';
import { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import type { WalletEntry } from '../../../src/domain/customer/wallet-entry';
import type { InventoryMovement } from '../../../src/domain/product/inventory-movement';
import { createTestDatabase, type TestDatabase } from '../../support/mysql';
import { storeContracts } from '../store.contract';

type LedgerRow = RowDataPacket & WalletEntry;
type MovementRow = RowDataPacket & InventoryMovement;

let database: TestDatabase;
let mysql: MysqlStore;

beforeAll(async () => {
  database = await createTestDatabase('store_contract');
  mysql = await MysqlStore.connect({ url: database.url, poolSize: 4 });
});

afterAll(async () => {
  await mysql?.close();
  await database?.drop();
});

// One database per file; each test starts from empty tables.
storeContracts(async () => {
  await database.clear();
  return {
    store: {
      customers: mysql.customers,
      products: mysql.products,
      orders: mysql.orders,
      ledger: mysql.ledger,
      inventory: mysql.inventory,
      unitOfWork: mysql.unitOfWork,
      ledgerEntries: (customerId) =>
        database.query<LedgerRow>(
          `SELECT customer_id AS customerId, order_id AS orderId, kind, amount,
                  created_at AS createdAt
           FROM wallet_ledger WHERE customer_id = ? ORDER BY id`,
          [customerId],
        ),
      inventoryMovements: (productId) =>
        database.query<MovementRow>(
          `SELECT product_id AS productId, order_id AS orderId, kind, quantity,
                  created_at AS createdAt
           FROM inventory_ledger WHERE product_id = ? ORDER BY id`,
          [productId],
        ),
    },
    teardown: async () => undefined,
  };
});
