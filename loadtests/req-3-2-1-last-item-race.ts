import { check } from 'k6';
import type { Options } from 'k6/options';
import { placeOrder } from './lib/api.ts';
import type { Product } from './lib/api.ts';
import { adminToken } from './lib/auth.ts';
import { positiveInt, SETTLE_TIMEOUT_MS } from './lib/env.ts';
import { createCustomers, createProducts } from './lib/fixtures.ts';
import type { Shopper } from './lib/fixtures.ts';
import { ALWAYS, latencyOf, simultaneous } from './lib/load-profile.ts';
import { waitForOrders } from './lib/poll.ts';
import {
  expectOutcomes,
  expectSettled,
  expectStockAndBalances,
  expectTotals,
  isTerminal,
} from './lib/verify.ts';

/**
 * REQ-3.2.1: 100 simultaneous orders for a product with stock 1 end as exactly 1 COMPLETED and
 * 99 FAILED with INSUFFICIENT_STOCK; the stock ends at 0 and the balance is debited once.
 * One customer places them all and can pay for every one, so stock is the only limit.
 */

const ORDERS = positiveInt('ORDERS', 100);
const PRICE = 1250;

export const options: Options = {
  scenarios: { last_item_race: simultaneous(ORDERS) },
  thresholds: {
    ...ALWAYS,
    // REQ-3.3.1 holds under this burst too: POST /orders answers in < 200 ms.
    [latencyOf('place-order')]: ['p(99)<200'],
  },
  teardownTimeout: `${Math.ceil(SETTLE_TIMEOUT_MS / 1000) + 60}s`,
};

interface Data {
  admin: string;
  customer: Shopper;
  product: Product;
}

export function setup(): Data {
  const admin = adminToken();
  const [customer] = createCustomers(admin, 1, ORDERS * PRICE);
  const [product] = createProducts(admin, 1, 1, () => PRICE);
  if (!customer || !product) throw new Error('setup made no customer or product');
  return { admin, customer, product };
}

export default function (data: Data): void {
  const order = placeOrder(data.customer.token, {
    items: [{ productId: data.product.id, quantity: 1 }],
  }).value;
  check(order, { 'POST /orders answers 202 PENDING': (body) => body?.status === 'PENDING' });
}

export function teardown(data: Data): void {
  const orders = waitForOrders(data.admin, [data.customer.id], isTerminal, SETTLE_TIMEOUT_MS);
  expectSettled(orders, isTerminal, 'COMPLETED or FAILED');
  expectOutcomes(orders, { COMPLETED: 1, 'FAILED INSUFFICIENT_STOCK': ORDERS - 1 });
  expectTotals(orders, [data.product]);
  // Exactly one COMPLETED order makes these "stock 0" and "balance debited once".
  expectStockAndBalances(
    data.admin,
    { customers: [data.customer], products: [data.product] },
    orders,
  );
}
