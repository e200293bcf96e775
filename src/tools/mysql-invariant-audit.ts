import {
  createConnection,
  type Connection,
  type Pool,
  type PoolConnection,
  type RowDataPacket,
} from 'mysql2/promise';
import { FAILURE_REASONS, ORDER_STATUSES } from '../domain/order/order';
import { idFromBinary } from '../adapters/persistence/mysql/binary-id';
import { connectionOptions, parseMysqlUrl } from '../adapters/persistence/mysql/mysql-connection';

/** One invariant of the store and what the audit found when it checked it. */
export interface AuditCheck {
  /** Stable, kebab-case: scripts and tests refer to checks by name. */
  name: string;
  description: string;
  /** How many rows (customers, products or orders) the check looked at. */
  checked: number;
  /** One line per offending row; empty when the invariant holds. */
  violations: string[];
}

export interface AuditReport {
  checks: AuditCheck[];
  /** True when no check found a violation. */
  ok: boolean;
}

export interface AuditOptions {
  /** Work still PENDING (or a cancellation still unapplied) after this long is a violation. */
  maxPendingAgeMs?: number;
  /** The audit's "now" for that age; the system clock by default. */
  now?: Date;
}

export const DEFAULT_MAX_PENDING_AGE_MS = 60_000;

/** A `mysql://user:pass@host:3306/db` URL, or a pool or connection already open on the database. */
export type AuditTarget = string | Pool | Connection;

/** What the checks need of a connection. */
type Sql = Pick<Connection, 'query'>;

type Row = RowDataPacket & Record<string, unknown>;

interface Census {
  customers: number;
  products: number;
  orders: number;
  completed: number;
  reversed: number;
  openWork: number;
}

interface AuditContext {
  census: Census;
  maxPendingAgeMs: number;
  now: Date;
}

/** Ids are the store's only binary columns: each comes back as its string, for the reports. */
async function select(sql: Sql, statement: string, values: unknown[] = []): Promise<Row[]> {
  const [rows] = await sql.query<Row[]>(statement, values);
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      if (Buffer.isBuffer(value)) row[column] = idFromBinary(value);
    }
  }
  return rows;
}

/** DECIMAL sums come back as strings, counts as numbers: compare them exactly. */
function big(value: unknown): bigint {
  return BigInt(String(value ?? 0));
}

/** The reasons that apply, in order; a row flagged by SQL always gets at least one line. */
function explain(row: Row, reasons: [boolean, string][]): string {
  const found = reasons.filter(([applies]) => applies).map(([, reason]) => reason);
  return found.length > 0 ? found.join('; ') : `inconsistent: ${JSON.stringify(row)}`;
}

