import { adminToken, bearer } from '../../support/tokens';
import { randomBytes } from 'node:crypto';
import { httpClient } from '../../support/http-client';

export interface OrderBody {
  customerId: string;
  items: { productId: string; quantity: number }[];
}

/** Ids of what the seeding created; the audit reads everything else from the database. */
export interface Shop {
  customers: { id: string }[];
  products: { id: string }[];
}

/**
 * Customers and products created through the API. Sized so that a few thousand orders of 1–3
 * lines exhaust some stock and some wallets: the run settles orders both ways, COMPLETED and
 * FAILED, and the checks see both.
 */
export async function seedShop(
  baseUrl: string,
  { customers = 40, products = 20, balance = 100_000, stock = 400 } = {},
): Promise<Shop> {
  const request = httpClient(baseUrl, bearer(adminToken()));
  const shop: Shop = { customers: [], products: [] };
  for (let i = 0; i < customers; i += 1) {
    const answer = await request('POST', '/customers', {
      name: `Fault shopper ${i}`,
      email: `fault-${randomBytes(6).toString('hex')}@example.com`,
      balance,
    });
    if (answer.status !== 201) throw new Error(`seeding a customer: ${answer.status}`);
    shop.customers.push({ id: answer.body.id });
  }
  for (let i = 0; i < products; i += 1) {
    const price = 100 + 40 * i;
    const answer = await request('POST', '/products', { name: `Fault item ${i}`, price, stock });
    if (answer.status !== 201) throw new Error(`seeding a product: ${answer.status}`);
    shop.products.push({ id: answer.body.id });
  }
  return shop;
}

function pick<T>(values: readonly T[]): T {
  const value = values[Math.floor(Math.random() * values.length)];
  if (value === undefined) throw new Error('nothing to pick from');
  return value;
}

/** A random order: one customer, 1–3 distinct products, 1–3 of each. */
export function randomOrder(shop: Shop): OrderBody {
  const lines = 1 + Math.floor(Math.random() * 3);
  const products = new Set<string>();
  while (products.size < lines) products.add(pick(shop.products).id);
  return {
    customerId: pick(shop.customers).id,
    items: [...products].map((productId) => ({
      productId,
      quantity: 1 + Math.floor(Math.random() * 3),
    })),
  };
}
