import { createCustomer, createProduct, must } from './api.ts';
import type { Customer, Product } from './api.ts';
import { runId } from './random.ts';

/** Data of one run, made through the API in setup() and named after the run. */

export function createCustomers(count: number, balance: number): Customer[] {
  const run = runId();
  return Array.from({ length: count }, (_, index) =>
    must(
      createCustomer({
        name: `k6 customer ${index}`,
        email: `k6-${run}-${index}@example.com`,
        balance,
      }),
      `create customer ${index}`,
    ),
  );
}

export function createProducts(count: number, stock: number, price: () => number): Product[] {
  const run = runId();
  return Array.from({ length: count }, (_, index) =>
    must(
      createProduct({ name: `k6 ${run} product ${index}`, price: price(), stock }),
      `create product ${index}`,
    ),
  );
}