/** A stored DATETIME as text, read without the session's time zone: the store writes UTC. */
function utc(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

async function takeCensus(sql: Sql): Promise<Census> {
  const [row] = await select(
    sql,
    `SELECT
       (SELECT COUNT(*) FROM customers) AS customers,
       (SELECT COUNT(*) FROM products) AS products,
       (SELECT COUNT(*) FROM orders) AS orders,
       (SELECT COUNT(*) FROM orders WHERE status = 'COMPLETED') AS completed,
       (SELECT COUNT(*) FROM orders o
        WHERE o.status = 'CANCELLED'
          AND EXISTS (SELECT 1 FROM wallet_ledger d
                      WHERE d.order_id = o.id AND d.kind = 'ORDER_DEBIT')) AS reversed,
       (SELECT COUNT(*) FROM orders
        WHERE status = 'PENDING'
           OR (status = 'COMPLETED' AND cancel_requested_at IS NOT NULL)) AS open_work`,
  );
  return {
    customers: Number(row?.customers),
    products: Number(row?.products),
    orders: Number(row?.orders),
    completed: Number(row?.completed),
    reversed: Number(row?.reversed),
    openWork: Number(row?.open_work),
  };
}

async function nonNegativeStock(sql: Sql, { census }: AuditContext): Promise<AuditCheck> {
  const rows = await select(sql, 'SELECT id, stock FROM products WHERE stock < 0 ORDER BY id');
  return {
    name: 'stock-non-negative',
    description: "every product's stock is at least 0",
    checked: census.products,
    violations: rows.map((row) => `product ${row.id}: stock is ${row.stock}`),
  };
}

async function nonNegativeBalance(sql: Sql, { census }: AuditContext): Promise<AuditCheck> {
  const rows = await select(sql, 'SELECT id, balance FROM customers WHERE balance < 0 ORDER BY id');
  return {
    name: 'balance-non-negative',
    description: "every customer's balance is at least 0",
    checked: census.customers,
    violations: rows.map((row) => `customer ${row.id}: balance is ${row.balance}`),
  };
}

async function balanceEqualsWalletLedger(sql: Sql, { census }: AuditContext): Promise<AuditCheck> {
  const rows = await select(
    sql,
    `SELECT c.id, c.balance, COALESCE(l.total, 0) AS ledger, COALESCE(l.entries, 0) AS entries
     FROM customers c
     LEFT JOIN (SELECT customer_id, SUM(amount) AS total, COUNT(*) AS entries
                FROM wallet_ledger GROUP BY customer_id) l ON l.customer_id = c.id
     WHERE c.balance <> COALESCE(l.total, 0)
     ORDER BY c.id`,
  );
  return {
    name: 'balance-equals-wallet-ledger',
    description: "every customer's balance equals the sum of its wallet ledger entries",
    checked: census.customers,
    violations: rows.map(
      (row) =>
        `customer ${row.id}: balance is ${row.balance}, its ${row.entries} ledger entries sum to ${row.ledger}`,
    ),
  };
}

async function stockEqualsInventoryLedger(sql: Sql, { census }: AuditContext): Promise<AuditCheck> {
  const rows = await select(
    sql,
    `SELECT p.id, p.stock, COALESCE(m.total, 0) AS ledger, COALESCE(m.movements, 0) AS movements
     FROM products p
     LEFT JOIN (SELECT product_id, SUM(quantity) AS total, COUNT(*) AS movements
                FROM inventory_ledger GROUP BY product_id) m ON m.product_id = p.id
     WHERE p.stock <> COALESCE(m.total, 0)
     ORDER BY p.id`,
  );
  return {
    name: 'stock-equals-inventory-ledger',
    description: "every product's stock equals the sum of its inventory movements",
    checked: census.products,
    violations: rows.map(
      (row) =>
        `product ${row.id}: stock is ${row.stock}, its ${row.movements} movements sum to ${row.ledger}`,
    ),
  };
}

/** No foreign key guards these (migration 0004): nothing deletes a customer or a product. */
async function orderReferencesExist(sql: Sql, { census }: AuditContext): Promise<AuditCheck> {
  const rows = await select(
    sql,
    `SELECT o.id AS order_id, 'customer' AS kind, o.customer_id AS ref
     FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
     WHERE c.id IS NULL
     UNION ALL
     SELECT i.order_id, 'product', i.product_id
     FROM order_items i LEFT JOIN products p ON p.id = i.product_id
     WHERE p.id IS NULL
     ORDER BY order_id, kind, ref`,
  );
  return {
    name: 'order-references-exist',
    description: "every order's customer and every item's product exist",
    checked: census.orders,
    violations: rows.map((row) => `order ${row.order_id}: its ${row.kind} ${row.ref} is missing`),
  };
}

/**
 * One row per order with what the ledgers hold for it. Each derived table is one GROUP BY over
 * one table (or a table and the items it is matched with), joined to the orders on order_id and
 * never nested in another: optimizers can then read each one by index for an order, or build it
 * once. An order is settled when it completed, or was cancelled after completing (it has a debit).
 * Movements are matched with the order's items: "taken" counts ORDER rows, "restored" counts
 * ORDER_CANCEL rows, "wrong" those whose quantity is not -quantity (+quantity) of their item.
 */
const ORDER_FACTS = `
  SELECT o.id, o.status, o.total, o.failure_reason,
    o.status = 'COMPLETED' OR (o.status = 'CANCELLED' AND COALESCE(w.debits, 0) > 0) AS settled,
    COALESCE(w.debits, 0) AS debits, COALESCE(w.debited, 0) AS debited,
    COALESCE(w.refunds, 0) AS refunds, COALESCE(w.refunded, 0) AS refunded,
    COALESCE(w.other_entries, 0) AS other_entries, COALESCE(w.misdirected, 0) AS misdirected,
    COALESCE(i.items, 0) AS items, COALESCE(i.priced, 0) AS priced, i.items_total,
    COALESCE(m.moves, 0) AS moves,
    COALESCE(m.taken_rows, 0) AS taken_rows, COALESCE(m.taken_items, 0) AS taken_items,
    COALESCE(m.taken_wrong, 0) AS taken_wrong,
    COALESCE(m.restored_rows, 0) AS restored_rows,
    COALESCE(m.restored_items, 0) AS restored_items,
    COALESCE(m.restored_wrong, 0) AS restored_wrong
  FROM orders o
  LEFT JOIN (
    SELECT l.order_id,
      SUM(l.kind = 'ORDER_DEBIT') AS debits,
      SUM(CASE WHEN l.kind = 'ORDER_DEBIT' THEN l.amount ELSE 0 END) AS debited,
      SUM(l.kind = 'ORDER_REFUND') AS refunds,
      SUM(CASE WHEN l.kind = 'ORDER_REFUND' THEN l.amount ELSE 0 END) AS refunded,
      SUM(l.kind NOT IN ('ORDER_DEBIT', 'ORDER_REFUND')) AS other_entries,
      SUM(l.customer_id <> lo.customer_id) AS misdirected
    FROM wallet_ledger l JOIN orders lo ON lo.id = l.order_id
    GROUP BY l.order_id
  ) w ON w.order_id = o.id
  LEFT JOIN (
    SELECT order_id,
      COUNT(*) AS items,
      SUM(unit_price IS NOT NULL) AS priced,
      SUM(CAST(quantity AS DECIMAL(30, 0)) * unit_price) AS items_total
    FROM order_items
    GROUP BY order_id
  ) i ON i.order_id = o.id
  LEFT JOIN (
    SELECT mv.order_id,
      COUNT(*) AS moves,
      SUM(mv.kind = 'ORDER' AND oi.product_id IS NOT NULL) AS taken_rows,
      COUNT(DISTINCT CASE WHEN mv.kind = 'ORDER' THEN oi.product_id END) AS taken_items,
      SUM(mv.kind = 'ORDER' AND mv.quantity <> -oi.quantity) AS taken_wrong,
      SUM(mv.kind = 'ORDER_CANCEL' AND oi.product_id IS NOT NULL) AS restored_rows,
      COUNT(DISTINCT CASE WHEN mv.kind = 'ORDER_CANCEL' THEN oi.product_id END) AS restored_items,
      SUM(mv.kind = 'ORDER_CANCEL' AND mv.quantity <> oi.quantity) AS restored_wrong
    FROM inventory_ledger mv
    LEFT JOIN order_items oi ON oi.order_id = mv.order_id AND oi.product_id = mv.product_id
    WHERE mv.order_id IS NOT NULL
    GROUP BY mv.order_id
  ) m ON m.order_id = o.id`;

/** The order-level checks as flags over ORDER_FACTS; only flagged orders come back. */
const FLAGGED_ORDERS = `
  SELECT * FROM (
    SELECT f.*,
      f.status = 'COMPLETED' AND (
        f.debits = 1 AND f.debited <=> -f.total AND f.refunds = 0 AND f.other_entries = 0
        AND f.misdirected = 0
        AND f.taken_rows = f.items AND f.taken_items = f.items AND f.taken_wrong = 0
        AND f.moves = f.items
      ) IS NOT TRUE AS bad_completed,
      f.status = 'CANCELLED' AND f.debits > 0 AND (
        f.debits = 1 AND f.debited <=> -f.total AND f.refunds = 1 AND f.refunded <=> f.total
        AND f.other_entries = 0 AND f.misdirected = 0
        AND f.taken_rows = f.items AND f.taken_items = f.items AND f.taken_wrong = 0
        AND f.restored_rows = f.items AND f.restored_items = f.items AND f.restored_wrong = 0
        AND f.moves = 2 * f.items
      ) IS NOT TRUE AS bad_reversed,
      NOT f.settled AND (
        f.debits = 0 AND f.refunds = 0 AND f.other_entries = 0 AND f.moves = 0
      ) IS NOT TRUE AS bad_unsettled,
      (CASE WHEN f.settled
        THEN f.items > 0 AND f.priced = f.items AND f.total <=> f.items_total
        ELSE f.items > 0 AND f.priced = 0 AND f.total IS NULL
      END) IS NOT TRUE AS bad_total,
      (CASE WHEN f.status = 'FAILED'
        THEN f.failure_reason IN (?)
        ELSE f.status IN (?) AND f.failure_reason IS NULL
      END) IS NOT TRUE AS bad_status
    FROM (${ORDER_FACTS}) f
  ) g
  WHERE g.bad_completed OR g.bad_reversed OR g.bad_unsettled OR g.bad_total OR g.bad_status
  ORDER BY g.id`;

/** What is wrong with an order's ORDER (or ORDER_CANCEL) movements, matched with its items. */
function movementReasons(row: Row, kind: 'ORDER' | 'ORDER_CANCEL'): [boolean, string][] {
  const prefix = kind === 'ORDER' ? 'taken' : 'restored';
  const items = Number(row.items);
  const rows = Number(row[`${prefix}_rows`]);
  const covered = Number(row[`${prefix}_items`]);
  const wrong = Number(row[`${prefix}_wrong`]);
  const sign = kind === 'ORDER' ? '-' : '+';
  return [
    [covered < items, `${items - covered} of ${items} items have no ${kind} movement`],
    [rows > covered, `${rows - covered} duplicate ${kind} movements`],
    [wrong > 0, `${wrong} ${kind} movements not of ${sign}quantity`],
  ];
}

function walletReasons(row: Row, refundsExpected: number): [boolean, string][] {
  const total = row.total === null ? null : big(row.total);
  const debits = Number(row.debits);
  const refunds = Number(row.refunds);
  return [
    [debits !== 1, `${debits} ORDER_DEBIT entries, expected 1`],
    [
      debits === 1 && (total === null || big(row.debited) !== -total),
      `debited ${row.debited}, expected ${total === null ? 'the total, which is null' : -total}`,
    ],
    [refunds !== refundsExpected, `${refunds} ORDER_REFUND entries, expected ${refundsExpected}`],
    [
      refunds === 1 && refundsExpected === 1 && (total === null || big(row.refunded) !== total),
      `refunded ${row.refunded}, expected ${total === null ? 'the total, which is null' : total}`,
    ],
    [Number(row.other_entries) > 0, `${row.other_entries} wallet entries of another kind`],
    [Number(row.misdirected) > 0, `${row.misdirected} wallet entries on another customer`],
  ];
}

function orderChecks(rows: Row[], { census }: AuditContext): AuditCheck[] {
  const flagged = (flag: string) => rows.filter((row) => Number(row[flag]) === 1);
  const label = (row: Row) => `order ${row.id} (${row.status}, total ${row.total ?? 'null'})`;
  const unsettled = census.orders - census.completed - census.reversed;
  return [
    {
      name: 'completed-orders-settled-once',
      description:
        'every COMPLETED order has exactly one ORDER_DEBIT of -total, no refund, and exactly one ORDER movement of -quantity for each item (and no other movement)',
      checked: census.completed,
      violations: flagged('bad_completed').map(
        (row) =>
          `${label(row)}: ${explain(row, [
            ...walletReasons(row, 0),
            ...movementReasons(row, 'ORDER'),
            [
              Number(row.moves) !== Number(row.items),
              `${row.moves} stock movements, expected ${row.items}`,
            ],
          ])}`,
      ),
    },
    {
      name: 'cancelled-completed-orders-reversed-once',
      description:
        'every CANCELLED order that had completed (it has a debit) has exactly one ORDER_DEBIT of -total, one ORDER_REFUND of +total, and for each item one ORDER movement of -quantity and one ORDER_CANCEL of +quantity',
      checked: census.reversed,
      violations: flagged('bad_reversed').map(
        (row) =>
          `${label(row)}: ${explain(row, [
            ...walletReasons(row, 1),
            ...movementReasons(row, 'ORDER'),
            ...movementReasons(row, 'ORDER_CANCEL'),
            [
              Number(row.moves) !== 2 * Number(row.items),
              `${row.moves} stock movements, expected ${2 * Number(row.items)}`,
            ],
          ])}`,
      ),
    },
    {
      name: 'unsettled-orders-untouched',
      description:
        'PENDING and FAILED orders, and orders cancelled while PENDING, have no wallet entries and no stock movements',
      checked: unsettled,
      violations: flagged('bad_unsettled').map(
        (row) =>
          `${label(row)}: ${explain(row, [
            [Number(row.debits) > 0, `${row.debits} ORDER_DEBIT entries`],
            [Number(row.refunds) > 0, `${row.refunds} ORDER_REFUND entries`],
            [Number(row.other_entries) > 0, `${row.other_entries} other wallet entries`],
            [Number(row.moves) > 0, `${row.moves} stock movements`],
          ])}`,
      ),
    },
    {
      name: 'order-totals-match-items',
      description:
        'every order has items; a settled order (COMPLETED, or CANCELLED after completing) has every unit price and total = sum of quantity x unit price; any other order has neither',
      checked: census.orders,
      violations: flagged('bad_total').map((row) => {
        const items = Number(row.items);
        const priced = Number(row.priced);
        const settled = Number(row.settled) === 1;
        return `${label(row)}: ${explain(row, [
          [items === 0, 'no items'],
          [settled && priced !== items, `${items - priced} of ${items} items have no unit price`],
          [settled && priced === items && items > 0, `items sum to ${row.items_total ?? 'null'}`],
          [!settled && priced > 0, `${priced} items priced although it never completed`],
          [!settled && row.total !== null, 'a total although it never completed'],
        ])}`;
      }),
    },
    {
      name: 'failed-orders-have-reason',
      description:
        'every order has a known status; FAILED orders, and only they, carry a known failure reason',
      checked: census.orders,
      violations: flagged('bad_status').map(
        (row) =>
          `order ${row.id} (${row.status}): ${explain(row, [
            [!(ORDER_STATUSES as readonly unknown[]).includes(row.status), 'an unknown status'],
            [
              row.status === 'FAILED' && row.failure_reason === null,
              'FAILED without a failure reason',
            ],
            [
              row.status === 'FAILED' &&
                row.failure_reason !== null &&
                !(FAILURE_REASONS as readonly unknown[]).includes(row.failure_reason),
              `unknown failure reason ${row.failure_reason}`,
            ],
            [
              row.status !== 'FAILED' && row.failure_reason !== null,
              `failure reason ${row.failure_reason} on an order that did not fail`,
            ],
          ])}`,
      ),
    },
  ];
}

async function noStalledWork(
  sql: Sql,
  { census, maxPendingAgeMs, now }: AuditContext,
): Promise<AuditCheck> {
  // A huge allowance reaches back before any stored time, not out of the range of a Date.
  const cutoff = utc(new Date(Math.max(0, now.getTime() - maxPendingAgeMs)));
  const rows = await select(
    sql,
    `SELECT id, status, CAST(created_at AS CHAR) AS created,
            CAST(cancel_requested_at AS CHAR) AS cancel_requested
     FROM orders
     WHERE (status = 'PENDING' AND created_at < ?)
        OR (status IN ('PENDING', 'COMPLETED') AND cancel_requested_at < ?)
     ORDER BY created_at, id`,
    [cutoff, cutoff],
  );
  return {
    name: 'no-stalled-work',
    description: `no order is PENDING, nor its requested cancellation unapplied, for longer than ${maxPendingAgeMs} ms`,
    checked: census.openWork,
    violations: rows.map((row) =>
      row.cancel_requested !== null && row.cancel_requested < cutoff
        ? `order ${row.id} (${row.status}): cancellation requested at ${row.cancel_requested} UTC is not applied`
        : `order ${row.id}: PENDING since ${row.created} UTC`,
    ),
  };
}

/**
 * The ledger row that docs/sql/archive-orders.sql leaves for the rows of the orders it archived:
 * their sum, one row per customer or product. The service never writes this kind.
 */
const ARCHIVED = 'ARCHIVED';

/** " + archived -1200", said only where orders were archived. */
const archivedPart = (row: Row) => (big(row.archived) === 0n ? '' : ` + archived ${row.archived}`);

async function balanceFromOrders(sql: Sql, { census }: AuditContext): Promise<AuditCheck> {
  const rows = await select(
    sql,
    `SELECT c.id, c.balance,
            COALESCE(f.opening, 0) AS opening, COALESCE(f.deposits, 0) AS deposits,
            COALESCE(f.archived, 0) AS archived, COALESCE(s.spent, 0) AS spent
     FROM customers c
     LEFT JOIN (SELECT customer_id,
                       SUM(CASE WHEN kind = 'OPENING' THEN amount ELSE 0 END) AS opening,
                       SUM(CASE WHEN kind = 'DEPOSIT' THEN amount ELSE 0 END) AS deposits,
                       SUM(CASE WHEN kind = ? THEN amount ELSE 0 END) AS archived
                FROM wallet_ledger WHERE kind IN ('OPENING', 'DEPOSIT', ?)
                GROUP BY customer_id) f ON f.customer_id = c.id
     LEFT JOIN (SELECT customer_id, SUM(total) AS spent FROM orders
                WHERE status = 'COMPLETED' GROUP BY customer_id) s ON s.customer_id = c.id
     WHERE c.balance <> COALESCE(f.opening, 0) + COALESCE(f.deposits, 0)
                        + COALESCE(f.archived, 0) - COALESCE(s.spent, 0)
     ORDER BY c.id`,
    [ARCHIVED, ARCHIVED],
  );
  return {
    name: 'balance-equals-opening-plus-deposits-minus-completed',
    description:
      "every customer's balance = opening balance + deposits - totals of its COMPLETED orders (+ what its archived orders moved)",
    checked: census.customers,
    violations: rows.map(
      (row) =>
        `customer ${row.id}: balance is ${row.balance}, but opening ${row.opening} + deposits ${row.deposits}${archivedPart(row)} - completed ${row.spent} = ${big(row.opening) + big(row.deposits) + big(row.archived) - big(row.spent)}`,
    ),
  };
}

async function stockFromOrders(sql: Sql, { census }: AuditContext): Promise<AuditCheck> {
  const rows = await select(
    sql,
    `SELECT p.id, p.stock,
            COALESCE(h.initial, 0) AS initial, COALESCE(h.adjusted, 0) AS adjusted,
            COALESCE(h.archived, 0) AS archived, COALESCE(s.sold, 0) AS sold
     FROM products p
     LEFT JOIN (SELECT product_id,
                       SUM(CASE WHEN kind = 'INITIAL' THEN quantity ELSE 0 END) AS initial,
                       SUM(CASE WHEN kind = 'ADJUSTMENT' THEN quantity ELSE 0 END) AS adjusted,
                       SUM(CASE WHEN kind = ? THEN quantity ELSE 0 END) AS archived
                FROM inventory_ledger WHERE kind IN ('INITIAL', 'ADJUSTMENT', ?)
                GROUP BY product_id) h ON h.product_id = p.id
     LEFT JOIN (SELECT oi.product_id, SUM(oi.quantity) AS sold
                FROM order_items oi JOIN orders o ON o.id = oi.order_id
                WHERE o.status = 'COMPLETED' GROUP BY oi.product_id) s ON s.product_id = p.id
     WHERE p.stock <> COALESCE(h.initial, 0) + COALESCE(h.adjusted, 0)
                      + COALESCE(h.archived, 0) - COALESCE(s.sold, 0)
     ORDER BY p.id`,
    [ARCHIVED, ARCHIVED],
  );
  return {
    name: 'stock-equals-initial-plus-adjustments-minus-completed',
    description:
      "every product's stock = initial stock + adjustments - quantities in its COMPLETED orders (+ what its archived orders moved)",
    checked: census.products,
    violations: rows.map(
      (row) =>
        `product ${row.id}: stock is ${row.stock}, but initial ${row.initial} + adjustments ${row.adjusted}${archivedPart(row)} - completed ${row.sold} = ${big(row.initial) + big(row.adjusted) + big(row.archived) - big(row.sold)}`,
    ),
  };
}

async function runChecks(sql: Sql, options: AuditOptions): Promise<AuditCheck[]> {
  const context: AuditContext = {
    census: await takeCensus(sql),
    maxPendingAgeMs: options.maxPendingAgeMs ?? DEFAULT_MAX_PENDING_AGE_MS,
    now: options.now ?? new Date(),
  };
  const flaggedOrders = await select(sql, FLAGGED_ORDERS, [FAILURE_REASONS, ORDER_STATUSES]);
  return [
    await nonNegativeStock(sql, context),
    await nonNegativeBalance(sql, context),
    await balanceEqualsWalletLedger(sql, context),
    await stockEqualsInventoryLedger(sql, context),
    await orderReferencesExist(sql, context),
    ...orderChecks(flaggedOrders, context),
    await noStalledWork(sql, context),
    await balanceFromOrders(sql, context),
    await stockFromOrders(sql, context),
  ];
}

/**
 * Every check reads one consistent snapshot (REPEATABLE READ, started WITH CONSISTENT SNAPSHOT),
 * so the audit of a live database compares rows as they were at one instant and never reports
 * a transaction it caught half-way. It only reads, and rolls its transaction back.
 */
async function inSnapshot(sql: Sql, options: AuditOptions): Promise<AuditCheck[]> {
  await sql.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await sql.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  try {
    return await runChecks(sql, options);
  } finally {
    await sql.query('ROLLBACK');
  }
}

async function onConnection<T>(target: AuditTarget, work: (sql: Sql) => Promise<T>): Promise<T> {
  if (typeof target === 'string') {
    const connection = await createConnection(connectionOptions(parseMysqlUrl(target)));
    try {
      return await work(connection);
    } finally {
      await connection.end().catch(() => connection.destroy());
    }
  }
  if ('getConnection' in target) {
    const connection: PoolConnection = await target.getConnection();
    try {
      const result = await work(connection);
      connection.release();
      return result;
    } catch (error) {
      // Its transaction may still be open: the pool must not hand it out again.
      connection.destroy();
      throw error;
    }
  }
  return work(target);
}

/**
 * Checks every invariant of the store (see the checks' descriptions) with one set-based query
 * each. Rejects when the database cannot be reached or lacks the schema; never writes. Given a
 * connection, it runs its transaction on it: that connection must not be inside one.
 */
export async function auditDatabase(
  target: AuditTarget,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const maxPendingAgeMs = options.maxPendingAgeMs ?? DEFAULT_MAX_PENDING_AGE_MS;
  if (!Number.isSafeInteger(maxPendingAgeMs) || maxPendingAgeMs < 0) {
    throw new RangeError(`maxPendingAgeMs must be a non-negative integer, got ${maxPendingAgeMs}`);
  }
  const checks = await onConnection(target, (sql) => inSnapshot(sql, options));
  return { checks, ok: checks.every((check) => check.violations.length === 0) };
}
