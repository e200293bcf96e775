import { processBatch } from '../../bench/baseline/raw-order-sql';
import { MemoryProductCache } from '../../src/adapters/cache/memory/memory-product-cache';
import { MemoryMetrics } from '../../src/adapters/metrics/memory/memory-metrics';
import { MysqlUnitOfWork } from '../../src/adapters/persistence/mysql/mysql-unit-of-work';
import { orderJob } from '../../src/application/orders/order-job';
import { ProcessOrderJobs } from '../../src/application/orders/process-order-jobs';
import type { Order } from '../../src/domain/order/order';
import {
  anOrder,
  insertCustomer,
  insertOrders,
  insertProducts,
  lineOf,
} from '../contracts/store-builders';
import { ManualClock } from '../support/fakes';
import { recordedMysql, type RecordedMysql } from '../support/recorded-mysql';
import { silentLogger } from '../support/silent-logger';

/**
 * The bench's processing ceiling (npm run bench) is only a ceiling for this service while its
 * plain loop sends what the worker sends: the same statements, in the same order, for the same
 * batch. Values and whitespace aside, they must be equal.
 */
describe("the bench's raw SQL baseline", () => {
  let db: RecordedMysql;
  let processJobs: ProcessOrderJobs;

  beforeAll(async () => {
    db = await recordedMysql('bench_raw_sql');
    const clock = new ManualClock();
    processJobs = new ProcessOrderJobs(
      new MysqlUnitOfWork(db.pool),
      new MemoryProductCache(1000, clock),
      clock,
      silentLogger,
      new MemoryMetrics(),
    );
  });

  afterAll(() => db?.close());

  /** Stored PENDING orders of one shape: the first completes, the second fails for funds. */
  async function aBatch(balance: number): Promise<Order[]> {
    const products = await insertProducts(db.store, 3, { price: 100, stock: 10 });
    const rich = await insertCustomer(db.store, { balance });
    const poor = await insertCustomer(db.store, { balance: 50 });
    return insertOrders(db.store, [
      anOrder(rich.id, [lineOf(products[2]!.id, 2), lineOf(products[0]!.id, 1)]),
      anOrder(poor.id, [lineOf(products[1]!.id, 1)]),
      anOrder(rich.id, [lineOf(products[1]!.id, 3)]),
    ]);
  }

  /** What was sent since the last call, each statement with its whitespace collapsed. */
  function sent(): string[] {
    const statements = db.sent.map((sql) => sql.replace(/\s+/g, ' ').trim());
    db.clear();
    return statements;
  }

  it.each([
    ['some orders complete and one fails', 1000],
    ['every order fails', 0],
  ])('sends the statements the worker sends when %s', async (_, balance) => {
    const forWorker = await aBatch(balance);
    const forBench = await aBatch(balance);
    db.clear();

    await processJobs.execute(forWorker.map((order) => orderJob('PLACE', order)));
    const worker = sent();
    await processBatch(
      db.pool,
      forBench.map((order) => ({
        id: order.id,
        customerId: order.customerId,
        productIds: order.items.map((item) => item.productId),
      })),
    );
    const bench = sent();

    expect(bench).toEqual(worker);
    expect(worker).toContain('COMMIT');
    const outcomes = (orders: Order[]) =>
      Promise.all(
        orders.map(async ({ id }) => {
          const order = await db.store.orders.findById(id);
          return [order?.status, order?.total, order?.failureReason];
        }),
      );
    expect(await outcomes(forBench)).toEqual(await outcomes(forWorker));
  });
});
