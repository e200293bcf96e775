import { randomBytes } from 'node:crypto';
import type { Container } from 'inversify';
import type { Caller } from '../../src/application/access/caller';
import { CreateCustomer } from '../../src/application/customers/create-customer';
import { orderJob } from '../../src/application/orders/order-job';
import { ProcessOrderJobs } from '../../src/application/orders/process-order-jobs';
import { requestFingerprint } from '../../src/application/orders/request-fingerprint';
import type { Clock } from '../../src/application/ports/clock';
import type { IdGenerator } from '../../src/application/ports/id-generator';
import type { Logger } from '../../src/application/ports/logger';
import type { OrderJob } from '../../src/application/ports/order-queue';
import { TOKENS } from '../../src/application/ports/tokens';
import type { UnitOfWork } from '../../src/application/ports/unit-of-work';
import { CreateProduct } from '../../src/application/products/create-product';
import { loadConfig } from '../../src/config/config';
import { buildContainer } from '../../src/config/container';
import { requestCancellation } from '../../src/domain/order/cancel-order';
import type { Order } from '../../src/domain/order/order';
import { placeOrder, type OrderLine } from '../../src/domain/order/place-order';
import { orderId, type CustomerId, type ProductId } from '../../src/domain/shared/ids';
import { mapLimit, seededRandom } from '../scenarios/workload';

/** What happens to an order of the history; the loader decides it when it places the order. */
export type HistoryOutcome =
  | 'COMPLETED'
  | 'FAILED_INSUFFICIENT_FUNDS'
  | 'FAILED_INSUFFICIENT_STOCK'
  | 'CANCELLED_PENDING'
  | 'CANCELLED_COMPLETED';

/** One order of the history as a client would have sent it, and what then happens to it. */
export interface HistoryOrder {
  customerId: CustomerId;
  lines: OrderLine[];
  idempotencyKey: string | null;
  outcome: HistoryOutcome;
}

export interface HistoryShop {
  /** Customers who can pay for anything the history orders. */
  customers: CustomerId[];
  /** A customer with nothing in the wallet: its orders fail INSUFFICIENT_FUNDS. */
  brokeCustomer: CustomerId;
  products: ProductId[];
  /** A product with no stock: orders naming it fail INSUFFICIENT_STOCK. */
  soldOutProduct: ProductId;
}

/** A clock the loader sets: the history's orders are placed and settled in the past. */
export class HistoryClock implements Clock {
  private current: Date;

  constructor(start: Date) {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date): void {
    this.current = new Date(at);
  }
}

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

const OPERATOR: Caller = { role: 'admin', subject: 'history-loader' };

/** Enough for every order of any history this loader writes; the wallet allows far more. */
const RICH_BALANCE = 1_000_000_000_000;
const DEEP_STOCK = 1_000_000_000_000;

/** The service's own parts that write an order's rows, wired by its composition root. */
export interface ServiceWriters {
  container: Container;
  clock: HistoryClock;
  close(): Promise<void>;
}

/**
 * The service's composition root on `databaseUrl`, its clock replaced by one the loader sets. Its
 * id generator stays the service's own, so that the history's keys are what the service makes.
 * The queue is the embedded one and nothing consumes it: the loader runs the worker's code itself.
 */
export async function openServiceWriters(
  databaseUrl: string,
  poolSize = 8,
): Promise<ServiceWriters> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    QUEUE_DRIVER: 'memory',
    DB_POOL_SIZE: String(poolSize),
    AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
  });
  const { container, disposers } = await buildContainer(config, silent);
  const clock = new HistoryClock(new Date());
  container.rebindSync(TOKENS.Clock).toConstantValue(clock);
  return { container, clock, close: () => disposers.disposeAll(silent) };
}

/** The customers and products every history order is made of, created by the service's use cases. */
export async function createHistoryShop(
  writers: ServiceWriters,
  sizes: { customers: number; products: number },
  label = randomBytes(4).toString('hex'),
): Promise<HistoryShop> {
  const customers = writers.container.get(CreateCustomer);
  const products = writers.container.get(CreateProduct);
  const customer = (index: number, balance: number) =>
    customers
      .execute(OPERATOR, {
        name: `History customer ${index}`,
        email: `history-${label}-${index}@bench.example`,
        balance,
      })
      .then((created) => created.id);
  const product = (index: number, stock: number) =>
    products
      .execute(OPERATOR, {
        name: `History product ${index}`,
        price: 100 + (index % 100) * 50,
        stock,
      })
      .then((created) => created.id);
  const indexes = (n: number) => Array.from({ length: n }, (_, index) => index);
  return {
    customers: await mapLimit(indexes(sizes.customers), 4, (i) => customer(i, RICH_BALANCE)),
    brokeCustomer: await customer(sizes.customers, 0),
    products: await mapLimit(indexes(sizes.products), 4, (i) => product(i, DEEP_STOCK)),
    soldOutProduct: await product(sizes.products, 0),
  };
}

/** Shares of the orders by outcome; the rest complete. */
export const HISTORY_MIX = {
  FAILED_INSUFFICIENT_FUNDS: 0.03,
  FAILED_INSUFFICIENT_STOCK: 0.03,
  CANCELLED_PENDING: 0.04,
  CANCELLED_COMPLETED: 0.06,
} as const;

