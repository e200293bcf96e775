import type { Pool, RowDataPacket } from 'mysql2/promise';
import { idToBinary } from '../../src/adapters/persistence/mysql/binary-id';
import type { OutcomeCheck } from '../report/results';
import type { SeededCustomer, SeededProduct } from './workload';

/**
 * Waits, reading the database every 100 ms, until no order awaits the worker (none PENDING, no
 * cancellation of a COMPLETED order outstanding). Resolves with the time from `since` (epoch ms)
 * to the last order update, or null if the work was not done by the deadline.
 */
export async function waitUntilSettled(
  db: Pool,
  since: number,
  deadlineMs = 180_000,
): Promise<number | null> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const [[row]] = await db.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS open FROM orders
       WHERE status = 'PENDING' OR (status = 'COMPLETED' AND cancel_requested_at IS NOT NULL)`,
    );
    if (Number(row?.open) === 0) break;
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const [[last]] = await db.query<RowDataPacket[]>(
    'SELECT MAX(updated_at) AS at FROM orders WHERE created_at >= ?',
    [new Date(since)],
  );
  const at = last?.at as Date | null;
  return at ? Math.max(0, at.getTime() - since) : 0;
}

interface OrderRow extends RowDataPacket {
  id: string;
  customer_id: string;
  status: string;
  total: number | null;
  failure_reason: string | null;
}

interface ItemRow extends RowDataPacket {
  order_id: string;
  product_id: string;
  quantity: number;
  unit_price: number | null;
}

interface LedgerRow extends RowDataPacket {
  order_id: string;
  kind: string;
  amount: number;
}

const add = (map: Map<string, number>, key: string, amount: number) =>
  map.set(key, (map.get(key) ?? 0) + amount);

/**
 * Recomputes, from the stored orders of these customers, what every product's stock and every
 * customer's balance must be (the contract's invariants), and compares with the database.
 * Also checks that each completed order's total is Σ quantity × unit price at the product's price
 * and is one ledger debit, and that failed orders moved no money.
 */
export async function checkOutcomes(
  db: Pool,
  customers: readonly SeededCustomer[],
  products: readonly SeededProduct[],
  acceptedIds?: readonly string[],
): Promise<OutcomeCheck> {
  const customerIds = customers.map((c) => idToBinary(c.id));
  const [orders] = await db.query<OrderRow[]>(
    'SELECT id, customer_id, status, total, failure_reason FROM orders WHERE customer_id IN (?)',
    [customerIds],
  );
  const [items] = await db.query<ItemRow[]>(
    `SELECT i.order_id, i.product_id, i.quantity, i.unit_price FROM order_items i
     JOIN orders o ON o.id = i.order_id WHERE o.customer_id IN (?)`,
    [customerIds],
  );
  const [ledger] = await db.query<LedgerRow[]>(
    `SELECT order_id, kind, amount FROM wallet_ledger
     WHERE customer_id IN (?) AND order_id IS NOT NULL`,
    [customerIds],
  );
  const [stocks] = await db.query<RowDataPacket[]>(
    'SELECT id, price, stock FROM products WHERE id IN (?)',
    [products.map((p) => idToBinary(p.id))],
  );
  const [balances] = await db.query<RowDataPacket[]>(
    'SELECT id, balance FROM customers WHERE id IN (?)',
    [customerIds],
  );

  const problems: string[] = [];
  const outcomes: Record<string, number> = {};
  const itemsOf = new Map<string, ItemRow[]>();
  for (const item of items)
    itemsOf.set(item.order_id, [...(itemsOf.get(item.order_id) ?? []), item]);
  const ledgerOf = new Map<string, LedgerRow[]>();
  for (const entry of ledger) {
    ledgerOf.set(entry.order_id, [...(ledgerOf.get(entry.order_id) ?? []), entry]);
  }
  const price = new Map(products.map((p) => [p.id, p.price]));
  const sold = new Map<string, number>();
  const spent = new Map<string, number>();

  for (const order of orders) {
    const key = order.status === 'FAILED' ? `FAILED ${order.failure_reason}` : order.status;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    const entries = ledgerOf.get(order.id) ?? [];
    const net = entries.reduce((sum, entry) => sum + Number(entry.amount), 0);
    if (order.status === 'COMPLETED') {
      const lines = itemsOf.get(order.id) ?? [];
      const total = lines.reduce((sum, line) => sum + line.quantity * Number(line.unit_price), 0);
      if (lines.some((line) => Number(line.unit_price) !== price.get(line.product_id))) {
        problems.push(`order ${order.id}: a unit price is not its product's price`);
      }
      if (Number(order.total) !== total) {
        problems.push(`order ${order.id}: total ${order.total} is not Σ quantity × price ${total}`);
      }
      if (entries.length !== 1 || entries[0]?.kind !== 'ORDER_DEBIT' || net !== -total) {
        problems.push(`order ${order.id}: the ledger does not hold exactly one debit of ${total}`);
      }
      for (const line of lines) add(sold, line.product_id, line.quantity);
      add(spent, order.customer_id, total);
    } else if (net !== 0 || (order.status !== 'CANCELLED' && entries.length > 0)) {
      problems.push(`order ${order.id} (${order.status}) moved money: ${net}`);
    }
    if (order.status === 'PENDING') problems.push(`order ${order.id} is still PENDING`);
  }

  const stockNow = new Map(stocks.map((row) => [row.id as string, Number(row.stock)]));
  for (const product of products) {
    const expected = product.stock - (sold.get(product.id) ?? 0);
    if (stockNow.get(product.id) !== expected) {
      problems.push(
        `product ${product.id}: stock ${stockNow.get(product.id)}, the orders say ${expected}`,
      );
    }
  }
  const balanceNow = new Map(balances.map((row) => [row.id as string, Number(row.balance)]));
  for (const customer of customers) {
    const expected = customer.balance - (spent.get(customer.id) ?? 0);
    if (balanceNow.get(customer.id) !== expected) {
      problems.push(
        `customer ${customer.id}: balance ${balanceNow.get(customer.id)}, the orders say ${expected}`,
      );
    }
  }
  if (acceptedIds) {
    const stored = new Set(orders.map((order) => order.id));
    const missing = acceptedIds.filter((id) => !stored.has(id)).length;
    if (missing > 0) problems.push(`${missing} accepted orders are not in the database`);
    if (orders.length !== acceptedIds.length) {
      problems.push(`${orders.length} orders stored, ${acceptedIds.length} accepted`);
    }
  }
  return { outcomes, exact: problems.length === 0, problems: problems.slice(0, 50) };
}
