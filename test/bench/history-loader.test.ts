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
): Promise<OrderId[]> {
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

  const ids: OrderId[] = [];
  for (const order of history) {
    const placed = await container.get(PlaceOrder).execute(caller(order.customerId), {
      customerId: null,
      items: order.lines,
      idempotencyKey: order.idempotencyKey,
    });
    ids.push(placed.order.id);
  }
  await cancel('CANCELLED_PENDING', ids);
  await work();
  await cancel('CANCELLED_COMPLETED', ids);
  await work();
  return ids;
}

type Row = RowDataPacket & Record<string, unknown>;

/**
 * Everything the store holds of each order, with the shop's ids as their index in the shop (the
 * two databases' shops have different ids) and times reduced to their order.
 */
async function contentsOf(db: TestDatabase, shop: HistoryShop, ids: readonly OrderId[]) {
  const customers = [...shop.customers, shop.brokeCustomer];
  const products = [...shop.products, shop.soldOutProduct];
  const who = (id: unknown) => `customer ${customers.indexOf(id as CustomerId)}`;
  const what = (id: unknown) => `product ${products.indexOf(id as (typeof products)[number])}`;
  const orders = [];
  for (const id of ids) {
    const [order] = await db.query<Row>('SELECT * FROM orders WHERE id = ?', [id]);
    const items = await db.query<Row>(
      'SELECT * FROM order_items WHERE order_id = ? ORDER BY line_no',
      [id],
    );
    const fingerprint =
      order?.request_fingerprint === null
        ? null
        : order?.request_fingerprint ===
          requestFingerprint(
            String(order?.customer_id),
            items.map((item) => ({ productId: item.product_id as never, quantity: item.quantity })),
          );
    const wallet = await db.query<Row>(
      'SELECT customer_id, kind, amount FROM wallet_ledger WHERE order_id = ? ORDER BY kind',
      [id],
    );
    const movements = await db.query<Row>(
      'SELECT product_id, kind, quantity FROM inventory_ledger WHERE order_id = ? ORDER BY kind, product_id',
      [id],
    );
    orders.push({
      customer: who(order?.customer_id),
      status: order?.status,
      total: order?.total,
      failureReason: order?.failure_reason,
      idempotencyKey: order?.idempotency_key,
      fingerprintIsTheServicesOwn: fingerprint,
      cancelRequested: order?.cancel_requested_at !== null,
      items: items.map((item) => [
        what(item.product_id),
        item.line_no,
        item.quantity,
        item.unit_price,
      ]),
      wallet: wallet.map((entry) => [who(entry.customer_id), entry.kind, entry.amount]),
      movements: movements
        .map((move) => [what(move.product_id), move.kind, move.quantity])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    });
  }
  const balances = [];
  for (const id of customers) {
    const [row] = await db.query<Row>('SELECT balance FROM customers WHERE id = ?', [id]);
    balances.push(row?.balance);
  }
  const stocks = [];
  for (const id of products) {
    const [row] = await db.query<Row>('SELECT stock FROM products WHERE id = ?', [id]);
    stocks.push(row?.stock);
  }
  return { orders, balances, stocks };
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
    const loaderIds = (
      await new HistoryLoader(loaderWriters, { batchSize: 4, parallel: 2 }).load(
        historyOf(loaderShop),
        { placedAt: new Date(Date.now() - 120_000) },
      )
    ).map((order) => order.id);
    const serviceIds = await placeThroughUseCases(serviceWriters, historyOf(serviceShop));

    const fromLoader = await contentsOf(loaded, loaderShop, loaderIds);
    const fromService = await contentsOf(served, serviceShop, serviceIds);
    expect(fromLoader).toEqual(fromService);
    expect(fromLoader.orders.map((order) => [order.status, order.failureReason])).toEqual(
      OUTCOMES.flatMap((outcome) =>
        Array.from({ length: 3 }, () =>
          outcome.startsWith('FAILED_')
            ? ['FAILED', outcome.slice('FAILED_'.length)]
            : [outcome.startsWith('CANCELLED') ? 'CANCELLED' : outcome, null],
        ),
      ),
    );
  });

  it('leaves a database the invariant audit finds clean', async () => {
    const report = await auditDatabase(loaded.url);
    expect(report.checks.filter((check) => check.violations.length > 0)).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
