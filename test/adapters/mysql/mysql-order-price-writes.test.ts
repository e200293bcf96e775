import type { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import { MysqlUnitOfWork } from '../../../src/adapters/persistence/mysql/mysql-unit-of-work';
import { ConcurrencyConflictError } from '../../../src/application/errors';
import type { Order } from '../../../src/domain/order/order';
import {
  anOrder,
  at,
  insertCustomer,
  insertOrders,
  insertProducts,
  lineOf,
} from '../../contracts/store-builders';
import { recordedMysql, type RecordedMysql } from '../../support/recorded-mysql';

const ITEM_WRITE = /UPDATE order_items/;

/**
 * Only a completion sets items' unit prices, so an update after a locked read writes them only
 * when they changed. These tests record the statements a transaction sends and check both the
 * statements and what is stored.
 */
describe('MysqlOrderRepository.updateMany item prices', () => {
  let db: RecordedMysql;
  let store: MysqlStore;
  let uow: MysqlUnitOfWork;

  beforeAll(async () => {
    db = await recordedMysql('price_writes');
    store = db.store;
    uow = new MysqlUnitOfWork(db.pool);
  });

  beforeEach(() => db.clear());

  afterAll(() => db?.close());

  async function aStoredOrder(overrides: Partial<Order> = {}): Promise<Order> {
    const products = await insertProducts(store, 2);
    const customer = await insertCustomer(store);
    const [order] = await insertOrders(store, [
      anOrder(
        customer.id,
        products.map((product) => lineOf(product.id, 2)),
        overrides,
      ),
    ]);
    db.clear();
    return order as Order;
  }

  const priced = (order: Order, price: number): Order => ({
    ...order,
    items: order.items.map((item) => ({ ...item, unitPrice: price })),
  });

  it('writes no item for a locked order whose prices stay as they were', async () => {
    const order = await aStoredOrder();
    const cancelled: Order = { ...order, status: 'CANCELLED', updatedAt: at(50) };

    await uow.run(async (tx) => {
      const [locked] = await tx.orders.lockMany([order.id]);
      await tx.orders.updateMany([
        { ...(locked as Order), status: 'CANCELLED', updatedAt: at(50) },
      ]);
    });

    expect(db.sent.join('\n')).not.toMatch(ITEM_WRITE);
    expect(await store.orders.findById(order.id)).toStrictEqual(cancelled);
  });

  it('writes the prices that a locked order was given', async () => {
    const order = await aStoredOrder();
    const completed: Order = { ...priced(order, 700), status: 'COMPLETED', total: 2800 };

    await uow.run(async (tx) => {
      const [locked] = await tx.orders.lockMany([order.id]);
      await tx.orders.updateMany([
        { ...priced(locked as Order, 700), status: 'COMPLETED', total: 2800 },
      ]);
    });

    expect(db.sent.join('\n')).toMatch(ITEM_WRITE);
    expect(await store.orders.findById(order.id)).toStrictEqual(completed);
  });

  it('writes prices once per change within one transaction', async () => {
    const order = await aStoredOrder();

    await uow.run(async (tx) => {
      const [locked] = await tx.orders.lockMany([order.id]);
      const completed = { ...priced(locked as Order, 700), status: 'COMPLETED' as const };
      await tx.orders.updateMany([completed]);
      await tx.orders.updateMany([{ ...completed, status: 'CANCELLED' }]);
      await tx.orders.updateMany([priced(completed, 800)]);
    });

    expect(db.sent.join('\n').match(new RegExp(ITEM_WRITE, 'g'))).toHaveLength(2);
    expect(await store.orders.findById(order.id)).toStrictEqual({
      ...priced(order, 800),
      status: 'COMPLETED',
    });
  });

  it('writes no item for an order locked alone whose prices stay as they were', async () => {
    const order = await aStoredOrder();
    const failed: Order = { ...order, status: 'FAILED', failureReason: 'PROCESSING_ERROR' };

    await uow.run(async (tx) => {
      const locked = await tx.orders.lockById(order.id);
      await tx.orders.update({
        ...(locked as Order),
        status: 'FAILED',
        failureReason: 'PROCESSING_ERROR',
      });
    });

    expect(db.sent.join('\n')).not.toMatch(ITEM_WRITE);
    expect(await store.orders.findById(order.id)).toStrictEqual(failed);
  });

  it('writes the prices again in a retried attempt, whatever the rolled-back one wrote', async () => {
    const order = await aStoredOrder();
    let attempts = 0;

    await uow.run(async (tx) => {
      attempts += 1;
      db.clear();
      if (attempts === 1) {
        const [locked] = await tx.orders.lockMany([order.id]);
        await tx.orders.updateMany([priced(locked as Order, 700)]);
        // A lock victim, say: the unit of work rolls back and runs the work again.
        throw new ConcurrencyConflictError();
      }
      // Nothing read under lock this time: only what the rolled-back attempt wrote could say that
      // the prices are stored already.
      await tx.orders.updateMany([priced(order, 700)]);
    });

    expect(attempts).toBe(2);
    expect(db.sent.join('\n')).toMatch(ITEM_WRITE);
    expect(await store.orders.findById(order.id)).toStrictEqual(priced(order, 700));
  });

  it('writes the prices of an order it has not read under lock', async () => {
    const order = await aStoredOrder({ status: 'COMPLETED' });
    const completed = priced(order, 900);

    await uow.run((tx) => tx.orders.updateMany([completed]));

    expect(db.sent.join('\n')).toMatch(ITEM_WRITE);
    expect(await store.orders.findById(order.id)).toStrictEqual(completed);
  });
});
