import type { RowDataPacket } from 'mysql2/promise';
import { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import type { WalletEntry } from '../../../src/domain/customer/wallet-entry';
import { createTestDatabase, type TestDatabase } from '../../support/mysql';
import { storeContracts } from '../store.contract';

type LedgerRow = RowDataPacket & WalletEntry;

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
      unitOfWork: mysql.unitOfWork,
      ledgerEntries: (customerId) =>
        database.query<LedgerRow>(
          `SELECT customer_id AS customerId, order_id AS orderId, kind, amount,
                  created_at AS createdAt
           FROM wallet_ledger WHERE customer_id = ? ORDER BY id`,
          [customerId],
        ),
    },
    teardown: async () => undefined,
  };
});
