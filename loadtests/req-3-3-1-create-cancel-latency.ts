import { check } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { cancelOrder, placeOrder } from './lib/api.ts';
import type { Order, Product } from './lib/api.ts';
import { adminToken } from './lib/auth.ts';
import { positiveInt, SETTLE_TIMEOUT_MS } from './lib/env.ts';
import { createCustomers, createProducts } from './lib/fixtures.ts';
import type { Shopper } from './lib/fixtures.ts';
import { ALWAYS, constantArrivalRate, latencyOf } from './lib/load-profile.ts';
import { waitForOrders } from './lib/poll.ts';
import { pick, randomInt } from './lib/random.ts';
import { expectOutcomes, expectSettled, expectStockAndBalances } from './lib/verify.ts';

/**
 * REQ-3.3.1: POST /orders and POST /orders/{id}/cancel answer in < 200 ms (held as p99) without
 * waiting for the worker; our target is p99 ≤ 50 ms at 1,000 req/s of each (TARGET_P99_MS moves
 * it), as `npm run bench` measures it. Each iteration places an order and cancels it at once, so
 * RATE iterations per second send RATE requests per second to each endpoint. The cancellation
 * meets the order PENDING or already COMPLETED, so both ways of cancelling are exercised; every
 * order must end CANCELLED with stock and balances back where they started.
 */

const RATE = positiveInt('RATE', 1000);
const DURATION = positiveInt('DURATION', 10);
const CUSTOMERS = positiveInt('CUSTOMERS', 50);
const PRODUCTS = positiveInt('PRODUCTS', 50);
const TARGET_P99_MS = positiveInt('TARGET_P99_MS', 50);
const ORDERS = RATE * DURATION;
const MAX_PRICE = 999;

export const options: Options = {
  scenarios: {
    create_and_cancel: constantArrivalRate({
      iterations: ORDERS,
      perSecond: RATE,
      iterationMs: 400,
    }),
  },
  thresholds: {
    ...ALWAYS,
    [latencyOf('place-order')]: ['p(99)<200', `p(99)<=${TARGET_P99_MS}`],
    [latencyOf('cancel-order')]: ['p(99)<200', `p(99)<=${TARGET_P99_MS}`],
  },
  teardownTimeout: `${Math.ceil(SETTLE_TIMEOUT_MS / 1000) + 120}s`,
};

interface Data {
  admin: string;
  customers: Shopper[];
  products: Product[];
}

export function setup(): Data {
  const admin = adminToken();
  // Enough for every order to complete before its cancellation arrives.
  return {
    admin,
    customers: createCustomers(admin, CUSTOMERS, ORDERS * MAX_PRICE),
    products: createProducts(admin, PRODUCTS, ORDERS, () => randomInt(100, MAX_PRICE)),
  };
}

const isCancelled = (order: Order) => order.status === 'CANCELLED';

export default function (data: Data): void {
  // The executor's last tick falls on the very end of the run and may start one iteration
  // more than asked; the count of orders is part of what teardown checks.
  if (exec.scenario.iterationInTest >= ORDERS) return;
  // The customer places the order and cancels it, both with its own token.
  const customer = pick(data.customers);
  const placed = placeOrder(customer.token, {
    items: [{ productId: pick(data.products).id, quantity: 1 }],
  }).value;
  check(placed, { 'POST /orders answers 202 PENDING': (body) => body?.status === 'PENDING' });
  if (placed === null) return;
  const cancelled = cancelOrder(customer.token, placed.id).value;
  check(cancelled, {
    'POST /orders/{id}/cancel answers 202 before the worker cancels': (body) =>
      body?.id === placed.id && body.status !== 'CANCELLED',
  });
}

export function teardown(data: Data): void {
  const orders = waitForOrders(
    data.admin,
    data.customers.map((customer) => customer.id),
    isCancelled,
    SETTLE_TIMEOUT_MS,
  );
  expectSettled(orders, isCancelled, 'CANCELLED');
  expectOutcomes(orders, { CANCELLED: ORDERS });
  expectStockAndBalances(data.admin, data, orders);
}
