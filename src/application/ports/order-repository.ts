import type { Order } from '../../domain/order/order';
import type { CustomerId, OrderId } from '../../domain/shared/ids';
import type { Page, PageRequest } from '../../domain/shared/page';
import type { OrderJob } from './order-queue';

export interface OrderRepository {
  /** The order with its items. */
  findById(id: OrderId): Promise<Order | null>;
  /** Inside a transaction: reads the order (with items) and locks its row until commit. */
  lockById(id: OrderId): Promise<Order | null>;
  findByIdempotencyKey(customerId: CustomerId, key: string): Promise<Order | null>;
  /** Newest first, keyset-paginated. */
  listByCustomer(customerId: CustomerId, page: PageRequest): Promise<Page<Order>>;
  /**
   * Stores the order and its items, checking its references as it does (no read beforehand):
   * throws UnknownProductError when an item names no existing product (details
   * `items.<index>.productId`, in item order), else UnknownCustomerError (`customerId`) when the
   * customer does not exist, else IdempotencyKeyTakenError on a duplicate key. Stores nothing
   * when it throws.
   */
  insert(order: Order): Promise<void>;
  /**
   * Writes status, total, failureReason, cancelRequestedAt, updatedAt and items' unit prices,
   * together (one statement in the MySQL store).
   */
  update(order: Order): Promise<void>;
  /**
   * Work that should have been done by now: PENDING orders created before `before` (a PLACE job)
   * and cancellations requested before `before` whose order is still PENDING or COMPLETED (a
   * CANCEL job). Oldest first, at most `limit`.
   */
  findStalledWork(before: Date, limit: number): Promise<OrderJob[]>;
}
