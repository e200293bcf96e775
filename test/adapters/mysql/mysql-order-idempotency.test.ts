import type { RowDataPacket } from 'mysql2/promise';
import {
  createMysqlPool,
  parseMysqlUrl,
} from '../../../src/adapters/persistence/mysql/mysql-connection';
import { idToBinary } from '../../../src/adapters/persistence/mysql/binary-id';
import { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import { IdempotencyKeyTakenError } from '../../../src/application/errors';
import type { Customer } from '../../../src/domain/customer/customer';
import type { Order } from '../../../src/domain/order/order';
import type { Product } from '../../../src/domain/product/product';
import {
  anOrder,
  insertCustomer,
  insertOrders,
  insertProducts,
  lineOf,
} from '../../contracts/store-builders';
import { eventually } from '../../support/eventually';
import { createTestDatabase, type TestDatabase } from '../../support/mysql';

interface CountRow extends RowDataPacket {
  waiting: number;
}

/** The unique key on (customer_id, idempotency_key) where the store's own check cannot see it. */
describe('MysqlOrderRepository.insertMany and the idempotency key', () => {
  let database: TestDatabase;
  let store: MysqlStore;
  let customer: Customer;
  let product: Product;

  beforeAll(async () => {
    database = await createTestDatabase('order_idempotency');
    store = await MysqlStore.connect({ url: database.url, poolSize: 2 });
    customer = await insertCustomer(store);
    [product] = (await insertProducts(store, 1)) as [Product];
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  const keyed = (key: string): Order =>
    anOrder(customer.id, [lineOf(product.id)], { idempotencyKey: key });

  /**
   * Transactions of this database waiting for a lock. InnoDB refreshes these tables only when they
   * were not read for 0.1 s, so polling them faster would read the same stale rows forever.
   */
  const lockWaits = async () =>
    (
      await database.query<CountRow>(
        `SELECT COUNT(*) AS waiting FROM information_schema.INNODB_TRX t
         JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
         WHERE t.trx_state = 'LOCK WAIT' AND p.DB = ?`,
        [database.name],
      )
    )[0]?.waiting;

  it('fails the whole insert when another transaction stores a key after the check, and reports it on the next call', async () => {
    const rival = keyed('key-raced');
    const plain = anOrder(customer.id, [lineOf(product.id, 2)]);
    const contender = keyed('key-raced');
    const pool = createMysqlPool(parseMysqlUrl(database.url), 1);
    const other = await pool.getConnection();
    try {
      await other.beginTransaction();
      await other.query(
        `INSERT INTO orders (id, customer_id, status, idempotency_key, created_at, updated_at)
         VALUES (?, ?, 'PENDING', ?, ?, ?)`,
        [
          idToBinary(rival.id),
          idToBinary(rival.customerId),
          rival.idempotencyKey,
          rival.createdAt,
          rival.updatedAt,
        ],
      );
      await other.query(
        'INSERT INTO order_items (order_id, line_no, product_id, quantity) VALUES (?, 0, ?, 1)',
        [idToBinary(rival.id), idToBinary(product.id)],
      );

      // The check reads before the other transaction commits; the INSERT then waits for its lock.
      const inserting = store.unitOfWork.run((tx) => tx.orders.insertMany([plain, contender]));
      inserting.catch(() => undefined);
      await eventually(async () => expect(await lockWaits()).toBe(1), { intervalMs: 200 });
      await other.commit();

      await expect(inserting).rejects.toBeInstanceOf(IdempotencyKeyTakenError);
      expect(await store.orders.findById(plain.id)).toBeNull();
      expect(await store.orders.findById(contender.id)).toBeNull();
    } finally {
      other.release();
      await pool.end();
    }

    expect(
      await store.unitOfWork.run((tx) => tx.orders.insertMany([plain, contender])),
    ).toStrictEqual([null, { takenBy: rival }]);
    expect(await store.orders.findById(plain.id)).toStrictEqual(plain);
    expect(await store.orders.findById(contender.id)).toBeNull();
  });

  it('reports a key that differs from a stored one only by trailing spaces as taken, as the unique key compares them', async () => {
    const [first] = await insertOrders(store, [keyed('key-padded')]);

    expect(await store.orders.insertMany([keyed('key-padded  ')])).toStrictEqual([
      { takenBy: first },
    ]);
  });
});
