import { MemoryProductCache } from '../../../src/adapters/cache/memory/memory-product-cache';
import type { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import { MysqlUnitOfWork } from '../../../src/adapters/persistence/mysql/mysql-unit-of-work';
import { orderJob } from '../../../src/application/orders/order-job';
import { ProcessOrderJobs } from '../../../src/application/orders/process-order-jobs';
import type { OrderJob } from '../../../src/application/ports/order-queue';
import type { Order } from '../../../src/domain/order/order';
import {
  anOrder,
  insertCustomer,
  insertOrders,
  insertProducts,
  lineOf,
} from '../../contracts/store-builders';
import { ManualClock } from '../../support/fakes';
import { recordedMysql, type RecordedMysql } from '../../support/recorded-mysql';
import { silentLogger } from '../../support/silent-logger';

/**
 * The worker's transaction locks an order's customer and products with the order when its job
 * names them (as every job the API publishes does): two round trips, the locks and then the
 * writes with the COMMIT, instead of three.
 */
describe('the worker transaction on MySQL', () => {
  let db: RecordedMysql;
  let store: MysqlStore;
  let processJobs: ProcessOrderJobs;

  beforeAll(async () => {
    db = await recordedMysql('worker_round_trips');
    store = db.store;
    const clock = new ManualClock();
    processJobs = new ProcessOrderJobs(
      new MysqlUnitOfWork(db.pool),
      new MemoryProductCache(1000, clock),
      clock,
      silentLogger,
    );
  });

  beforeEach(() => db.clear());

  afterAll(() => db?.close());

  async function twoStoredOrders(): Promise<Order[]> {
    const products = await insertProducts(store, 2, { price: 100, stock: 10 });
    const customer = await insertCustomer(store, { balance: 1000 });
    const orders = await insertOrders(store, [
      anOrder(customer.id, [lineOf(products[1]!.id, 2), lineOf(products[0]!.id, 1)]),
      anOrder(customer.id, [lineOf(products[0]!.id, 3)]),
    ]);
    db.clear();
    return orders;
  }

  const locks = (query: string) =>
    query.split(';\n').filter((statement) => statement.includes('FOR UPDATE'));

  it('locks orders, products and customers in one round trip when the jobs name them', async () => {
    const orders = await twoStoredOrders();

    await processJobs.execute(orders.map((order) => orderJob('PLACE', order)));

    expect(db.sent).toHaveLength(2);
    expect(locks(db.sent[0] as string).map((sql) => sql.match(/FROM (\w+)/)?.[1])).toEqual([
      'orders',
      'products',
      'customers',
    ]);
    expect(db.sent[1]).toMatch(/COMMIT$/);
    for (const order of orders) {
      expect((await store.orders.findById(order.id))?.status).toBe('COMPLETED');
    }
    expect((await store.customers.findById(orders[0]!.customerId))?.balance).toBe(1000 - 600);
  });

  it('reads the parties off the locked orders first when a job names none', async () => {
    const orders = await twoStoredOrders();
    const jobs: OrderJob[] = orders.map((order) => ({ kind: 'PLACE', orderId: order.id }));

    await processJobs.execute(jobs);

    expect(db.sent).toHaveLength(3);
    expect(locks(db.sent[0] as string)).toHaveLength(1);
    expect(locks(db.sent[1] as string)).toHaveLength(2);
    for (const order of orders) {
      expect((await store.orders.findById(order.id))?.status).toBe('COMPLETED');
    }
  });

  it('locks orders first when any job of the batch names no parties', async () => {
    const orders = await twoStoredOrders();
    const [first, second] = orders as [Order, Order];

    await processJobs.execute([orderJob('PLACE', first), { kind: 'PLACE', orderId: second.id }]);

    expect(db.sent).toHaveLength(3);
    expect(locks(db.sent[0] as string).map((sql) => sql.match(/FROM (\w+)/)?.[1])).toEqual([
      'orders',
    ]);
    for (const order of orders) {
      expect((await store.orders.findById(order.id))?.status).toBe('COMPLETED');
    }
  });

  it('still locks and settles what a job forgot to name', async () => {
    const products = await insertProducts(store, 2, { price: 100, stock: 10 });
    const customer = await insertCustomer(store, { balance: 1000 });
    const [first, second] = (await insertOrders(store, [
      anOrder(customer.id, [lineOf(products[0]!.id, 1)]),
      anOrder(customer.id, [lineOf(products[1]!.id, 2)]),
    ])) as [Order, Order];
    db.clear();

    await processJobs.execute([
      orderJob('PLACE', first),
      { ...orderJob('PLACE', second), parties: { customerId: customer.id, productIds: [] } },
    ]);

    expect(db.sent).toHaveLength(3);
    expect(locks(db.sent[1] as string).map((sql) => sql.match(/FROM (\w+)/)?.[1])).toEqual([
      'products',
    ]);
    expect((await store.products.findById(products[0]!.id))?.stock).toBe(9);
    expect((await store.products.findById(products[1]!.id))?.stock).toBe(8);
    expect((await store.customers.findById(customer.id))?.balance).toBe(1000 - 300);
  });
});
