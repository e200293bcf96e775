import { ADMIN } from '../support/tokens';
import fc from 'fast-check';
import { CreateCustomer } from '../../src/application/customers/create-customer';
import { DepositFunds } from '../../src/application/customers/deposit-funds';
import { GetCustomer } from '../../src/application/customers/get-customer';
import { GetOrder } from '../../src/application/orders/get-order';
import { PlaceOrder } from '../../src/application/orders/place-order';
import { ProcessOrderJobs } from '../../src/application/orders/process-order-jobs';
import { RequestCancellation } from '../../src/application/orders/request-cancellation';
import { CreateProduct } from '../../src/application/products/create-product';
import { GetProduct } from '../../src/application/products/get-product';
import { UpdateProduct } from '../../src/application/products/update-product';
import { customerId, productId, type OrderId } from '../../src/domain/shared/ids';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { useCaseHarness, type Harness } from '../support/use-case-harness';
import { initialShop, openShop, orderCommands, type Real } from './order-model';

/**
 * Random sequences of shop activity and of worker processing in random interleavings (jobs taken
 * in any order, delivered again, two at once, re-published), checked step by step against a model
 * of API.md's rules and invariants: on the embedded store, and on MariaDB with fewer runs.
 */

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MEMORY_RUNS = Number(process.env.MODEL_MEMORY_RUNS ?? 150);
const MYSQL_RUNS = Number(process.env.MODEL_MYSQL_RUNS ?? 20);

const noStoreChecks = async () => {};

describe(`the order lifecycle against its model (seed ${SEED})`, () => {
  it(`holds on the memory store (${MEMORY_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(initialShop, orderCommands(30), async (shop, commands) => {
        const h = await useCaseHarness();
        try {
          await fc.asyncModelRun(() => openShop(shop, h, noStoreChecks), commands);
        } finally {
          await h.close();
        }
      }),
      { numRuns: MEMORY_RUNS, seed: SEED },
    );
  });

  describe('on MariaDB', () => {
    let database: TestDatabase;
    let h: Harness;

    beforeAll(async () => {
      database = await createTestDatabase('order_model');
      // One store for the property: each run makes its own customers and products, and ids
      // keep counting up across runs.
      h = await useCaseHarness({ DATABASE_URL: database.url, DB_POOL_SIZE: '4' });
    });

    afterAll(async () => {
      await h?.close();
      await database?.drop();
    });

    /** The ledgers: a customer's wallet entries sum to its balance, a product's movements to its stock. */
    const ledgersMatch = async (real: Real) => {
      const ids = (list: string[]) => (list.length > 0 ? list : ['-']);
      const wallets = await database.query(
        `SELECT c.id, c.balance, COALESCE(SUM(l.amount), 0) AS entries
         FROM customers c LEFT JOIN wallet_ledger l ON l.customer_id = c.id
         WHERE c.id IN (?) GROUP BY c.id, c.balance`,
        [ids(real.customerIds)],
      );
      for (const row of wallets) {
        expect({ customer: row.id, entries: Number(row.entries) }).toEqual({
          customer: row.id,
          entries: Number(row.balance),
        });
      }
      const stocks = await database.query(
        `SELECT p.id, p.stock, COALESCE(SUM(m.quantity), 0) AS movements
         FROM products p LEFT JOIN inventory_ledger m ON m.product_id = p.id
         WHERE p.id IN (?) GROUP BY p.id, p.stock`,
        [ids(real.productIds)],
      );
      for (const row of stocks) {
        expect({ product: row.id, movements: Number(row.movements) }).toEqual({
          product: row.id,
          movements: Number(row.stock),
        });
      }
    };

    it(`holds on MariaDB (${MYSQL_RUNS} runs)`, async () => {
      await fc.assert(
        fc.asyncProperty(initialShop, orderCommands(20), async (shop, commands) => {
          await fc.asyncModelRun(() => openShop(shop, h, ledgersMatch), commands);
        }),
        { numRuns: MYSQL_RUNS, seed: SEED },
      );
    });
  });
});

/**
 * The model keeps amounts small; at the top of the number range a cancellation the service
 * accepted must still be applicable: reversing a COMPLETED order adds its total back to a balance
 * (its quantities back to stocks) that a deposit (a PATCH) may since have raised. A balance plus
 * the totals of its COMPLETED orders is everything ever credited, a stock plus their quantities
 * everything ever supplied; the deposit (the PATCH) that would take that total past 2^53 - 1 is
 * refused with AMOUNT_TOO_LARGE, so the reversal always fits.
 */
describe('cancelling at the top of the number range', () => {
  const MAX = Number.MAX_SAFE_INTEGER;
  let h: Harness;

  beforeEach(async () => {
    h = await useCaseHarness();
  });

  afterEach(() => h.close());

  /** A customer credited 1000 and a product supplied 10, with an order of 2 × 100 completed. */
  async function completedOrder() {
    const customer = await h
      .get(CreateCustomer)
      .execute(ADMIN, { name: 'Rich', email: 'rich@example.com', balance: 1000 });
    const product = await h
      .get(CreateProduct)
      .execute(ADMIN, { name: 'Thing', price: 100, stock: 10 });
    const { order } = await h.get(PlaceOrder).execute(ADMIN, {
      customerId: customerId(customer.id),
      items: [{ productId: productId(product.id), quantity: 2 }],
      idempotencyKey: null,
    });
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order.id }]);
    expect((await h.get(GetOrder).execute(ADMIN, order.id)).status).toBe('COMPLETED');
    return { customerId: customerId(customer.id), productId: productId(product.id), id: order.id };
  }

  async function expectRejection(work: Promise<unknown>, code: string): Promise<void> {
    const error: unknown = await work.then(
      () => new Error(`expected ${code}, it succeeded`),
      (e: unknown) => e,
    );
    expect((error as { code?: unknown }).code).toBe(code);
  }

  /** Accepted when requested, then applied at once. */
  async function expectCancelled(id: OrderId): Promise<void> {
    await h.get(RequestCancellation).execute(ADMIN, id);
    await h.get(ProcessOrderJobs).execute([{ kind: 'CANCEL', orderId: id }]);
    expect((await h.get(GetOrder).execute(ADMIN, id)).status).toBe('CANCELLED');
  }

  it('refuses the deposit that would leave no room for the refund, then refunds', async () => {
    const order = await completedOrder();
    const deposits = h.get(DepositFunds);

    await expectRejection(
      deposits.execute(ADMIN, { customerId: order.customerId, amount: MAX - 800 }),
      'AMOUNT_TOO_LARGE',
    );
    await deposits.execute(ADMIN, { customerId: order.customerId, amount: MAX - 1000 });

    await expectCancelled(order.id);
    expect((await h.get(GetCustomer).execute(ADMIN, order.customerId)).balance).toBe(MAX);
  });

  it('refuses the restock that would leave no room for the items, then restocks', async () => {
    const order = await completedOrder();
    const updates = h.get(UpdateProduct);

    await expectRejection(
      updates.execute(ADMIN, order.productId, { stock: MAX }),
      'AMOUNT_TOO_LARGE',
    );
    await updates.execute(ADMIN, order.productId, { stock: MAX - 2 });

    await expectCancelled(order.id);
    expect((await h.get(GetProduct).execute(order.productId)).stock).toBe(MAX);
  });
});
