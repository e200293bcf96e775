import { check } from 'k6';
import { Rate } from 'k6/metrics';
import { getCustomer, getProduct } from './api.ts';
import type { Customer, Order, Product } from './api.ts';
import { STATE_TIMEOUT_MS } from './env.ts';
import { pollUntil } from './poll.ts';

/** One sample per judgement of the final state; the scripts demand `rate==1`. */
const finalStateOk = new Rate('final_state_ok');

/** A judgement of the final state: a named check in k6's summary and a `final_state_ok` sample. */
export function expectState(name: string, ok: boolean, detail: () => string): void {
  check(null, { [name]: () => ok });
  finalStateOk.add(ok);
  if (!ok) console.error(`FAILED ${name}: ${detail()}`);
}

export function isTerminal(order: Order): boolean {
  return order.status !== 'PENDING';
}

/** `COMPLETED`, `CANCELLED`, or `FAILED <reason>`. */
function outcome(order: Order): string {
  return order.status === 'FAILED'
    ? `FAILED ${order.failureReason ?? 'without reason'}`
    : order.status;
}

function describe(counts: Record<string, number>): string {
  const parts = Object.keys(counts)
    .sort()
    .map((key) => `${counts[key]} ${key}`);
  return parts.length > 0 ? parts.join(', ') : 'no orders';
}

/** Exactly these outcomes, no others: so also exactly that many orders. */
export function expectOutcomes(orders: readonly Order[], expected: Record<string, number>): void {
  const actual: Record<string, number> = {};
  for (const order of orders) {
    const key = outcome(order);
    actual[key] = (actual[key] ?? 0) + 1;
  }
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  const same = [...keys].every((key) => (expected[key] ?? 0) === (actual[key] ?? 0));
  expectState(`orders end as ${describe(expected)}`, same, () => `found ${describe(actual)}`);
}

export function expectSettled(
  orders: readonly Order[],
  isSettled: (order: Order) => boolean,
  what: string,
): void {
  const late = orders.filter((order) => !isSettled(order)).length;
  expectState(
    `every order ${what} within SETTLE_TIMEOUT_MS`,
    late === 0,
    () => `${late} of ${orders.length} orders not ${what}`,
  );
}

/** A completed order's total is Σ quantity × the product's price (prices never change here). */
export function expectTotals(orders: readonly Order[], products: readonly Product[]): void {
  const price = new Map(products.map((product) => [product.id, product.price]));
  const wrong = orders.filter((order) => {
    if (order.status !== 'COMPLETED') return false;
    const sum = order.items.reduce(
      (total, item) => total + item.quantity * (price.get(item.productId) ?? NaN),
      0,
    );
    const pricesKept = order.items.every((item) => item.unitPrice === price.get(item.productId));
    return !pricesKept || order.total !== sum;
  });
  expectState('every COMPLETED total = Σ quantity × price', wrong.length === 0, () =>
    wrong
      .slice(0, 5)
      .map((order) => `order ${order.id} total ${order.total}`)
      .join('; '),
  );
}

function mismatches(expected: Map<string, number>, read: (id: string) => number | undefined) {
  const wrong: string[] = [];
  expected.forEach((value, id) => {
    const actual = read(id);
    if (actual !== value) wrong.push(`${id}: expected ${value}, read ${actual ?? 'nothing'}`);
  });
  return wrong;
}

/**
 * Stock and balances read back through the API (balances as an admin) are exactly the initial
 * ones minus what the COMPLETED orders took: a cancelled order's debit and refund cancel out, a
 * failed one changed nothing. Re-read until they match or STATE_TIMEOUT_MS passes, as product
 * reads are cached.
 */
export function expectStockAndBalances(
  admin: string,
  initial: { customers: readonly Customer[]; products: readonly Product[] },
  orders: readonly Order[],
): void {
  const stock = new Map(initial.products.map((product) => [product.id, product.stock]));
  const balance = new Map(initial.customers.map((customer) => [customer.id, customer.balance]));
  for (const order of orders) {
    if (order.status !== 'COMPLETED') continue;
    const before = balance.get(order.customerId) ?? NaN;
    balance.set(order.customerId, before - (order.total ?? NaN));
    for (const item of order.items) {
      stock.set(item.productId, (stock.get(item.productId) ?? NaN) - item.quantity);
    }
  }

  let wrongStock: string[] = [];
  let wrongBalance: string[] = [];
  pollUntil(() => {
    wrongStock = mismatches(stock, (id) => getProduct(id).value?.stock);
    wrongBalance = mismatches(balance, (id) => getCustomer(admin, id).value?.balance);
    return wrongStock.length === 0 && wrongBalance.length === 0;
  }, STATE_TIMEOUT_MS);

  expectState(
    'every stock = initial − quantities of COMPLETED orders',
    wrongStock.length === 0,
    () => wrongStock.slice(0, 5).join('; '),
  );
  expectState(
    'every balance = initial − totals of COMPLETED orders',
    wrongBalance.length === 0,
    () => wrongBalance.slice(0, 5).join('; '),
  );
}
