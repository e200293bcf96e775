import type { RowDataPacket } from 'mysql2/promise';
import {
  createHistoryShop,
  HistoryLoader,
  openServiceWriters,
  type HistoryOrder,
  type HistoryOutcome,
  type HistoryShop,
  type ServiceWriters,
} from '../../bench/grown/history-loader';
import type { Caller } from '../../src/application/access/caller';
import { PlaceOrder } from '../../src/application/orders/place-order';
import { ProcessOrderJobs } from '../../src/application/orders/process-order-jobs';
import { requestFingerprint } from '../../src/application/orders/request-fingerprint';
import { RequestCancellation } from '../../src/application/orders/request-cancellation';
import type { OrderQueue } from '../../src/application/ports/order-queue';
import { TOKENS } from '../../src/application/ports/tokens';
import type { OrderRepository } from '../../src/application/ports/order-repository';
import type { Order } from '../../src/domain/order/order';
import type { CustomerId, OrderId } from '../../src/domain/shared/ids';
import { auditDatabase } from '../../src/tools/mysql-invariant-audit';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { takePublishedJobs } from '../support/use-case-harness';

const OUTCOMES: HistoryOutcome[] = [
  'COMPLETED',
  'FAILED_INSUFFICIENT_FUNDS',
  'FAILED_INSUFFICIENT_STOCK',
  'CANCELLED_PENDING',
  'CANCELLED_COMPLETED',
];

/** Three orders of each outcome, of one to three lines, some with an idempotency key. */
function historyOf(shop: HistoryShop): HistoryOrder[] {
  return OUTCOMES.flatMap((outcome, o) =>
    [0, 1, 2].map((n): HistoryOrder => {
      const customerId =
        outcome === 'FAILED_INSUFFICIENT_FUNDS'
          ? shop.brokeCustomer
          : (shop.customers[(o + n) % shop.customers.length] as CustomerId);
      const lines = shop.products
        .slice(n, n + 1 + n)
        .map((productId, line) => ({ productId, quantity: 1 + ((o + line) % 3) }));
      if (outcome === 'FAILED_INSUFFICIENT_STOCK') {
        lines.push({ productId: shop.soldOutProduct, quantity: 1 });
      }
      return { customerId, lines, idempotencyKey: n === 1 ? `key-${o}-${n}` : null, outcome };
    }),
  );
}

/** The same orders through the service's own use cases, as clients and the worker would. */
async function placeThroughUseCases(
  writers: ServiceWriters,
  history: readonly HistoryOrder[],
): Promise<Order[]> {
  const { container } = writers;
  const queue = container.get<OrderQueue>(TOKENS.OrderQueue);
  const caller = (customerId: CustomerId): Caller => ({
    role: 'customer',
    subject: customerId,
    customerId,
  });
  const work = async () => {
    const jobs = await takePublishedJobs({ get: (useCase) => container.get(useCase), queue });
    await container.get(ProcessOrderJobs).execute(jobs);
  };
  const cancel = (outcome: HistoryOutcome, ids: OrderId[]) =>
    Promise.all(
      history.flatMap((order, i) =>
        order.outcome === outcome
          ? [
              container
                .get(RequestCancellation)
                .execute(caller(order.customerId), ids[i] as OrderId),
            ]
          : [],
      ),
    );

  const placed: Order[] = [];
  for (const order of history) {
    const answer = await container.get(PlaceOrder).execute(caller(order.customerId), {
      customerId: null,
      items: order.lines,
      idempotencyKey: order.idempotencyKey,
    });
    placed.push(answer.order);
  }
  const ids = placed.map((order) => order.id);
  await cancel('CANCELLED_PENDING', ids);
  await work();
  await cancel('CANCELLED_COMPLETED', ids);
  await work();
  return placed;
}

type Row = RowDataPacket & Record<string, unknown>;

/** "customer 3", "product 5": the shop's names end with the index the shop gave them. */
const indexOf = (name: unknown) => Number(/(\d+)(@bench\.example)?$/.exec(String(name))?.[1]);

/**
 * Everything the store holds of the orders, each order as one record with its items and ledger
 * rows, customers and products by their index in the shop (the two databases' shops have other
 * ids), times left out, records sorted. Rows are grouped by HEX(order id), which reads any
 * column type, so that the comparison needs no id in the form the schema stores it.
 */
