import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createHistoryShop,
  HistoryLoader,
  HistoryMix,
  openServiceWriters,
  type ServiceWriters,
} from '../../bench/grown/history-loader';
import { orderJob } from '../../src/application/orders/order-job';
import { ProcessOrderJobs } from '../../src/application/orders/process-order-jobs';
import { RequestCancellation } from '../../src/application/orders/request-cancellation';
import type { OrderRepository } from '../../src/application/ports/order-repository';
import { TOKENS } from '../../src/application/ports/tokens';
import type { Order } from '../../src/domain/order/order';
import { auditDatabase } from '../../src/tools/mysql-invariant-audit';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/mysql';
import { ADMIN } from '../support/tokens';

const SCRIPT = join(__dirname, '..', '..', 'docs', 'sql', 'archive-orders.sql');

/** The mariadb command-line client on the test database, as an operator would run it. */
async function mariadb(database: string, args: string[], input?: string): Promise<void> {
  const server = new URL(TEST_DATABASE_URL);
  const run = promisify(execFile);
  const command = run('mariadb', [
    `--host=${server.hostname}`,
    `--port=${server.port || '3306'}`,
    `--user=${decodeURIComponent(server.username)}`,
    ...(server.password ? [`--password=${decodeURIComponent(server.password)}`] : []),
    database,
    ...args,
  ]);
  if (input !== undefined) command.child.stdin?.end(input);
  await command;
}

/** The one old order the archive must leave: completed, its cancellation not yet applied. */
const CANCELLATION_WAITING = "status = 'COMPLETED' AND cancel_requested_at IS NOT NULL";
const OLD_AND_SETTLED =
  "o.created_at < '2025-03-01' AND NOT (o.status = 'COMPLETED' AND o.cancel_requested_at IS NOT NULL)";

const count = async (db: TestDatabase, sql: string, values: unknown[] = []) =>
  Number((await db.query(sql, values))[0]?.n);

/** Each customer's and product's ledger sum, and the balances and stock they must equal. */
const sums = (db: TestDatabase) =>
  Promise.all([
    db.query(
      'SELECT customer_id, SUM(amount) AS total FROM wallet_ledger GROUP BY customer_id ORDER BY customer_id',
    ),
    db.query(
      'SELECT product_id, SUM(quantity) AS total FROM inventory_ledger GROUP BY product_id ORDER BY product_id',
    ),
    db.query('SELECT id, balance FROM customers ORDER BY id'),
    db.query('SELECT id, stock FROM products ORDER BY id'),
  ]);

describe('docs/sql/archive-orders.sql on a loaded database', () => {
  let db: TestDatabase;
  let writers: ServiceWriters;
  let oldest: Order[];
  let older: Order[];
  let recent: Order[];
  let waiting: Order;

  beforeAll(async () => {
    db = await createTestDatabase('archive_orders');
    writers = await openServiceWriters(db.url, 4);
    const shop = await createHistoryShop(writers, { customers: 5, products: 6 });
    const mix = new HistoryMix(shop, 7);
    const loader = new HistoryLoader(writers, { batchSize: 40, parallel: 2 });
    const history = (n: number) => Array.from({ length: n }, () => mix.next());
    const first = history(120);
    oldest = await loader.load(first, { placedAt: new Date('2025-01-10T00:00:00Z') });
    older = await loader.load(history(120), { placedAt: new Date('2025-06-10T00:00:00Z') });
    recent = await loader.load(history(120), { placedAt: new Date('2026-06-10T00:00:00Z') });
    // An old completed order whose cancellation is asked for and not yet applied.
    const completed = oldest[first.findIndex((order) => order.outcome === 'COMPLETED')] as Order;
    waiting = await writers.container.get(RequestCancellation).execute(ADMIN, completed.id);
    await mariadb(db.name, [], readFileSync(SCRIPT, 'utf8'));
  });

  afterAll(async () => {
    await writers?.close();
    await db?.drop();
  });

  it('moves the settled orders before the cutoff, with their rows, and keeps every sum', async () => {
    const before = await sums(db);
    const oldRows = {
      items: await count(
        db,
        `SELECT COUNT(*) AS n FROM order_items i JOIN orders o ON o.id = i.order_id WHERE ${OLD_AND_SETTLED}`,
      ),
      wallet: await count(
        db,
        `SELECT COUNT(*) AS n FROM wallet_ledger l JOIN orders o ON o.id = l.order_id WHERE ${OLD_AND_SETTLED}`,
      ),
      movements: await count(
        db,
        `SELECT COUNT(*) AS n FROM inventory_ledger m JOIN orders o ON o.id = m.order_id WHERE ${OLD_AND_SETTLED}`,
      ),
    };

    await mariadb(db.name, ['-e', "CALL archive_orders('2025-03-01', 25)"]);

    expect(
      await count(db, "SELECT COUNT(*) AS n FROM orders WHERE created_at < '2025-03-01'"),
    ).toBe(1);
    expect(await count(db, `SELECT COUNT(*) AS n FROM orders WHERE ${CANCELLATION_WAITING}`)).toBe(
      1,
    );
    expect(await count(db, 'SELECT COUNT(*) AS n FROM archived_orders')).toBe(oldest.length - 1);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM archived_order_items')).toBe(oldRows.items);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM archived_wallet_ledger')).toBe(
      oldRows.wallet,
    );
    expect(await count(db, 'SELECT COUNT(*) AS n FROM archived_inventory_ledger')).toBe(
      oldRows.movements,
    );
    expect(oldRows.wallet).toBeGreaterThan(0);
    expect(await sums(db)).toEqual(before);
  });

  it('adds later batches to the one ARCHIVED row of each customer and product', async () => {
    const before = await sums(db);
    await mariadb(db.name, ['-e', "CALL archive_orders('2026-01-01', 1000)"]);

    expect(
      await count(db, "SELECT COUNT(*) AS n FROM orders WHERE created_at < '2026-01-01'"),
    ).toBe(1);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM archived_orders')).toBe(
      oldest.length + older.length - 1,
    );
    expect(await count(db, 'SELECT COUNT(*) AS n FROM orders')).toBe(recent.length + 1);
    expect(await sums(db)).toEqual(before);
    expect(
      await db.query(
        "SELECT customer_id FROM wallet_ledger WHERE kind = 'ARCHIVED' GROUP BY customer_id HAVING COUNT(*) > 1",
      ),
    ).toEqual([]);
    expect(
      await db.query(
        "SELECT product_id FROM inventory_ledger WHERE kind = 'ARCHIVED' GROUP BY product_id HAVING COUNT(*) > 1",
      ),
    ).toEqual([]);
    expect(
      await count(db, "SELECT COUNT(*) AS n FROM wallet_ledger WHERE kind = 'ARCHIVED'"),
    ).toBeGreaterThan(0);
  });

  it('leaves the service working and the audit clean', async () => {
    // The worker still applies the cancellation the archive left alone.
    await writers.container.get(ProcessOrderJobs).execute([orderJob('CANCEL', waiting)]);
    const orders = writers.container.get<OrderRepository>(TOKENS.OrderRepository);
    expect((await orders.findById(waiting.id))?.status).toBe('CANCELLED');

    const report = await auditDatabase(db.url);
    expect(report.checks.filter((check) => check.violations.length > 0)).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
