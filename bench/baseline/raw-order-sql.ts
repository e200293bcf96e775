import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  createPool,
  type Pool,
  type PoolConnection,
  type ResultSetHeader,
  type RowDataPacket,
} from 'mysql2/promise';
import { migrateDatabase } from '../../src/adapters/persistence/mysql/migrate';
import { parseMysqlUrl } from '../../src/adapters/persistence/mysql/mysql-connection';
import type { RawSqlResult } from '../report/results';
import { mapLimit, OrderMix, throughputCatalog } from '../scenarios/workload';
import { databaseUrl, dropDatabase, type Servers } from '../service/environment';

/*
 * The processing ceiling: the statements the worker runs for one order (ProcessOrder over the
 * MySQL repositories and unit of work), issued by a plain loop with the worker's concurrency: no
 * queue, no framework, no cache invalidation. Keep these in step with
 * src/adapters/persistence/mysql/* and src/application/orders/process-order.ts.
 */
const LOCK_ORDER = `
  SELECT o.id, o.customer_id, o.status, o.total, o.failure_reason, o.idempotency_key,
         o.request_fingerprint, o.cancel_requested_at, o.created_at, o.updated_at,
         i.product_id AS item_product_id, i.quantity AS item_quantity,
         i.unit_price AS item_unit_price
  FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
  WHERE o.id = ? ORDER BY i.line_no FOR UPDATE`;
const LOCK_PRODUCTS =
  'SELECT id, name, price, stock, created_at, updated_at FROM products WHERE id IN (?) ORDER BY id FOR UPDATE';
const LOCK_CUSTOMER =
  'SELECT id, name, email, balance, created_at, updated_at FROM customers WHERE id = ? FOR UPDATE';
const UPDATE_CUSTOMER = 'UPDATE customers SET balance = ?, updated_at = ? WHERE id = ?';
const APPEND_LEDGER =
  'INSERT INTO wallet_ledger (customer_id, order_id, kind, amount, created_at) VALUES (?, ?, ?, ?, ?)';
const APPEND_MOVEMENTS =
  'INSERT INTO inventory_ledger (product_id, order_id, kind, quantity, created_at) VALUES ?';

const prepared = new WeakSet<object>();

interface Line {
  productId: string;
  quantity: number;
  product: RowDataPacket;
}

type Decision = { outcome: 'COMPLETED'; total: number } | { outcome: 'FAILED'; reason: string };

/** settleOrder's rule, inline. */
function decide(lines: Line[], balance: number): Decision {
  if (lines.some((line) => line.product.stock < line.quantity)) {
    return { outcome: 'FAILED', reason: 'INSUFFICIENT_STOCK' };
  }
  const total = lines.reduce((sum, line) => sum + line.quantity * line.product.price, 0);
  return total > balance
    ? { outcome: 'FAILED', reason: 'INSUFFICIENT_FUNDS' }
    : { outcome: 'COMPLETED', total };
}

/** MysqlProductRepository.updateStocks: every product of the order in one UPDATE. */
async function updateStocks(connection: PoolConnection, lines: Line[], now: Date): Promise<void> {
  const cases = lines.map(() => 'WHEN ? THEN ?').join(' ');
  await connection.query<ResultSetHeader>(
    `UPDATE products SET stock = CASE id ${cases} END, updated_at = CASE id ${cases} END
     WHERE id IN (?)`,
    [
      ...lines.flatMap((line) => [line.productId, line.product.stock - line.quantity]),
      ...lines.flatMap((line) => [line.productId, now]),
      lines.map((line) => line.productId),
    ],
  );
}

/** MysqlOrderRepository.update: the order row and its items' unit prices in one UPDATE. */
async function updateOrder(
  connection: PoolConnection,
  id: string,
  lines: Line[],
  decision: Decision,
  now: Date,
): Promise<void> {
  const completed = decision.outcome === 'COMPLETED';
  await connection.query<ResultSetHeader>(
    `UPDATE orders o LEFT JOIN order_items i ON i.order_id = o.id
     SET o.status = ?, o.total = ?, o.failure_reason = ?, o.cancel_requested_at = ?,
         o.updated_at = ?,
         i.unit_price = CASE i.product_id ${lines.map(() => 'WHEN ? THEN ?').join(' ')}
                        ELSE i.unit_price END
     WHERE o.id = ?`,
    [
      decision.outcome,
      completed ? decision.total : null,
      completed ? null : decision.reason,
      null,
      now,
      ...lines.flatMap((line) => [line.productId, completed ? line.product.price : null]),
      id,
    ],
  );
}

