import { performance } from 'node:perf_hooks';
import { createPool, type Pool, type PoolConnection, type RowDataPacket } from 'mysql2/promise';
import { v7 as newId } from 'uuid';
import { idFromBinary, idToLookup } from '../../src/adapters/persistence/mysql/binary-id';
import { migrateDatabase } from '../../src/adapters/persistence/mysql/migrate';
import { parseMysqlUrl } from '../../src/adapters/persistence/mysql/mysql-connection';
import { valueById } from '../../src/adapters/persistence/mysql/value-by-id';
import { loadConfig } from '../../src/config/config';
import type { RawSqlResult } from '../report/results';
import { mapLimit, OrderMix, throughputCatalog } from '../scenarios/workload';
import { databaseUrl, dropDatabase, idsAsStrings, type Servers } from '../service/environment';

/*
 * The processing ceiling: the statements the worker runs for a batch of orders (ProcessOrderJobs
 * and LockedOrderRows over the MySQL repositories and unit of work), issued by a plain loop that
 * takes the orders in batches of the worker's batch size, with as many batches in flight as the
 * worker's batcher allows, one statement per round trip as the service's transaction queryable
 * sends them (START TRANSACTION, the order, product and customer locks, the writes, COMMIT): no
 * queue, no framework, no cache invalidation. test/bench/raw-order-sql.test.ts fails when these
 * statements differ from the worker's for the same batch.
 */

/** As the worker runs them: the service's default, read from its own configuration. */
const BATCHES_IN_FLIGHT = loadConfig({}).worker.batching.maxInFlight;

const LOCK_ORDERS = `
  SELECT o.id, o.customer_id, o.status, o.total, o.failure_reason, o.idempotency_key,
         o.request_fingerprint, o.cancel_requested_at, o.created_at, o.updated_at,
         i.product_id AS item_product_id, i.quantity AS item_quantity,
         i.unit_price AS item_unit_price, i.line_no AS item_line_no
  FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
  WHERE o.id IN (?) FOR UPDATE`;
const LOCK_PRODUCTS =
  'SELECT id, name, price, stock, created_at, updated_at FROM products WHERE id IN (?) ORDER BY id FOR UPDATE';
const LOCK_CUSTOMERS =
  'SELECT id, name, email, balance, created_at, updated_at FROM customers WHERE id IN (?) ORDER BY id FOR UPDATE';
const APPEND_LEDGER =
  'INSERT INTO wallet_ledger (customer_id, order_id, kind, amount, created_at) VALUES ?';
const APPEND_MOVEMENTS =
  'INSERT INTO inventory_ledger (product_id, order_id, kind, quantity, created_at) VALUES ?';

const prepared = new WeakSet<object>();

interface Line {
  lineNo: number;
  productId: string;
  quantity: number;
  unitPrice: number | null;
}

interface LockedOrder {
  id: string;
  customerId: string;
  status: string;
  total: number | null;
  failureReason: string | null;
  lines: Line[];
}

interface LockedProduct {
  id: string;
  price: number;
  stock: number;
}

interface Statement {
  sql: string;
  values: unknown[];
}

type Decision = { outcome: 'COMPLETED'; total: number } | { outcome: 'FAILED'; reason: string };

/** An id column as read: bytes from the service's pool, text from one that casts them (the bench's). */
const idOf = (value: unknown): string =>
  Buffer.isBuffer(value) ? idFromBinary(value) : (value as string);

/** The locked rows grouped by order, lines in line order (MysqlOrderRepository.lockMany). */
function groupOrders(rows: RowDataPacket[]): Map<string, LockedOrder> {
  const orders = new Map<string, LockedOrder>();
  for (const row of rows) {
    let order = orders.get(idOf(row.id));
    if (!order) {
      order = {
        id: idOf(row.id),
        customerId: idOf(row.customer_id),
        status: row.status,
        total: row.total,
        failureReason: row.failure_reason,
        lines: [],
      };
      orders.set(order.id, order);
    }
    if (row.item_product_id !== null) {
      order.lines.push({
        lineNo: row.item_line_no,
        productId: idOf(row.item_product_id),
        quantity: row.item_quantity,
        unitPrice: row.item_unit_price,
      });
    }
  }
  for (const order of orders.values()) order.lines.sort((a, b) => a.lineNo - b.lineNo);
  return orders;
}

/** settleOrder's rule, inline. */
function decide(
  lines: readonly { line: Line; product: LockedProduct }[],
  balance: number,
): Decision {
  if (lines.some(({ line, product }) => product.stock < line.quantity)) {
    return { outcome: 'FAILED', reason: 'INSUFFICIENT_STOCK' };
  }
  const total = lines.reduce((sum, { line, product }) => sum + line.quantity * product.price, 0);
  return !Number.isSafeInteger(total) || total > balance
    ? { outcome: 'FAILED', reason: 'INSUFFICIENT_FUNDS' }
    : { outcome: 'COMPLETED', total };
}

