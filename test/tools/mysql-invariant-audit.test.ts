import { ADMIN } from '../support/tokens';
import { randomUUID } from 'node:crypto';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { migrateDatabase } from '../../src/adapters/persistence/mysql/migrate';
import { inventoryLedger } from '../../src/adapters/persistence/mysql/migrations/0002-inventory-ledger';
import {
  auditDatabase,
  type AuditOptions,
  type AuditReport,
} from '../../src/tools/mysql-invariant-audit';
import {
  createMysqlPool,
  parseMysqlUrl,
} from '../../src/adapters/persistence/mysql/mysql-connection';
import { CreateCustomer } from '../../src/application/customers/create-customer';
import { DepositFunds } from '../../src/application/customers/deposit-funds';
import { FailDeadLetteredOrder } from '../../src/application/orders/fail-dead-lettered-order';
import { PlaceOrder } from '../../src/application/orders/place-order';
import { ProcessOrderJobs } from '../../src/application/orders/process-order-jobs';
import { RequestCancellation } from '../../src/application/orders/request-cancellation';
import { CreateProduct } from '../../src/application/products/create-product';
import { UpdateProduct } from '../../src/application/products/update-product';
import type { CustomerId, OrderId, ProductId } from '../../src/domain/shared/ids';
import { EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS, main } from '../../src/tools/audit';
import { createTestDatabase, databaseUrl, type TestDatabase } from '../support/mysql';
import { useCaseHarness, type Harness } from '../support/use-case-harness';

/** What the traffic left behind, by role. */
interface Traffic {
  ada: CustomerId;
  bob: CustomerId;
  lamp: ProductId;
  bulb: ProductId;
  shade: ProductId;
  completed: OrderId;
  reversed: OrderId;
  noStock: OrderId;
  noFunds: OrderId;
  deadLettered: OrderId;
  withdrawn: OrderId;
  pending: OrderId;
}

/** Real traffic through the use cases, on the MySQL store: every kind of ledger row is written. */
async function runTraffic(h: Harness): Promise<Traffic> {
  const tick = () => h.clock.advance(10);
  const ada = (
    await h
      .get(CreateCustomer)
      .execute(ADMIN, { name: 'Ada', email: 'ada@example.com', balance: 10_000 })
  ).id;
  const bob = (
    await h
      .get(CreateCustomer)
      .execute(ADMIN, { name: 'Bob', email: 'bob@example.com', balance: 0 })
  ).id;
  await h.get(DepositFunds).execute(ADMIN, { customerId: bob, amount: 700 });
  await h.get(DepositFunds).execute(ADMIN, { customerId: ada, amount: 250 });
  const lamp = (await h.get(CreateProduct).execute(ADMIN, { name: 'Lamp', price: 1200, stock: 4 }))
    .id;
  const bulb = (await h.get(CreateProduct).execute(ADMIN, { name: 'Bulb', price: 150, stock: 0 }))
    .id;
  const shade = (await h.get(CreateProduct).execute(ADMIN, { name: 'Shade', price: 900, stock: 9 }))
    .id;
  tick();
  await h.get(UpdateProduct).execute(ADMIN, bulb, { stock: 40 });
  await h.get(UpdateProduct).execute(ADMIN, shade, { stock: 6, price: 950 });
  await h.get(UpdateProduct).execute(ADMIN, lamp, { name: 'Desk lamp' });

  const place = async (customerId: CustomerId, items: [ProductId, number][]) => {
    tick();
    const { order } = await h.get(PlaceOrder).execute(ADMIN, {
      customerId,
      items: items.map(([productId, quantity]) => ({ productId, quantity })),
      idempotencyKey: null,
    });
    return order.id;
  };
  const completed = await place(ada, [
    [lamp, 2],
    [bulb, 5],
  ]);
  const reversed = await place(ada, [
    [shade, 1],
    [bulb, 3],
  ]);
  const noStock = await place(ada, [[lamp, 3]]);
  const noFunds = await place(bob, [[lamp, 1]]);
  const deadLettered = await place(bob, [[bulb, 1]]);
  const withdrawn = await place(bob, [[shade, 2]]);
  for (const id of [completed, reversed, noStock, noFunds]) {
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: id }]);
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: id }]);
  }
  await h.get(FailDeadLetteredOrder).execute(deadLettered);
  await h.get(RequestCancellation).execute(ADMIN, withdrawn);
  await h.get(ProcessOrderJobs).execute([{ kind: 'CANCEL', orderId: withdrawn }]);
  await h.get(RequestCancellation).execute(ADMIN, reversed);
  await h.get(ProcessOrderJobs).execute([{ kind: 'CANCEL', orderId: reversed }]);
  await h.get(ProcessOrderJobs).execute([{ kind: 'CANCEL', orderId: reversed }]);
  await h.get(UpdateProduct).execute(ADMIN, lamp, { stock: 10 });
  const pending = await place(bob, [[bulb, 1]]);
  return {
    ada,
    bob,
    lamp,
    bulb,
    shade,
    completed,
    reversed,
    noStock,
    noFunds,
    deadLettered,
    withdrawn,
    pending,
  };
}