async function contentsOf(db: TestDatabase) {
  const orders = await db.query<Row>(
    `SELECT HEX(o.id) AS ref, c.email, o.status, o.total, o.failure_reason, o.idempotency_key,
            o.request_fingerprint IS NOT NULL AS fingerprinted,
            o.cancel_requested_at IS NOT NULL AS cancel_requested
     FROM orders o JOIN customers c ON c.id = o.customer_id`,
  );
  const items = await db.query<Row>(
    `SELECT HEX(i.order_id) AS ref, p.name, i.line_no, i.quantity, i.unit_price
     FROM order_items i JOIN products p ON p.id = i.product_id ORDER BY i.line_no`,
  );
  const wallet = await db.query<Row>(
    `SELECT HEX(l.order_id) AS ref, c.email, l.kind, l.amount
     FROM wallet_ledger l JOIN customers c ON c.id = l.customer_id ORDER BY l.kind`,
  );
  const movements = await db.query<Row>(
    `SELECT HEX(m.order_id) AS ref, p.name, m.kind, m.quantity
     FROM inventory_ledger m JOIN products p ON p.id = m.product_id ORDER BY m.kind, p.name`,
  );
  const of = (rows: Row[], ref: unknown, pick: (row: Row) => unknown[]) =>
    rows.filter((row) => row.ref === ref).map(pick);
  const records = orders.map((order) =>
    JSON.stringify({
      customer: indexOf(order.email),
      status: order.status,
      total: order.total,
      failureReason: order.failure_reason,
      idempotencyKey: order.idempotency_key,
      fingerprinted: order.fingerprinted,
      cancelRequested: order.cancel_requested,
      items: of(items, order.ref, (i) => [indexOf(i.name), i.line_no, i.quantity, i.unit_price]),
      wallet: of(wallet, order.ref, (l) => [indexOf(l.email), l.kind, l.amount]),
      movements: of(movements, order.ref, (m) => [indexOf(m.name), m.kind, m.quantity]),
    }),
  );
  const customers = await db.query<Row>('SELECT email, balance FROM customers');
  const products = await db.query<Row>('SELECT name, stock FROM products');
  return {
    orders: records.sort(),
    balances: customers.map((c) => [indexOf(c.email), c.balance]).sort(),
    stocks: products.map((p) => [indexOf(p.name), p.stock]).sort(),
  };
}

/** Each keyed order's fingerprint, read back through the repository, is the service's own. */
async function fingerprintsHold(writers: ServiceWriters, placed: readonly Order[]) {
  const orders = writers.container.get<OrderRepository>(TOKENS.OrderRepository);
  const held = [];
  for (const { customerId, idempotencyKey } of placed) {
    if (!idempotencyKey) continue;
    const stored = await orders.findByIdempotencyKey(customerId, idempotencyKey);
    held.push(
      stored?.requestFingerprint ===
        requestFingerprint(
          customerId,
          stored?.items.map(({ productId, quantity }) => ({ productId, quantity })) ?? [],
        ),
    );
  }
  return held;
}

describe('history loader', () => {
  let loaded: TestDatabase;
  let served: TestDatabase;
  let loaderWriters: ServiceWriters;
  let serviceWriters: ServiceWriters;

  beforeAll(async () => {
    loaded = await createTestDatabase('history_loaded');
    served = await createTestDatabase('history_served');
    loaderWriters = await openServiceWriters(loaded.url, 4);
    serviceWriters = await openServiceWriters(served.url, 4);
  });

  afterAll(async () => {
    await loaderWriters?.close();
    await serviceWriters?.close();
    await loaded?.drop();
    await served?.drop();
  });

  it("writes for each outcome the rows the service's use cases write for the same orders", async () => {
    const sizes = { customers: 3, products: 4 };
    const loaderShop = await createHistoryShop(loaderWriters, sizes);
    const serviceShop = await createHistoryShop(serviceWriters, sizes);
    // The service's clock is the system's: the loader's history is placed a few seconds ago.
    const loaderOrders = await new HistoryLoader(loaderWriters, { batchSize: 4, parallel: 2 }).load(
      historyOf(loaderShop),
      { placedAt: new Date(Date.now() - 120_000) },
    );
    const serviceOrders = await placeThroughUseCases(serviceWriters, historyOf(serviceShop));

    const fromLoader = await contentsOf(loaded);
    const fromService = await contentsOf(served);
    expect(fromLoader).toEqual(fromService);
    expect(await fingerprintsHold(loaderWriters, loaderOrders)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(await fingerprintsHold(serviceWriters, serviceOrders)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    const outcomes = fromLoader.orders.map((record) => {
      const { status, failureReason } = JSON.parse(record) as Record<string, unknown>;
      return `${String(status)} ${String(failureReason)}`;
    });
    expect(outcomes.sort()).toEqual(
      OUTCOMES.flatMap((outcome) =>
        Array.from({ length: 3 }, () =>
          outcome.startsWith('FAILED_')
            ? `FAILED ${outcome.slice('FAILED_'.length)}`
            : `${outcome.startsWith('CANCELLED') ? 'CANCELLED' : outcome} null`,
        ),
      ).sort(),
    );
  });

  it('leaves a database the invariant audit finds clean', async () => {
    const report = await auditDatabase(loaded.url);
    expect(report.checks.filter((check) => check.violations.length > 0)).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
