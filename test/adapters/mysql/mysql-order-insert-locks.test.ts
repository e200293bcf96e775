import type { Pool, RowDataPacket } from 'mysql2/promise';
import { idToBinary } from '../../../src/adapters/persistence/mysql/binary-id';
import {
  createMysqlPool,
  parseMysqlUrl,
} from '../../../src/adapters/persistence/mysql/mysql-connection';
import { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import { anOrder, insertCustomer, insertProducts, lineOf } from '../../contracts/store-builders';
import { createTestDatabase, type TestDatabase } from '../../support/mysql';

/**
 * `POST /orders` must not wait for the worker: storing an order takes no lock that a worker's
 * transaction holds (its products and customers, exclusively, until it commits).
 */
describe('MysqlOrderRepository.insertMany beside a worker transaction', () => {
  let database: TestDatabase;
  let store: MysqlStore;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase('insert_locks');
    store = await MysqlStore.connect({ url: database.url, poolSize: 2 });
    pool = createMysqlPool(parseMysqlUrl(database.url), 1);
  });

  afterAll(async () => {
    await pool?.end();
    await store?.close();
    await database?.drop();
  });

  it('stores an order while another transaction holds its product and customer exclusively', async () => {
    const [product] = await insertProducts(store, 1);
    const customer = await insertCustomer(store);
    const order = anOrder(customer.id, [lineOf(product!.id, 2)]);
    const worker = await pool.getConnection();
    try {
      await worker.beginTransaction();
      const [products] = await worker.query<RowDataPacket[]>(
        'SELECT id FROM products WHERE id = ? FOR UPDATE',
        [idToBinary(product!.id)],
      );
      const [customers] = await worker.query<RowDataPacket[]>(
        'SELECT id FROM customers WHERE id = ? FOR UPDATE',
        [idToBinary(customer.id)],
      );
      expect([products.length, customers.length]).toEqual([1, 1]);

      expect(await store.orders.insertMany([order])).toEqual([null]);
      expect(await store.orders.findById(order.id)).toStrictEqual(order);
    } finally {
      await worker.rollback();
      worker.release();
    }
  });
});
