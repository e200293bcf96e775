import { randomUUID } from 'node:crypto';
import type { Customer } from '../../src/domain/customer/customer';
import type { Order, OrderItem } from '../../src/domain/order/order';
import type { Product } from '../../src/domain/product/product';
import {
  customerId,
  orderId,
  productId,
  type CustomerId,
  type ProductId,
} from '../../src/domain/shared/ids';
import type { Page, PageRequest } from '../../src/domain/shared/page';
import type { StoreUnderTest } from './store-under-test';

const BASE_MS = Date.parse('2025-03-04T05:06:07.089Z');

/** A time `offsetMs` after a fixed base, with a millisecond part that a seconds-only store loses. */
export const at = (offsetMs: number): Date => new Date(BASE_MS + offsetMs);

export function aCustomer(overrides: Partial<Customer> = {}): Customer {
  const id = randomUUID();
  return {
    id: customerId(id),
    name: 'Ada Lovelace',
    email: `ada.${id}@example.com`,
    balance: 10_000,
    createdAt: at(1),
    updatedAt: at(2),
    ...overrides,
  };
}

export function aProduct(overrides: Partial<Product> = {}): Product {
  return {
    id: productId(randomUUID()),
    name: 'Café crème — 250 g',
    price: 1299,
    stock: 50,
    createdAt: at(3),
    updatedAt: at(4),
    ...overrides,
  };
}

export function anOrder(
  customer: CustomerId,
  items: readonly OrderItem[],
  overrides: Partial<Order> = {},
): Order {
  return {
    id: orderId(randomUUID()),
    customerId: customer,
    status: 'PENDING',
    items,
    total: null,
    failureReason: null,
    idempotencyKey: null,
    requestFingerprint: null,
    cancelRequestedAt: null,
    createdAt: at(5),
    updatedAt: at(6),
    ...overrides,
  };
}

export const lineOf = (product: ProductId, quantity = 1): OrderItem => ({
  productId: product,
  quantity,
  unitPrice: null,
});

export async function insertCustomer(
  store: Pick<StoreUnderTest, 'customers'>,
  overrides: Partial<Customer> = {},
): Promise<Customer> {
  const customer = aCustomer(overrides);
  await store.customers.insert(customer);
  return customer;
}

export async function insertProducts(
  store: Pick<StoreUnderTest, 'products'>,
  count: number,
  overrides: Partial<Product> = {},
): Promise<Product[]> {
  const products = Array.from({ length: count }, () => aProduct(overrides));
  for (const product of products) await store.products.insert(product);
  return products;
}

/** Stores the orders as setup: fails the test when the store refuses any of them. */
export async function insertOrders(
  store: Pick<StoreUnderTest, 'orders'>,
  orders: Order[],
): Promise<Order[]> {
  const refused = await store.orders.insertMany(orders);
  const reasons = refused.flatMap((refusal, index) =>
    refusal === null ? [] : [`${index}: ${'takenBy' in refusal ? 'key taken' : refusal.message}`],
  );
  if (reasons.length > 0) throw new Error(`The store refused orders ${reasons.join('; ')}`);
  return orders;
}

/** Walks every page from the first; the ids in the order they came, and the number of pages. */
export async function walkPages<T extends { id: string }>(
  list: (page: PageRequest) => Promise<Page<T>>,
  limit: number,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let request: PageRequest = { limit, after: null };
  for (let pages = 1; ; pages += 1) {
    const page = await list(request);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((item) => item.id));
    if (!page.next) return { ids, pages };
    request = { limit, after: page.next };
  }
}

/** Newest first: later createdAt, then the larger id (the keyset order of every list). */
export function newestFirst<T extends { id: string; createdAt: Date }>(
  rows: readonly T[],
): string[] {
  return [...rows]
    .sort(
      (a, b) =>
        b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    )
    .map((row) => row.id);
}
