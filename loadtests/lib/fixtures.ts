import { createCustomer, createProduct, must } from './api.ts';
import type { Customer, Product } from './api.ts';
import { customerToken } from './auth.ts';
import { runId } from './random.ts';

/** Data of one run, made by an admin through the API in setup() and named after the run. */

/** A customer of the run with its own token, signed once here, for its orders and cancellations. */
export interface Shopper extends Customer {
  token: string;
}

export function createCustomers(admin: string, count: number, balance: number): Shopper[] {
  const run = runId();
  return Array.from({ length: count }, (_, index) => {
    const customer = must(
      createCustomer(admin, {
        name: `k6 customer ${index}`,
        email: `k6-${run}-${index}@example.com`,
        balance,
      }),
      `create customer ${index}`,
    );
    return { ...customer, token: customerToken(customer.id) };
  });
}

export function createProducts(
  admin: string,
  count: number,
  stock: number,
  price: () => number,
): Product[] {
  const run = runId();
  return Array.from({ length: count }, (_, index) =>
    must(
      createProduct(admin, { name: `k6 ${run} product ${index}`, price: price(), stock }),
      `create product ${index}`,
    ),
  );
}