/** One order's transaction, as MysqlUnitOfWork.run(ProcessOrder) issues it. */
async function processOrder(pool: Pool, id: string): Promise<string> {
  const connection = await pool.getConnection();
  try {
    if (!prepared.has(connection.connection)) {
      await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      prepared.add(connection.connection);
    }
    await connection.beginTransaction();
    const [rows] = await connection.query<RowDataPacket[]>(LOCK_ORDER, [id]);
    const [products] = await connection.query<RowDataPacket[]>(LOCK_PRODUCTS, [
      rows.map((row) => row.item_product_id),
    ]);
    const [[customer]] = await connection.query<RowDataPacket[]>(LOCK_CUSTOMER, [
      rows[0]?.customer_id,
    ]);
    if (!customer) throw new Error(`order ${id} or its customer is missing`);
    const byId = new Map(products.map((product) => [product.id as string, product]));
    const lines: Line[] = rows.map((row) => ({
      productId: row.item_product_id,
      quantity: row.item_quantity,
      product: byId.get(row.item_product_id) as RowDataPacket,
    }));
    const now = new Date();
    const decision = decide(lines, customer.balance);
    if (decision.outcome === 'COMPLETED') {
      await updateStocks(connection, lines, now);
      await connection.query(UPDATE_CUSTOMER, [
        customer.balance - decision.total,
        now,
        customer.id,
      ]);
      await connection.query(APPEND_LEDGER, [customer.id, id, 'ORDER_DEBIT', -decision.total, now]);
      await connection.query(APPEND_MOVEMENTS, [
        lines.map((line) => [line.productId, id, 'ORDER', -line.quantity, now]),
      ]);
    }
    await updateOrder(connection, id, lines, decision, now);
    await connection.commit();
    return decision.outcome === 'COMPLETED' ? 'COMPLETED' : `FAILED ${decision.reason}`;
  } catch (error) {
    await connection.rollback();
    throw error;
  } finally {
    connection.release();
  }
}

/** Customers, products and PENDING orders of the throughput mix, inserted in bulk. */
async function seed(pool: Pool, orders: number, customers: number, products: number) {
  const catalog = throughputCatalog(orders, customers, products);
  const now = new Date();
  const customerIds = catalog.balances.map(() => randomUUID());
  const productIds = catalog.products.map(() => randomUUID());
  await pool.query(
    'INSERT INTO customers (id, name, email, balance, created_at, updated_at) VALUES ?',
    [
      customerIds.map((id, i) => [
        id,
        `Customer ${i}`,
        `${id}@bench.example`,
        catalog.balances[i],
        now,
        now,
      ]),
    ],
  );
  await pool.query(
    'INSERT INTO products (id, name, price, stock, created_at, updated_at) VALUES ?',
    [
      productIds.map((id, i) => [
        id,
        `Product ${i}`,
        catalog.products[i]?.price,
        catalog.products[i]?.stock,
        now,
        now,
      ]),
    ],
  );
  const mix = new OrderMix(322, customerIds, productIds, catalog.hotCount, catalog.hotShare);
  const planned = Array.from({ length: orders }, () => ({ id: randomUUID(), ...mix.next() }));
  for (let from = 0; from < planned.length; from += 1000) {
    const chunk = planned.slice(from, from + 1000);
    await pool.query(
      'INSERT INTO orders (id, customer_id, status, created_at, updated_at) VALUES ?',
      [chunk.map((order) => [order.id, order.customerId, 'PENDING', now, now])],
    );
    await pool.query(
      'INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) VALUES ?',
      [
        chunk.flatMap((order) =>
          order.items.map((item, line) => [order.id, line, item.productId, item.quantity, null]),
        ),
      ],
    );
  }
  return planned.map((order) => order.id);
}

export async function measureRawOrderSql(
  servers: Servers,
  runId: string,
  sizes: { orders: number; customers: number; products: number; concurrency: number },
): Promise<RawSqlResult> {
  const database = `bench_${runId}_rawsql`;
  const url = databaseUrl(servers, database);
  await migrateDatabase(parseMysqlUrl(url));
  const pool = createPool({ uri: url, connectionLimit: sizes.concurrency, timezone: 'Z' });
  try {
    const ids = await seed(pool, sizes.orders, sizes.customers, sizes.products);
    const outcomes: Record<string, number> = {};
    const started = performance.now();
    await mapLimit(ids, sizes.concurrency, async (id) => {
      const outcome = await processOrder(pool, id);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    });
    const elapsedMs = performance.now() - started;
    return {
      orders: ids.length,
      concurrency: sizes.concurrency,
      elapsedMs: Math.round(elapsedMs),
      ordersPerSecond: Math.round((ids.length / elapsedMs) * 1000),
      outcomes,
    };
  } finally {
    await pool.end();
    await dropDatabase(servers, database);
  }
}
