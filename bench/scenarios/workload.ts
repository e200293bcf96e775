import type { HttpTarget, JsonAnswer } from '../load/http-client';
import { customerToken } from '../service/tokens';
import type { ScenarioContext } from './context';

/** mulberry32: a small seeded generator, so that every run sends the same orders. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export interface SeededCustomer {
  id: string;
  balance: number;
  /** Requests sent as this customer, with its own token, minted once when it was created. */
  client: HttpTarget;
}

export interface SeededProduct {
  id: string;
  price: number;
  stock: number;
}

/** Customers created through the API by the operator, as a shop would; emails unique to the run. */
export function seedCustomers(
  context: ScenarioContext,
  label: string,
  balances: readonly number[],
): Promise<SeededCustomer[]> {
  return mapLimit(balances, 16, async (balance, index) => {
    const body = { name: `Customer ${index}`, email: `${label}-${index}@bench.example`, balance };
    const created = await context.admin.expect<{ id: string }>(201, 'POST', '/customers', body);
    const token = await customerToken(context.env.authSecret, created.id);
    return { id: created.id, balance, client: context.target.as(token) };
  });
}

export function seedProducts(
  context: ScenarioContext,
  products: readonly { price: number; stock: number }[],
): Promise<SeededProduct[]> {
  return mapLimit(products, 16, async ({ price, stock }, index) => {
    const body = { name: `Product ${index}`, price, stock };
    const created = await context.admin.expect<{ id: string }>(201, 'POST', '/products', body);
    return { id: created.id, price, stock };
  });
}

export interface OrderLine {
  productId: string;
  quantity: number;
}

export interface PlannedOrder {
  customerId: string;
  items: OrderLine[];
}

/**
 * A realistic mix for many customers and products (the same orders for the same seed): 1–3 distinct products per order, 1–3 of each,
 * and a few hot products that get `hotShare` of the picks (contention on their rows).
 */
export class OrderMix {
  private readonly random: () => number;

  constructor(
    seed: number,
    private readonly customerIds: readonly string[],
    private readonly productIds: readonly string[],
    private readonly hotCount: number,
    private readonly hotShare: number,
  ) {
    this.random = seededRandom(seed);
  }

  next(): PlannedOrder {
    const customerId = this.pick(this.customerIds, 0, this.customerIds.length);
    const lines = 1 + Math.floor(this.random() * 3);
    const chosen = new Set<string>();
    while (chosen.size < Math.min(lines, this.productIds.length)) {
      const hot = this.random() < this.hotShare;
      chosen.add(
        hot
          ? this.pick(this.productIds, 0, this.hotCount)
          : this.pick(this.productIds, this.hotCount, this.productIds.length),
      );
    }
    return {
      customerId,
      items: [...chosen].map((productId) => ({
        productId,
        quantity: 1 + Math.floor(this.random() * 3),
      })),
    };
  }

  private pick(ids: readonly string[], from: number, to: number): string {
    return ids[from + Math.floor(this.random() * (to - from))] as string;
  }
}

/** The seeded customers as clients of the API, each sending its requests with its own token. */
export class Shoppers {
  private readonly clients: ReadonlyMap<string, HttpTarget>;

  constructor(customers: readonly SeededCustomer[]) {
    this.clients = new Map(customers.map((customer) => [customer.id, customer.client]));
  }

  clientOf(customerId: string): HttpTarget {
    const client = this.clients.get(customerId);
    if (!client) throw new Error(`customer ${customerId} was not seeded`);
    return client;
  }

  /** Leaves `customerId` out of the body, as a customer's own client does: the token says who. */
  async place(order: PlannedOrder): Promise<JsonAnswer<{ id: string }>> {
    return this.clientOf(order.customerId).json('POST', '/orders', { items: order.items });
  }
}

/**
 * The stock and balances behind the throughput scenario's mix. Hot products hold four fifths of
 * what the mix asks of them (2 lines × 2 units on average), so late orders on them fail
 * INSUFFICIENT_STOCK; one customer in twenty can afford only a couple of orders, so some fail
 * INSUFFICIENT_FUNDS; everything else never runs out.
 */
export function throughputCatalog(orders: number, customers: number, products: number) {
  const hotCount = Math.max(1, Math.round(products * 0.05));
  const hotShare = 0.3;
  const hotDemand = (orders * 2 * 2 * hotShare) / hotCount;
  return {
    hotCount,
    hotShare,
    balances: Array.from({ length: customers }, (_, i) => (i % 20 === 0 ? 10_000 : 100_000_000)),
    products: Array.from({ length: products }, (_, i) => ({
      price: 100 + ((i * 37) % 1900),
      stock: i < hotCount ? Math.ceil(hotDemand * 0.8) : orders * 10,
    })),
  };
}