/** Half the clients send an Idempotency-Key, as a client that retries does. */
const KEYED_SHARE = 0.5;

/**
 * The history's orders, the same for the same seed: 1–3 distinct products of 1–3 units each, as
 * the bench's load sends them, each with the outcome it will have.
 */
export class HistoryMix {
  private readonly random: () => number;

  constructor(
    private readonly shop: HistoryShop,
    seed = 21,
  ) {
    this.random = seededRandom(seed);
  }

  next(): HistoryOrder {
    const outcome = this.outcome();
    const customerId =
      outcome === 'FAILED_INSUFFICIENT_FUNDS'
        ? this.shop.brokeCustomer
        : this.pick(this.shop.customers);
    const chosen = new Set<ProductId>();
    const count = 1 + Math.floor(this.random() * 3);
    while (chosen.size < Math.min(count, this.shop.products.length))
      chosen.add(this.pick(this.shop.products));
    if (outcome === 'FAILED_INSUFFICIENT_STOCK') chosen.add(this.shop.soldOutProduct);
    return {
      customerId,
      lines: [...chosen].map((productId) => ({
        productId,
        quantity: 1 + Math.floor(this.random() * 3),
      })),
      idempotencyKey: this.random() < KEYED_SHARE ? this.key() : null,
      outcome,
    };
  }

  private outcome(): HistoryOutcome {
    let roll = this.random();
    for (const [outcome, share] of Object.entries(HISTORY_MIX)) {
      if (roll < share) return outcome as HistoryOutcome;
      roll -= share;
    }
    return 'COMPLETED';
  }

  private pick<T>(ids: readonly T[]): T {
    return ids[Math.floor(this.random() * ids.length)] as T;
  }

  private key(): string {
    return (
      Math.floor(this.random() * 2 ** 52).toString(36) +
      Math.floor(this.random() * 2 ** 52).toString(36)
    );
  }
}

export interface HistoryTimes {
  /** When the orders are placed; everything after it follows within seconds. */
  placedAt: Date;
}

const SECOND = 1000;

const chunk = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

/**
 * Writes a round of history orders exactly as the service writes them, in the same steps: the
 * API's insert of PENDING orders (one transaction per batch, as PlaceOrder stores a batch), the
 * API's record of a cancellation request (as RequestCancellation records one), and the worker's
 * settlement and reversal (ProcessOrderJobs, a batch of jobs per transaction). What differs from
 * live traffic is only the pace and the clock: big batches, several at once, in the past.
 */
export class HistoryLoader {
  private readonly uow: UnitOfWork;
  private readonly ids: IdGenerator;
  private readonly worker: ProcessOrderJobs;

  constructor(
    private readonly writers: ServiceWriters,
    private readonly batching: { batchSize: number; parallel: number } = {
      batchSize: 1000,
      parallel: 2,
    },
  ) {
    this.uow = writers.container.get<UnitOfWork>(TOKENS.UnitOfWork);
    this.ids = writers.container.get<IdGenerator>(TOKENS.IdGenerator);
    this.worker = writers.container.get(ProcessOrderJobs);
  }

  /** Places, settles and cancels `history`'s orders; resolves with them as stored, by index. */
  async load(history: readonly HistoryOrder[], { placedAt }: HistoryTimes): Promise<Order[]> {
    const at = (seconds: number) =>
      this.writers.clock.set(new Date(placedAt.getTime() + seconds * SECOND));
    at(0);
    const now = this.writers.clock.now();
    const orders = history.map((wanted) =>
      placeOrder({
        id: orderId(this.ids.next()),
        customerId: wanted.customerId,
        lines: wanted.lines,
        idempotencyKey: wanted.idempotencyKey,
        requestFingerprint: wanted.idempotencyKey
          ? requestFingerprint(wanted.customerId, wanted.lines)
          : null,
        now,
      }),
    );
    await this.inBatches(orders, async (batch) => {
      const refused = await this.uow.run((tx) => tx.orders.insertMany(batch));
      const error = refused.find((each) => each !== null);
      if (error) throw error;
    });

    at(1);
    const withdrawn = orders.filter((_, i) => history[i]?.outcome === 'CANCELLED_PENDING');
    await this.recordCancellations(withdrawn);

    at(2);
    await this.inBatches(
      orders.map((order) => orderJob('PLACE', order)),
      (jobs) => this.worker.execute(jobs),
    );

    at(60);
    const reversed = orders.filter((_, i) => history[i]?.outcome === 'CANCELLED_COMPLETED');
    await this.recordCancellations(reversed);
    at(61);
    await this.inBatches(
      reversed.map((order) => orderJob('CANCEL', order)),
      (jobs: OrderJob[]) => this.worker.execute(jobs),
    );
    return orders;
  }

  /** RequestCancellation's record step: the orders locked, the request noted on each. */
  private recordCancellations(orders: readonly Order[]): Promise<void> {
    return this.inBatches(orders, (batch) =>
      this.uow.run(async (tx) => {
        const now = this.writers.clock.now();
        const locked = await tx.orders.lockMany(batch.map((order) => order.id));
        await tx.orders.updateMany(locked.map((order) => requestCancellation(order, now)));
      }),
    );
  }

  private async inBatches<T>(items: readonly T[], work: (batch: T[]) => Promise<void>) {
    await mapLimit(chunk(items, this.batching.batchSize), this.batching.parallel, work);
  }
}
