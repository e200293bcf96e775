import { randomUUID } from 'node:crypto';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { migrateDatabase } from '../../../src/adapters/persistence/mysql/migrate';
import { MIGRATIONS } from '../../../src/adapters/persistence/mysql/migrations';
import { binaryIds } from '../../../src/adapters/persistence/mysql/migrations/0005-binary-ids';
import { parseMysqlUrl } from '../../../src/adapters/persistence/mysql/mysql-connection';
import { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import { PlaceOrder } from '../../../src/application/orders/place-order';
import { ProcessOrderJobs } from '../../../src/application/orders/process-order-jobs';
import { requestFingerprint } from '../../../src/application/orders/request-fingerprint';
import type { Order } from '../../../src/domain/order/order';
import { customerId, orderId, productId } from '../../../src/domain/shared/ids';
import { auditDatabase } from '../../../src/tools/mysql-invariant-audit';
import { createTestDatabase, withServerConnection, type TestDatabase } from '../../support/mysql';
import { ADMIN } from '../../support/tokens';
import { useCaseHarness } from '../../support/use-case-harness';

const BEFORE_0005 = MIGRATIONS.slice(0, MIGRATIONS.indexOf(binaryIds));

/** Runs `work` on a connection of its own to `database`, with no conversion of ids. */
async function onDatabase<T>(database: string, work: (c: Connection) => Promise<T>): Promise<T> {
  return withServerConnection(async (connection) => {
    await connection.query('USE ??', [database]);
    return work(connection);
  });
}

/** The schema as 0001–0004 left it, recorded as migrate.ts records it. */
async function migrateBefore0005(database: string): Promise<void> {
  await onDatabase(database, async (connection) => {
    await connection.query(
      `CREATE TABLE schema_migrations (
        name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    );
    for (const migration of BEFORE_0005) {
      for (const statement of migration.up) await connection.query(statement);
      await connection.query('INSERT INTO schema_migrations (name) VALUES (?)', [migration.name]);
    }
  });
}

const at = (minute: number) => new Date(Date.UTC(2025, 5, 1, 12, minute));

/** Rows as the service wrote them with CHAR(36) ids: every status, every kind of ledger row. */
function existingShop() {
  const ada = customerId(randomUUID());
  const bob = customerId(randomUUID());
  const lamp = productId(randomUUID());
  const bulb = productId(randomUUID());
  const order = (overrides: Partial<Order> & Pick<Order, 'customerId' | 'items'>): Order => ({
    id: orderId(randomUUID()),
    status: 'PENDING',
    total: null,
    failureReason: null,
    idempotencyKey: null,
    requestFingerprint: null,
    cancelRequestedAt: null,
    createdAt: at(10),
    updatedAt: at(10),
    ...overrides,
  });
  const completedItems = [
    { productId: lamp, quantity: 2, unitPrice: 1000 },
    { productId: bulb, quantity: 1, unitPrice: 500 },
  ];
  const orders = {
    completed: order({
      customerId: ada,
      items: completedItems,
      status: 'COMPLETED',
      total: 2500,
      idempotencyKey: 'checkout-1',
      requestFingerprint: requestFingerprint(
        ada,
        completedItems.map(({ productId: id, quantity }) => ({ productId: id, quantity })),
      ),
      createdAt: at(1),
      updatedAt: at(2),
    }),
    reversed: order({
      customerId: bob,
      items: [{ productId: lamp, quantity: 1, unitPrice: 1000 }],
      status: 'CANCELLED',
      total: 1000,
      cancelRequestedAt: at(4),
      createdAt: at(3),
      updatedAt: at(5),
    }),
    pending: order({
      customerId: ada,
      items: [{ productId: bulb, quantity: 1, unitPrice: null }],
      createdAt: at(6),
    }),
    failed: order({
      customerId: bob,
      items: [{ productId: bulb, quantity: 100, unitPrice: null }],
      status: 'FAILED',
      failureReason: 'INSUFFICIENT_STOCK',
      createdAt: at(7),
      updatedAt: at(8),
    }),
    withdrawn: order({
      customerId: ada,
      items: [{ productId: lamp, quantity: 1, unitPrice: null }],
      status: 'CANCELLED',
      cancelRequestedAt: at(9),
      createdAt: at(8),
      updatedAt: at(9),
    }),
  };
  return { ada, bob, lamp, bulb, orders };
}

type Shop = ReturnType<typeof existingShop>;

async function storeShop(database: string, shop: Shop): Promise<void> {
  const { ada, bob, lamp, bulb, orders } = shop;
  await onDatabase(database, async (c) => {
    await c.query('INSERT INTO customers VALUES ?', [
      [
        [ada, 'Ada', `ada.${ada}@example.com`, 10_000 + 300 - 2500, at(0), at(2)],
        [bob, 'Bob', `bob.${bob}@example.com`, 2000, at(0), at(5)],
      ],
    ]);
    await c.query('INSERT INTO products VALUES ?', [
      [
        [lamp, 'Lamp', 1000, 10 - 2, at(0), at(5)],
        [bulb, 'Bulb', 500, 5 - 1, at(0), at(2)],
      ],
    ]);
    const all = Object.values(orders);
    await c.query(
      `INSERT INTO orders (id, customer_id, status, total, failure_reason, idempotency_key,
         request_fingerprint, cancel_requested_at, created_at, updated_at) VALUES ?`,
      [
        all.map((o) => [
          o.id,
          o.customerId,
          o.status,
          o.total,
          o.failureReason,
          o.idempotencyKey,
          o.requestFingerprint,
          o.cancelRequestedAt,
          o.createdAt,
          o.updatedAt,
        ]),
      ],
    );
    await c.query(
      'INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) VALUES ?',
      [
        all.flatMap((o) =>
          o.items.map((item, line) => [o.id, line, item.productId, item.quantity, item.unitPrice]),
        ),
      ],
    );
    await c.query(
      'INSERT INTO wallet_ledger (customer_id, order_id, kind, amount, created_at) VALUES ?',
      [
        [
          [ada, null, 'OPENING', 10_000, at(0)],
          [bob, null, 'OPENING', 2000, at(0)],
          [ada, null, 'DEPOSIT', 300, at(0)],
          [ada, orders.completed.id, 'ORDER_DEBIT', -2500, at(2)],
          [bob, orders.reversed.id, 'ORDER_DEBIT', -1000, at(3)],
          [bob, orders.reversed.id, 'ORDER_REFUND', 1000, at(5)],
        ],
      ],
    );
    await c.query(
      'INSERT INTO inventory_ledger (product_id, order_id, kind, quantity, created_at) VALUES ?',
      [
        [
          [lamp, null, 'INITIAL', 10, at(0)],
          [bulb, null, 'INITIAL', 5, at(0)],
          [lamp, orders.completed.id, 'ORDER', -2, at(2)],
          [bulb, orders.completed.id, 'ORDER', -1, at(2)],
          [lamp, orders.reversed.id, 'ORDER', -1, at(3)],
          [lamp, orders.reversed.id, 'ORDER_CANCEL', 1, at(5)],
        ],
      ],
    );
  });
}

/** The pending order stays pending: the audit's allowance for it reaches back past its time. */
const auditOf = (database: TestDatabase) =>
  auditDatabase(database.url, { maxPendingAgeMs: Number.MAX_SAFE_INTEGER });

const failing = (report: Awaited<ReturnType<typeof auditDatabase>>) =>
  report.checks.filter((check) => check.violations.length > 0).map((check) => check.name);

/** Each id column of the service's tables, as `table.column type`. */
async function idColumnTypes(database: string): Promise<string[]> {
  return onDatabase(database, async (c) => {
    const [rows] = await c.query<RowDataPacket[]>(
      `SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME, ' ', COLUMN_TYPE) AS c
       FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME LIKE '%id'
         AND TABLE_NAME <> 'schema_migrations'`,
    );
    return rows.map((row) => String(row.c)).sort();
  });
}

const BINARY_ID_COLUMNS = [
  'customers.id binary(16)',
  'inventory_ledger.id bigint(20) unsigned',
  'inventory_ledger.order_id binary(16)',
  'inventory_ledger.product_id binary(16)',
  'order_items.order_id binary(16)',
  'order_items.product_id binary(16)',
  'orders.customer_id binary(16)',
  'orders.id binary(16)',
  'products.id binary(16)',
  'wallet_ledger.customer_id binary(16)',
  'wallet_ledger.id bigint(20) unsigned',
  'wallet_ledger.order_id binary(16)',
];

/** Every foreign key, as `table.constraint`. */
async function foreignKeys(database: string): Promise<string[]> {
  return onDatabase(database, async (c) => {
    const [rows] = await c.query<RowDataPacket[]>(
      `SELECT CONCAT(TABLE_NAME, '.', CONSTRAINT_NAME) AS fk
       FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`,
    );
    return rows.map((row) => String(row.fk)).sort();
  });
}

const FOREIGN_KEYS = [
  'inventory_ledger.fk_inventory_ledger_order',
  'inventory_ledger.fk_inventory_ledger_product',
  'order_items.fk_order_items_order',
  'wallet_ledger.fk_wallet_ledger_customer',
  'wallet_ledger.fk_wallet_ledger_order',
];

/** What the service must find after the migration: every old order, under its old id. */
async function expectShopServed(database: TestDatabase, shop: Shop): Promise<void> {
  const store = await MysqlStore.connect({ url: database.url, poolSize: 2 });
  try {
    for (const order of Object.values(shop.orders)) {
      expect(await store.orders.findById(order.id)).toStrictEqual(order);
    }
    expect(await store.orders.findByIdempotencyKey(shop.ada, 'checkout-1')).toStrictEqual(
      shop.orders.completed,
    );
    const page = await store.orders.listByCustomer(shop.ada, { limit: 10, after: null });
    expect(page.items.map((order) => order.id)).toEqual([
      shop.orders.withdrawn.id,
      shop.orders.pending.id,
      shop.orders.completed.id,
    ]);
    expect((await store.customers.findById(shop.ada))?.balance).toBe(7800);
    expect((await store.products.findById(shop.lamp))?.stock).toBe(8);
    expect(await store.ledger.creditedTotal(shop.ada)).toBe(10_300);
    expect(await store.inventory.suppliedTotal(shop.lamp)).toBe(10);
  } finally {
    await store.close();
  }
  expect(failing(await auditOf(database))).toEqual([]);
}

describe('migration 0005 on a database of CHAR(36) ids with orders in it', () => {
  const databases: TestDatabase[] = [];

  async function shopBefore0005(label: string): Promise<{ database: TestDatabase; shop: Shop }> {
    const database = await createTestDatabase(label);
    databases.push(database);
    await migrateBefore0005(database.name);
    const shop = existingShop();
    await storeShop(database.name, shop);
    return { database, shop };
  }

  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it('keeps every order under its id, and the service places and settles new ones', async () => {
    const { database, shop } = await shopBefore0005('migrate_0005');
    expect(failing(await auditOf(database))).toEqual([]);

    expect(await migrateDatabase(parseMysqlUrl(database.url))).toEqual([binaryIds.name]);

    expect(await idColumnTypes(database.name)).toEqual(BINARY_ID_COLUMNS);
    expect(await foreignKeys(database.name)).toEqual(FOREIGN_KEYS);
    await expectShopServed(database, shop);
    const h = await useCaseHarness({ DATABASE_URL: database.url, DB_POOL_SIZE: '2' });
    try {
      const { order } = await h.get(PlaceOrder).execute(ADMIN, {
        customerId: shop.bob,
        items: [{ productId: shop.lamp, quantity: 1 }],
        idempotencyKey: null,
      });
      await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order.id }]);
      const replay = await h.get(PlaceOrder).execute(ADMIN, {
        customerId: shop.ada,
        items: shop.orders.completed.items.map((item) => ({
          productId: item.productId,
          quantity: item.quantity,
        })),
        idempotencyKey: 'checkout-1',
      });

      expect(replay).toEqual({ order: shop.orders.completed, replayed: true });
      const store = await MysqlStore.connect({ url: database.url, poolSize: 1 });
      try {
        expect((await store.orders.findById(order.id))?.status).toBe('COMPLETED');
        expect((await store.customers.findById(shop.bob))?.balance).toBe(1000);
        expect((await store.products.findById(shop.lamp))?.stock).toBe(7);
      } finally {
        await store.close();
      }
    } finally {
      await h.close();
    }
    expect(failing(await auditOf(database))).toEqual([]);
  });

  /** The index just past the first statement of 0005 that matches, plus `more`. */
  const after = (pattern: RegExp, more = 0) =>
    binaryIds.up.findIndex((statement) => pattern.test(statement)) + 1 + more;

  // A guarded ALTER is four statements: SET, PREPARE, EXECUTE (the ALTER), DEALLOCATE.
  it.each([
    ['the foreign keys are dropped', after(/'ALTER TABLE customers MODIFY id VARBINARY/) - 1],
    ['orders holds bytes in VARBINARY(36)', after(/^UPDATE orders/)],
    ['order_items is VARBINARY(36), still text', after(/'ALTER TABLE order_items MODIFY/, 2)],
    ['wallet_ledger holds bytes, without its keys', after(/^UPDATE wallet_ledger/)],
    ['everything is converted but nothing recorded', binaryIds.up.length],
  ])('goes on from a run stopped when %s', async (_, done) => {
    const { database, shop } = await shopBefore0005('migrate_0005_resume');
    await onDatabase(database.name, async (c) => {
      for (const statement of binaryIds.up.slice(0, done)) await c.query(statement);
    });

    expect(await migrateDatabase(parseMysqlUrl(database.url))).toEqual([binaryIds.name]);

    expect(await idColumnTypes(database.name)).toEqual(BINARY_ID_COLUMNS);
    expect(await foreignKeys(database.name)).toEqual(FOREIGN_KEYS);
    await expectShopServed(database, shop);
  });
});