/** `UPDATE <table> SET <column> = <valueById>, updated_at = ?` (updateStocks, updateMany). */
function updateById(
  table: 'products' | 'customers',
  column: 'stock' | 'balance',
  values: ReadonlyMap<string, number>,
  now: Date,
): Statement[] {
  if (values.size === 0) return [];
  const assignment = valueById('id', [...values]);
  return [
    {
      sql: `UPDATE ${table} SET ${column} = ${assignment.sql}, updated_at = ? WHERE id IN (?)`,
      values: [...assignment.values, now, [...values.keys()]],
    },
  ];
}

/**
 * MysqlOrderRepository.updateMany: the orders, then the unit prices of the items of the orders
 * that completed (the only ones whose prices changed since they were locked).
 */
function updateOrders(orders: readonly LockedOrder[], completed: ReadonlySet<string>, now: Date) {
  const column = (value: (order: LockedOrder) => unknown) =>
    valueById(
      'id',
      orders.map((order) => [order.id, value(order)]),
    );
  const assignments = [
    ['status', column((order) => order.status)],
    ['total', column((order) => order.total)],
    ['failure_reason', column((order) => order.failureReason)],
    ['cancel_requested_at', column(() => null)],
    ['updated_at', column(() => now)],
  ] as const;
  const priced = orders.filter((order) => completed.has(order.id));
  const items = priced.flatMap((order) =>
    order.lines.map((line) => [order.id, line.productId, line.unitPrice]),
  );
  return [
    {
      sql: `UPDATE orders SET ${assignments.map(([name, { sql }]) => `${name} = ${sql}`).join(', ')}
            WHERE id IN (?)`,
      values: [...assignments.flatMap(([, { values }]) => values), orders.map((order) => order.id)],
    },
    ...(items.length > 0
      ? [
          {
            sql: `UPDATE order_items
                  SET unit_price = CASE ${items.map(() => 'WHEN order_id = ? AND product_id = ? THEN ?').join(' ')}
                                   ELSE unit_price END
                  WHERE order_id IN (?)`,
            values: [...items.flat(), priced.map((order) => order.id)],
          },
        ]
      : []),
  ];
}

/** Ids as the store holds them (binary-id.ts): they are the only UUIDs among the values. */
function stored(values: unknown[]): unknown[] {
  return values.map((value) =>
    typeof value === 'string'
      ? (idToLookup(value) ?? value)
      : Array.isArray(value)
        ? stored(value)
        : value,
  );
}

/** The statements one after the other, a round trip each; answers each statement's result. */
async function send(connection: PoolConnection, statements: Statement[]): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const { sql, values } of statements) {
    const [result] = await connection.query(sql, stored(values));
    results.push(result);
  }
  return results;
}

/** An order as its job names it: with its customer and products. */
export interface SeededOrder {
  id: string;
  customerId: string;
  productIds: string[];
}

/**
 * One batch's transaction, as MysqlUnitOfWork.run(ProcessOrderJobs) issues it: every lock first
 * (orders, the products and customers their jobs name, each in id order), then each order decided
 * in the batch's order on the rows as the orders before it left them, then a few writes for them
 * all.
 */
