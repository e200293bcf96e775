import type { Order } from '../../domain/order/order';
import type { DomainError } from '../../domain/shared/domain-error';
import type { CustomerId, OrderId } from '../../domain/shared/ids';
import type { Page, PageRequest } from '../../domain/shared/page';
import type { OrderJob } from './order-queue';

/** Why insertMany did not store an order: its key is taken, or what it references does not exist. */
export type InsertRefusal = DomainError | TakenIdempotencyKey;

/** The order's (customer, idempotency key) is already another order's: that order. */
export interface TakenIdempotencyKey {
  readonly takenBy: Order;
}

export interface OrderRepository {
  /** The order with its items. */
  findById(id: OrderId): Promise<Order | null>;
  /** Inside a transaction: reads the order (with items) and locks its row until commit. */
  lockById(id: OrderId): Promise<Order | null>;
  /**
   * Inside a transaction: reads and locks the orders (with items) in ascending id order, the
   * global lock order for order rows. Absent ids are left out.
   */
  lockMany(ids: readonly OrderId[]): Promise<Order[]>;
  findByIdempotencyKey(customerId: CustomerId, key: string): Promise<Order | null>;
  /** Newest first, keyset-paginated. */
  listByCustomer(customerId: CustomerId, page: PageRequest): Promise<Page<Order>>;
  /**
   * Stores the orders and their items together, checking in the same transaction that what they
   * reference exists. Answers one entry per order, in order: null when it was stored, else why it was
   * not: a TakenIdempotencyKey naming the order that holds its (customer, key), stored before or
   * stored by this call from earlier in the list; else UnknownProductError when an item names no
   * existing product (details `items.<index>.productId`, in item order); else UnknownCustomerError
   * (`customerId`). Throws IdempotencyKeyTakenError, storing none of them, only when another
   * transaction stored one of their keys after this one checked it: a new call then reports it.
   */
  insertMany(orders: readonly Order[]): Promise<(InsertRefusal | null)[]>;
  /**
   * Writes status, total, failureReason, cancelRequestedAt, updatedAt and items' unit prices,
   * together.
   */
  update(order: Order): Promise<void>;
  /** `update` for several orders (each named once), all written together. */
  updateMany(orders: readonly Order[]): Promise<void>;
  /**
   * Work that should have been done by now: PENDING orders created before `before` (a PLACE job)
   * and cancellations requested before `before` whose order is still PENDING or COMPLETED (a
   * CANCEL job). Oldest first, at most `limit`.
   */
  findStalledWork(before: Date, limit: number): Promise<OrderJob[]>;
}