const failing = (report: AuditReport): string[] =>
  report.checks.filter((check) => check.violations.length > 0).map((check) => check.name);

const violationsOf = (report: AuditReport, name: string): string[] =>
  report.checks.find((check) => check.name === name)?.violations ?? [];

const ALL_CHECKS = [
  'stock-non-negative',
  'balance-non-negative',
  'balance-equals-wallet-ledger',
  'stock-equals-inventory-ledger',
  'order-references-exist',
  'completed-orders-settled-once',
  'cancelled-completed-orders-reversed-once',
  'unsettled-orders-untouched',
  'order-totals-match-items',
  'failed-orders-have-reason',
  'no-stalled-work',
  'balance-equals-opening-plus-deposits-minus-completed',
  'stock-equals-initial-plus-adjustments-minus-completed',
];

interface CapturedRun {
  code: number;
  out: string;
  err: string;
}

async function runCli(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<CapturedRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, env, {
    out: (line) => void out.push(line),
    err: (line) => void err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('auditDatabase after real traffic', () => {
  let database: TestDatabase;
  let h: Harness;
  let t: Traffic;

  beforeAll(async () => {
    database = await createTestDatabase('audit');
    h = await useCaseHarness({ DATABASE_URL: database.url, DB_POOL_SIZE: '2' });
    t = await runTraffic(h);
  });

  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  /** The traffic ran on a manual clock: "now" for the age of pending work is that clock's. */
  const audit = (options: AuditOptions = {}) =>
    auditDatabase(database.url, { now: h.clock.now(), ...options });

  /** Applies a corruption, audits, and undoes it whatever happened, so the next test starts clean. */
  async function auditCorrupted(
    corrupt: () => Promise<unknown>,
    repair: () => Promise<unknown>,
  ): Promise<AuditReport> {
    await corrupt();
    try {
      return await audit();
    } finally {
      await repair();
    }
  }

  const write = async (sql: string, values: unknown[] = []) =>
    (await database.query(sql, values)) as unknown as ResultSetHeader;
  const one = async (sql: string, values: unknown[] = []) => {
    const [row] = await database.query<RowDataPacket>(sql, values);
    if (!row) throw new Error(`no row for ${sql}`);
    return row;
  };

  it('finds every invariant holding, each check having looked at rows', async () => {
    const report = await audit();

    expect(failing(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => check.name)).toEqual(ALL_CHECKS);
    for (const check of report.checks) {
      expect({ name: check.name, looked: check.checked > 0 }).toEqual({
        name: check.name,
        looked: true,
      });
      expect(check.description).not.toBe('');
    }
    const checked = Object.fromEntries(report.checks.map((check) => [check.name, check.checked]));
    expect(checked).toMatchObject({
      'stock-non-negative': 3,
      'balance-non-negative': 2,
      'completed-orders-settled-once': 1,
      'cancelled-completed-orders-reversed-once': 1,
      'unsettled-orders-untouched': 5,
      'order-totals-match-items': 7,
      'no-stalled-work': 1,
    });
  });

  it('audits through an open pool as well, and hands its connection back', async () => {
    const pool = createMysqlPool(parseMysqlUrl(database.url), 1);
    try {
      expect((await auditDatabase(pool, { now: h.clock.now() })).ok).toBe(true);
      expect((await auditDatabase(pool, { now: h.clock.now() })).ok).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('reports a stock changed behind the ledger', async () => {
    const report = await auditCorrupted(
      () => write('UPDATE products SET stock = stock + 5 WHERE id = ?', [t.lamp]),
      () => write('UPDATE products SET stock = stock - 5 WHERE id = ?', [t.lamp]),
    );

    expect(failing(report)).toEqual([
      'stock-equals-inventory-ledger',
      'stock-equals-initial-plus-adjustments-minus-completed',
    ]);
    expect(violationsOf(report, 'stock-equals-inventory-ledger')).toEqual([
      `product ${t.lamp}: stock is 15, its 3 movements sum to 10`,
    ]);
    expect(violationsOf(report, 'stock-equals-initial-plus-adjustments-minus-completed')).toEqual([
      `product ${t.lamp}: stock is 15, but initial 4 + adjustments 8 - completed 2 = 10`,
    ]);
  });

  it('reports a balance changed behind the ledger', async () => {
    const report = await auditCorrupted(
      () => write('UPDATE customers SET balance = balance - 1 WHERE id = ?', [t.bob]),
      () => write('UPDATE customers SET balance = balance + 1 WHERE id = ?', [t.bob]),
    );

    expect(failing(report)).toEqual([
      'balance-equals-wallet-ledger',
      'balance-equals-opening-plus-deposits-minus-completed',
    ]);
    expect(violationsOf(report, 'balance-equals-wallet-ledger')).toEqual([
      `customer ${t.bob}: balance is 699, its 1 ledger entries sum to 700`,
    ]);
  });

  it('reports a deleted debit of a completed order', async () => {
    const debit = await one(
      "SELECT * FROM wallet_ledger WHERE order_id = ? AND kind = 'ORDER_DEBIT'",
      [t.completed],
    );
    const report = await auditCorrupted(
      () => write('DELETE FROM wallet_ledger WHERE id = ?', [debit.id]),
      () => write('INSERT INTO wallet_ledger SET ?', [debit]),
    );

    expect(failing(report)).toEqual([
      'balance-equals-wallet-ledger',
      'completed-orders-settled-once',
    ]);
    expect(violationsOf(report, 'completed-orders-settled-once')).toEqual([
      `order ${t.completed} (COMPLETED, total 3150): 0 ORDER_DEBIT entries, expected 1`,
    ]);
  });

  it('reports a deleted ORDER_CANCEL movement of a cancelled completed order', async () => {
    const movement = await one(
      "SELECT * FROM inventory_ledger WHERE order_id = ? AND product_id = ? AND kind = 'ORDER_CANCEL'",
      [t.reversed, t.bulb],
    );
    const report = await auditCorrupted(
      () => write('DELETE FROM inventory_ledger WHERE id = ?', [movement.id]),
      () => write('INSERT INTO inventory_ledger SET ?', [movement]),
    );

    expect(failing(report)).toEqual([
      'stock-equals-inventory-ledger',
      'cancelled-completed-orders-reversed-once',
    ]);
    expect(violationsOf(report, 'cancelled-completed-orders-reversed-once')).toEqual([
      `order ${t.reversed} (CANCELLED, total 1400): 1 of 2 items have no ORDER_CANCEL movement; 3 stock movements, expected 4`,
    ]);
  });

  it('reports a second debit of an order, written where the unique key was dropped', async () => {
    const debit = await one(
      "SELECT * FROM wallet_ledger WHERE order_id = ? AND kind = 'ORDER_DEBIT'",
      [t.completed],
    );
    let second: ResultSetHeader | undefined;
    const report = await auditCorrupted(
      async () => {
        await write(
          'ALTER TABLE wallet_ledger ADD KEY audit_test_order (order_id), DROP KEY uq_wallet_ledger_order_kind',
        );
        second = await write('INSERT INTO wallet_ledger SET ?', [{ ...debit, id: undefined }]);
        await write('UPDATE customers SET balance = balance + ? WHERE id = ?', [
          debit.amount,
          t.ada,
        ]);
      },
      async () => {
        if (second) await write('DELETE FROM wallet_ledger WHERE id = ?', [second.insertId]);
        await write('UPDATE customers SET balance = balance - ? WHERE id = ?', [
          debit.amount,
          t.ada,
        ]);
        await write(
          'ALTER TABLE wallet_ledger ADD UNIQUE KEY uq_wallet_ledger_order_kind (order_id, kind), DROP KEY audit_test_order',
        );
      },
    );

    expect(failing(report)).toEqual([
      'completed-orders-settled-once',
      'balance-equals-opening-plus-deposits-minus-completed',
    ]);
    expect(violationsOf(report, 'completed-orders-settled-once')).toEqual([
      `order ${t.completed} (COMPLETED, total 3150): 2 ORDER_DEBIT entries, expected 1`,
    ]);
  });

  it('reports stock taken twice by one order, written where the unique key was dropped', async () => {
    const taken = await one(
      "SELECT * FROM inventory_ledger WHERE order_id = ? AND product_id = ? AND kind = 'ORDER'",
      [t.completed, t.lamp],
    );
    let second: ResultSetHeader | undefined;
    const report = await auditCorrupted(
      async () => {
        await write(
          'ALTER TABLE inventory_ledger ADD KEY audit_test_order (order_id), DROP KEY uq_inventory_ledger_order_product_kind',
        );
        second = await write('INSERT INTO inventory_ledger SET ?', [{ ...taken, id: undefined }]);
        await write('UPDATE products SET stock = stock + ? WHERE id = ?', [taken.quantity, t.lamp]);
      },
      async () => {
        if (second) await write('DELETE FROM inventory_ledger WHERE id = ?', [second.insertId]);
        await write('UPDATE products SET stock = stock - ? WHERE id = ?', [taken.quantity, t.lamp]);
        await write(
          'ALTER TABLE inventory_ledger ADD UNIQUE KEY uq_inventory_ledger_order_product_kind (order_id, product_id, kind), DROP KEY audit_test_order',
        );
      },
    );

    expect(failing(report)).toEqual([
      'completed-orders-settled-once',
      'stock-equals-initial-plus-adjustments-minus-completed',
    ]);
    expect(violationsOf(report, 'completed-orders-settled-once')).toEqual([
      `order ${t.completed} (COMPLETED, total 3150): 1 duplicate ORDER movements; 3 stock movements, expected 2`,
    ]);
  });

  it('reports stock taken by a failed order', async () => {
    const report = await auditCorrupted(
      async () => {
        await write(
          "INSERT INTO inventory_ledger (product_id, order_id, kind, quantity, created_at) VALUES (?, ?, 'ORDER', -3, NOW(3))",
          [t.lamp, t.noStock],
        );
        await write('UPDATE products SET stock = stock - 3 WHERE id = ?', [t.lamp]);
      },
      async () => {
        await write('DELETE FROM inventory_ledger WHERE order_id = ?', [t.noStock]);
        await write('UPDATE products SET stock = stock + 3 WHERE id = ?', [t.lamp]);
      },
    );

    expect(failing(report)).toEqual([
      'unsettled-orders-untouched',
      'stock-equals-initial-plus-adjustments-minus-completed',
    ]);
    expect(violationsOf(report, 'unsettled-orders-untouched')).toEqual([
      `order ${t.noStock} (FAILED, total null): 1 stock movements`,
    ]);
  });

  it('reports a refund of an order cancelled while pending', async () => {
    const report = await auditCorrupted(
      async () => {
        await write(
          "INSERT INTO wallet_ledger (customer_id, order_id, kind, amount, created_at) VALUES (?, ?, 'ORDER_REFUND', 1900, NOW(3))",
          [t.bob, t.withdrawn],
        );
        await write('UPDATE customers SET balance = balance + 1900 WHERE id = ?', [t.bob]);
      },
      async () => {
        await write('DELETE FROM wallet_ledger WHERE order_id = ?', [t.withdrawn]);
        await write('UPDATE customers SET balance = balance - 1900 WHERE id = ?', [t.bob]);
      },
    );

    expect(failing(report)).toEqual([
      'unsettled-orders-untouched',
      'balance-equals-opening-plus-deposits-minus-completed',
    ]);
    expect(violationsOf(report, 'unsettled-orders-untouched')).toEqual([
      `order ${t.withdrawn} (CANCELLED, total null): 1 ORDER_REFUND entries`,
    ]);
  });

  it('reports a total that is not the sum of its items', async () => {
    const report = await auditCorrupted(
      () =>
        write(
          'UPDATE order_items SET unit_price = unit_price + 1 WHERE order_id = ? AND product_id = ?',
          [t.completed, t.bulb],
        ),
      () =>
        write(
          'UPDATE order_items SET unit_price = unit_price - 1 WHERE order_id = ? AND product_id = ?',
          [t.completed, t.bulb],
        ),
    );

    expect(failing(report)).toEqual(['order-totals-match-items']);
    expect(violationsOf(report, 'order-totals-match-items')).toEqual([
      `order ${t.completed} (COMPLETED, total 3150): items sum to 3155`,
    ]);
  });

  it('reports a FAILED order without its failure reason', async () => {
    const report = await auditCorrupted(
      () => write('UPDATE orders SET failure_reason = NULL WHERE id = ?', [t.noFunds]),
      () =>
        write("UPDATE orders SET failure_reason = 'INSUFFICIENT_FUNDS' WHERE id = ?", [t.noFunds]),
    );

    expect(failing(report)).toEqual(['failed-orders-have-reason']);
    expect(violationsOf(report, 'failed-orders-have-reason')).toEqual([
      `order ${t.noFunds} (FAILED): FAILED without a failure reason`,
    ]);
  });

  it('reports an order whose customer, or an item whose product, is missing', async () => {
    const ghost = randomUUID();
    const { id: order } = await one('SELECT id FROM orders ORDER BY id LIMIT 1');
    const { customer_id: customer } = await one('SELECT customer_id FROM orders WHERE id = ?', [
      order,
    ]);
    const { product_id: product } = await one(
      'SELECT product_id FROM order_items WHERE order_id = ? ORDER BY product_id LIMIT 1',
      [order],
    );
    const report = await auditCorrupted(
      async () => {
        await write('UPDATE orders SET customer_id = ? WHERE id = ?', [ghost, order]);
        await write('UPDATE order_items SET product_id = ? WHERE order_id = ? AND product_id = ?', [
          ghost,
          order,
          product,
        ]);
      },
      async () => {
        await write('UPDATE order_items SET product_id = ? WHERE order_id = ? AND product_id = ?', [
          product,
          order,
          ghost,
        ]);
        await write('UPDATE orders SET customer_id = ? WHERE id = ?', [customer, order]);
      },
    );

    expect(violationsOf(report, 'order-references-exist')).toEqual([
      `order ${order}: its customer ${ghost} is missing`,
      `order ${order}: its product ${ghost} is missing`,
    ]);
  });

  it('reports a negative stock, written where the CHECK was dropped', async () => {
    const adjust = async (by: number) => {
      await write('UPDATE products SET stock = stock + ? WHERE id = ?', [by, t.shade]);
      await write(
        "INSERT INTO inventory_ledger (product_id, order_id, kind, quantity, created_at) VALUES (?, NULL, 'ADJUSTMENT', ?, NOW(3))",
        [t.shade, by],
      );
    };
    const { stock } = await one('SELECT stock FROM products WHERE id = ?', [t.shade]);
    const report = await auditCorrupted(
      async () => {
        await write('ALTER TABLE products DROP CONSTRAINT chk_products_stock');
        await adjust(-(Number(stock) + 2));
      },
      async () => {
        await adjust(Number(stock) + 2);
        await write('ALTER TABLE products ADD CONSTRAINT chk_products_stock CHECK (stock >= 0)');
      },
    );

    expect(failing(report)).toEqual(['stock-non-negative']);
    expect(violationsOf(report, 'stock-non-negative')).toEqual([`product ${t.shade}: stock is -2`]);
  });

  it('reports an order pending, and a cancellation unapplied, for longer than allowed', async () => {
    await h.get(RequestCancellation).execute(ADMIN, t.completed);
    try {
      const later = new Date(h.clock.now().getTime() + 61_000);

      const report = await audit({ now: later });

      expect(failing(report)).toEqual(['no-stalled-work']);
      const stalled = violationsOf(report, 'no-stalled-work');
      expect(stalled).toHaveLength(2);
      expect(stalled[0]).toMatch(
        new RegExp(
          `^order ${t.completed} \\(COMPLETED\\): cancellation requested at .+ UTC is not applied$`,
        ),
      );
      expect(stalled[1]).toMatch(new RegExp(`^order ${t.pending}: PENDING since .+ UTC$`));
      expect((await audit({ now: later, maxPendingAgeMs: 62_000 })).ok).toBe(true);
    } finally {
      await write('UPDATE orders SET cancel_requested_at = NULL WHERE id = ?', [t.completed]);
    }
  });

  it('refuses a negative maximum age', async () => {
    await expect(audit({ maxPendingAgeMs: -1 })).rejects.toThrow(RangeError);
  });

  describe('the command line (npm run audit)', () => {
    const env = () => ({ DATABASE_URL: database.url });
    // The traffic ran on a manual clock: its pending order may look old, or not yet placed.
    const patient = ['--max-pending-age-ms', String(Number.MAX_SAFE_INTEGER)];

    it('prints one line per check and exits 0 when every check holds', async () => {
      const run = await runCli(patient, env());

      expect(run).toMatchObject({ code: EXIT_CLEAN, err: '' });
      for (const name of ALL_CHECKS)
        expect(run.out).toMatch(new RegExp(`^ok {2}\\s*${name}: \\d+ checked, 0 violations$`, 'm'));
      expect(run.out).toContain('All 13 checks hold.');
      expect(run.out).not.toContain(database.url);
    });

    it('prints each violation and exits 1 when a check fails', async () => {
      await write('UPDATE products SET stock = stock + 1 WHERE id = ?', [t.bulb]);
      let run: CapturedRun;
      try {
        run = await runCli([`--max-pending-age-ms=${Number.MAX_SAFE_INTEGER}`], env());
      } finally {
        await write('UPDATE products SET stock = stock - 1 WHERE id = ?', [t.bulb]);
      }

      expect(run.code).toBe(EXIT_VIOLATIONS);
      expect(run.out).toMatch(/^FAIL {2}stock-equals-inventory-ledger: 3 checked, 1 violation$/m);
      expect(run.out).toContain(`- product ${t.bulb}: stock is 36`);
      expect(run.out).toContain('2 violations in 2 of 13 checks.');
    });

    it('counts stale work with the default age of 60 s', async () => {
      const { created } = await one('SELECT created_at AS created FROM orders WHERE id = ?', [
        t.pending,
      ]);
      const old = new Date(Date.now() - 61_000);
      let run: CapturedRun;
      try {
        await write('UPDATE orders SET created_at = ? WHERE id = ?', [old, t.pending]);
        run = await runCli([], env());
      } finally {
        await write('UPDATE orders SET created_at = ? WHERE id = ?', [created, t.pending]);
      }

      expect(run.code).toBe(EXIT_VIOLATIONS);
      expect(run.out).toMatch(/^FAIL {2}no-stalled-work: 1 checked, 1 violation$/m);
      expect(run.out).toContain(`- order ${t.pending}: PENDING since`);
    });

    it('exits 2 with the usage when DATABASE_URL or an option is wrong', async () => {
      for (const [args, variables, problem] of [
        [[], {}, 'DATABASE_URL is required'],
        [[], { DATABASE_URL: 'postgres://x@y/z' }, 'DATABASE_URL must start with mysql://'],
        [['--max-pending-age-ms', 'soon'], env(), '--max-pending-age-ms must be'],
        [['--max-pending-age-ms'], env(), '--max-pending-age-ms must be'],
        [['--verbose'], env(), '--verbose is not an option'],
      ] as const) {
        const run = await runCli([...args], variables);
        expect({ args, code: run.code }).toEqual({ args, code: EXIT_ERROR });
        expect(run.err).toContain(problem);
        expect(run.err).toContain('usage:');
      }
    });

    it('prints the usage and exits 0 on --help', async () => {
      const run = await runCli(['--help'], {});

      expect(run.code).toBe(EXIT_CLEAN);
      expect(run.out).toContain('usage:');
    });

    it('exits 2 when the server does not answer or the database has no schema', async () => {
      const unreachable = await runCli([], {
        DATABASE_URL: 'mysql://root:s3cret@127.0.0.1:1/orders',
      });
      expect(unreachable.code).toBe(EXIT_ERROR);
      expect(unreachable.err).toMatch(/could not audit the database: .+/);
      expect(`${unreachable.out}${unreachable.err}`).not.toContain('s3cret');

      const empty = await createTestDatabase('audit_empty');
      try {
        const run = await runCli([], { DATABASE_URL: empty.url });
        expect(run.code).toBe(EXIT_ERROR);
        expect(run.err).toContain("doesn't exist");
      } finally {
        await empty.drop();
      }
    });
  });
});

/*
 * The stock ledger is emptied rather than dropped: 0002 would create it with the CHAR(36) ids of
 * its time, which the BINARY(16) ids of the tables it references (0005) no longer accept. Its
 * backfill is what this checks, on the rows the service writes today.
 */
describe('migration 0002 on a database that predates the stock ledger', () => {
  let database: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    database = await createTestDatabase('audit_backfill');
    h = await useCaseHarness({ DATABASE_URL: database.url, DB_POOL_SIZE: '2' });
  });

  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  it('records movements for what happened before, so the database audits clean', async () => {
    const t = await runTraffic(h);
    await database.query('DELETE FROM inventory_ledger');
    await database.query("DELETE FROM schema_migrations WHERE name = '0002-inventory-ledger'");

    expect(await migrateDatabase(parseMysqlUrl(databaseUrl(database.name)))).toEqual([
      '0002-inventory-ledger',
    ]);

    const report = await auditDatabase(database.url, { now: h.clock.now() });
    expect(failing(report)).toEqual([]);
    const movements = await database.query(
      'SELECT product_id AS productId, order_id AS orderId, kind, quantity FROM inventory_ledger WHERE product_id = ? ORDER BY kind, order_id',
      [t.bulb],
    );
    // The restock by hand before the migration is folded into the initial stock.
    expect(movements).toEqual([
      { productId: t.bulb, orderId: null, kind: 'INITIAL', quantity: 40 },
      { productId: t.bulb, orderId: t.completed, kind: 'ORDER', quantity: -5 },
      { productId: t.bulb, orderId: t.reversed, kind: 'ORDER', quantity: -3 },
      { productId: t.bulb, orderId: t.reversed, kind: 'ORDER_CANCEL', quantity: 3 },
    ]);
  });

  it('adds nothing when its backfill runs a second time', async () => {
    const before = await database.query('SELECT COUNT(*) AS n FROM inventory_ledger');
    for (const statement of inventoryLedger.up) await database.query(statement);

    expect(await database.query('SELECT COUNT(*) AS n FROM inventory_ledger')).toEqual(before);
    expect((await auditDatabase(database.url, { now: h.clock.now() })).ok).toBe(true);
  });
});
