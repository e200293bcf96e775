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
import { MemoryMetrics } from '../../../src/adapters/metrics/memory/memory-metrics';

/**
 * The worker's transaction sends one statement per query: every lock first, in the one lock
 * order (orders, products, customers), then a few writes for the whole batch, then the COMMIT.
 * Whether or not its jobs name their orders' parties, it sends the same statements.
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
      new MemoryMetrics(),
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

  /** Each statement the transaction sent, as its verb and table: `SELECT orders FOR UPDATE`. */
  const statements = () =>
    db.sent.map((sql) => {
      const table = sql.match(/(?:FROM|INTO|UPDATE) (\w+)/)?.[1];
      const verb = sql.trim().split(/\s/)[0];
      if (!table) return sql;
      return `${verb} ${table}${sql.includes('FOR UPDATE') ? ' FOR UPDATE' : ''}`;
    });

  const locks = () => statements().filter((statement) => statement.endsWith('FOR UPDATE'));

  const LOCKS_THEN_WRITES = [
    'START TRANSACTION',
    'SELECT orders FOR UPDATE',
    'SELECT products FOR UPDATE',
    'SELECT customers FOR UPDATE',
    'UPDATE products',
    'UPDATE customers',
    'INSERT wallet_ledger',
    'INSERT inventory_ledger',
    'UPDATE orders',
    'UPDATE order_items',
    'COMMIT',
  ];

  it('locks orders, products and customers, then writes, when the jobs name the parties', async () => {
    const orders = await twoStoredOrders();

    await processJobs.execute(orders.map((order) => orderJob('PLACE', order)));

    expect(statements()).toEqual(LOCKS_THEN_WRITES);
    for (const order of orders) {
      expect((await store.orders.findById(order.id))?.status).toBe('COMPLETED');
    }
    expect((await store.customers.findById(orders[0]!.customerId))?.balance).toBe(1000 - 600);
  });

  it('sends the same statements when a job names none, reading the parties off the orders', async () => {
    const orders = await twoStoredOrders();
    const jobs: OrderJob[] = orders.map((order) => ({ kind: 'PLACE', orderId: order.id }));

    await processJobs.execute(jobs);

    expect(statements()).toEqual(LOCKS_THEN_WRITES);
    for (const order of orders) {
      expect((await store.orders.findById(order.id))?.status).toBe('COMPLETED');
    }
  });

  it('sends the same statements when only some jobs of the batch name their parties', async () => {
    const orders = await twoStoredOrders();
    const [first, second] = orders as [Order, Order];

    await processJobs.execute([orderJob('PLACE', first), { kind: 'PLACE', orderId: second.id }]);

    expect(statements()).toEqual(LOCKS_THEN_WRITES);
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

    expect(locks()).toEqual([
      'SELECT orders FOR UPDATE',
      'SELECT products FOR UPDATE',
      'SELECT customers FOR UPDATE',
      'SELECT products FOR UPDATE',
    ]);
    expect((await store.products.findById(products[0]!.id))?.stock).toBe(9);
    expect((await store.products.findById(products[1]!.id))?.stock).toBe(8);
    expect((await store.customers.findById(customer.id))?.balance).toBe(1000 - 300);
  });
});
