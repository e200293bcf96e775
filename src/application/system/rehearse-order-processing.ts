import { createCustomer, type Customer } from '../../domain/customer/customer';
import { requestCancellation } from '../../domain/order/cancel-order';
import type { Order, OrderStatus } from '../../domain/order/order';
import { placeOrder } from '../../domain/order/place-order';
import { initialStock } from '../../domain/product/inventory-movement';
import { createProduct, type Product } from '../../domain/product/product';
import { customerId, orderId, productId } from '../../domain/shared/ids';
import { orderJob } from '../orders/order-job';
import { ProcessOrderJobs } from '../orders/process-order-jobs';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { Logger } from '../ports/logger';
import type { Metrics } from '../ports/metrics';
import type { ProductCache } from '../ports/product-cache';
import type { Transaction, UnitOfWork } from '../ports/unit-of-work';

/** Ends a rehearsal's transaction, with what it came to: a unit of work rolls back what throws. */
class RolledBack extends Error {
  constructor(readonly outcome: RehearsalOutcome) {
    super('rehearsal rolled back');
  }
}

/** How many of a round's orders ended in each status, before the round was rolled back. */
export type RehearsalOutcome = Partial<Record<OrderStatus, number>>;

/** A round: as many orders as a worker's transaction holds under load, over a few parties. */
const CUSTOMERS = 4;
const PRODUCTS = 8;
const ORDERS = 64;
const AMPLE = 1_000_000_000;

/** Nothing is cached for rows that never commit. */
const NO_CACHE: ProductCache = {
  ttlMs: 0,
  get: async () => null,
  set: async () => {},
  invalidate: async () => {},
};

/** Orders of a rehearsal are not the service's: its operators never see them counted. */
const NO_METRICS: Metrics = {
  ordersAccepted: () => {},
  orderSettled: () => {},
  jobsHandled: () => {},
  jobDeadLettered: () => {},
  jobsRepublished: () => {},
  requestRateLimited: () => {},
};

/**
 * Runs the order path of the API and the worker on customers, products and orders made for the
 * purpose, in one transaction that is always rolled back: orders are stored, settled,
 * asked to be cancelled and refunded, so that every statement of that path has been sent and its
 * code optimised before the first real order arrives, and nothing is left behind. Its rows are new,
 * so it takes no lock that real work waits for.
 */
export class RehearseOrderProcessing {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** One round, in one transaction; resolves with what it came to before it was rolled back. */
  execute(): Promise<RehearsalOutcome> {
    return this.uow
      .run(async (tx): Promise<never> => {
        throw new RolledBack(await this.rehearse(tx));
      })
      .catch((error: unknown) => {
        if (error instanceof RolledBack) return error.outcome;
        throw error;
      });
  }

  private async rehearse(tx: Transaction): Promise<RehearsalOutcome> {
    const now = this.clock.now();
    const customers = Array.from({ length: CUSTOMERS }, () => this.customer(now));
    const products = Array.from({ length: PRODUCTS }, (_, index) => this.product(index, now));
    for (const customer of customers) await tx.customers.insert(customer);
    for (const product of products) await tx.products.insert(product);
    await tx.inventory.append(products.map(initialStock));
    const orders = Array.from({ length: ORDERS }, (_, index) =>
      placeOrder({
        id: orderId(this.ids.next()),
        customerId: cycle(customers, index).id,
        lines: [
          { productId: cycle(products, index).id, quantity: 1 },
          { productId: cycle(products, index + 3).id, quantity: 2 },
        ],
        idempotencyKey: null,
        requestFingerprint: null,
        now,
      }),
    );
    await tx.orders.insertMany(orders);

    const inThisTransaction: UnitOfWork = { run: (work) => work(tx) };
    const worker = new ProcessOrderJobs(
      inThisTransaction,
      NO_CACHE,
      this.clock,
      this.logger,
      NO_METRICS,
    );
    await worker.execute(orders.map((order) => orderJob('PLACE', order)));
    const settled = await tx.orders.lockMany(orders.map((order) => order.id));
    const cancelled = settled.filter((_, index) => index % 2 === 0).map(cancel(now));
    await tx.orders.updateMany(cancelled);
    await worker.execute(cancelled.map((order) => orderJob('CANCEL', order)));
    const outcome: RehearsalOutcome = {};
    for (const order of await tx.orders.lockMany(orders.map((each) => each.id))) {
      outcome[order.status] = (outcome[order.status] ?? 0) + 1;
    }
    return outcome;
  }

  private customer(now: Date): Customer {
    const id = customerId(this.ids.next());
    return createCustomer({
      id,
      name: 'Rehearsal',
      email: `${id}@rehearsal.invalid`,
      balance: AMPLE,
      now,
    });
  }

  private product(index: number, now: Date): Product {
    const id = productId(this.ids.next());
    return createProduct({ id, name: 'Rehearsal', price: 100 + index, stock: AMPLE, now });
  }
}

const cancel =
  (now: Date) =>
  (order: Order): Order =>
    requestCancellation(order, now);

const cycle = <T>(items: readonly T[], index: number): T => items[index % items.length] as T;