export async function processBatch(pool: Pool, batch: readonly SeededOrder[]): Promise<string[]> {
  const ids = batch.map((order) => order.id);
  const connection = await pool.getConnection();
  try {
    if (!prepared.has(connection.connection)) {
      await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      prepared.add(connection.connection);
    }
    const [, orderRows, productRows, customerRows] = (await send(connection, [
      { sql: 'START TRANSACTION', values: [] },
      { sql: LOCK_ORDERS, values: [[...new Set(ids)].sort()] },
      { sql: LOCK_PRODUCTS, values: [batch.flatMap((order) => order.productIds)] },
      { sql: LOCK_CUSTOMERS, values: [[...new Set(batch.map((order) => order.customerId))]] },
    ])) as [unknown, RowDataPacket[], RowDataPacket[], RowDataPacket[]];
    const orders = groupOrders(orderRows);
    const products = new Map(
      productRows.map((row): [string, LockedProduct] => [
        idOf(row.id),
        { id: idOf(row.id), price: row.price, stock: row.stock },
      ]),
    );
    const balances = new Map(
      customerRows.map((row): [string, number] => [idOf(row.id), row.balance]),
    );

    const now = new Date();
    const stocks = new Map<string, number>();
    const changedBalances = new Map<string, number>();
    const debits: unknown[][] = [];
    const movements: unknown[][] = [];
    const outcomes = ids.map((id) => {
      const order = orders.get(id);
      if (order?.status !== 'PENDING') throw new Error(`order ${id} is missing or not PENDING`);
      const balance = balances.get(order.customerId);
      if (balance === undefined) throw new Error(`customer of order ${id} is missing`);
      const lines = order.lines.map((line) => ({
        line,
        product: products.get(line.productId) as LockedProduct,
      }));
      const decision = decide(lines, balance);
      if (decision.outcome === 'FAILED') {
        order.status = 'FAILED';
        order.failureReason = decision.reason;
        return `FAILED ${decision.reason}`;
      }
      for (const { line, product } of lines) {
        product.stock -= line.quantity;
        stocks.set(product.id, product.stock);
        line.unitPrice = product.price;
        movements.push([product.id, id, 'ORDER', -line.quantity, now]);
      }
      balances.set(order.customerId, balance - decision.total);
      changedBalances.set(order.customerId, balance - decision.total);
      debits.push([order.customerId, id, 'ORDER_DEBIT', -decision.total, now]);
      order.status = 'COMPLETED';
      order.total = decision.total;
      return 'COMPLETED';
    });

    await send(connection, [
      ...updateById('products', 'stock', stocks, now),
      ...updateById('customers', 'balance', changedBalances, now),
      ...(debits.length > 0 ? [{ sql: APPEND_LEDGER, values: [debits] }] : []),
      ...(movements.length > 0 ? [{ sql: APPEND_MOVEMENTS, values: [movements] }] : []),
      ...updateOrders(
        ids.map((id) => orders.get(id) as LockedOrder),
        new Set(debits.map(([, orderId]) => orderId as string)),
        now,
      ),
      { sql: 'COMMIT', values: [] },
    ]);
    return outcomes;
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
  const customerIds = catalog.balances.map(() => newId());
  const productIds = catalog.products.map(() => newId());
  await pool.query(
    'INSERT INTO customers (id, name, email, balance, created_at, updated_at) VALUES ?',
    stored([
      customerIds.map((id, i) => [
        id,
        `Customer ${i}`,
        `${id}@bench.example`,
        catalog.balances[i],
        now,
        now,
      ]),
    ]),
  );
  await pool.query(
    'INSERT INTO products (id, name, price, stock, created_at, updated_at) VALUES ?',
    stored([
      productIds.map((id, i) => [
        id,
        `Product ${i}`,
        catalog.products[i]?.price,
        catalog.products[i]?.stock,
        now,
        now,
      ]),
    ]),
  );
  const mix = new OrderMix(322, customerIds, productIds, catalog.hotCount, catalog.hotShare);
  const planned = Array.from({ length: orders }, () => ({ id: newId(), ...mix.next() }));
  for (let from = 0; from < planned.length; from += 1000) {
    const chunk = planned.slice(from, from + 1000);
    await pool.query(
      'INSERT INTO orders (id, customer_id, status, created_at, updated_at) VALUES ?',
      stored([chunk.map((order) => [order.id, order.customerId, 'PENDING', now, now])]),
    );
    await pool.query(
      'INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) VALUES ?',
      stored([
        chunk.flatMap((order) =>
          order.items.map((item, line) => [order.id, line, item.productId, item.quantity, null]),
        ),
      ]),
    );
  }
  return planned.map((order): SeededOrder => ({
    id: order.id,
    customerId: order.customerId,
    productIds: order.items.map((item) => item.productId),
  }));
}

export async function measureRawOrderSql(
  servers: Servers,
  runId: string,
  sizes: { orders: number; customers: number; products: number; batchSize: number },
): Promise<RawSqlResult> {
  const database = `bench_${runId}_rawsql`;
  const url = databaseUrl(servers, database);
  await migrateDatabase(parseMysqlUrl(url));
  const pool = createPool({
    uri: url,
    connectionLimit: BATCHES_IN_FLIGHT,
    timezone: 'Z',
    typeCast: idsAsStrings,
  });
  try {
    const seeded = await seed(pool, sizes.orders, sizes.customers, sizes.products);
    const batches = Array.from({ length: Math.ceil(seeded.length / sizes.batchSize) }, (_, i) =>
      seeded.slice(i * sizes.batchSize, (i + 1) * sizes.batchSize),
    );
    const outcomes: Record<string, number> = {};
    const started = performance.now();
    await mapLimit(batches, BATCHES_IN_FLIGHT, async (batch) => {
      for (const outcome of await processBatch(pool, batch)) {
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    });
    const elapsedMs = performance.now() - started;
    return {
      orders: seeded.length,
      batchSize: sizes.batchSize,
      batchesInFlight: BATCHES_IN_FLIGHT,
      elapsedMs: Math.round(elapsedMs),
      ordersPerSecond: Math.round((seeded.length / elapsedMs) * 1000),
      outcomes,
    };
  } finally {
    await pool.end();
    await dropDatabase(servers, database);
  }
}
