import { UnknownCustomerError } from '../../../domain/customer/customer.errors';
import type { Order } from '../../../domain/order/order';
import { unknownProductsError } from '../../../domain/product/product.errors';
import type { DomainError } from '../../../domain/shared/domain-error';
import type { CustomerId, OrderId } from '../../../domain/shared/ids';
import type { Page, PageRequest } from '../../../domain/shared/page';
import type { OrderJob } from '../../../application/ports/order-queue';
import type { InsertRefusal, OrderRepository } from '../../../application/ports/order-repository';
import { checkNewId } from './memory-constraints';
import { page } from './memory-paging';
import type { MemoryView } from './memory-view';

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class MemoryOrderRepository implements OrderRepository {
  constructor(private readonly view: MemoryView) {}

  async findById(id: OrderId): Promise<Order | null> {
    return this.view.get('orders', id) ?? null;
  }

  lockById(id: OrderId): Promise<Order | null> {
    return this.findById(id);
  }

  async lockMany(ids: readonly OrderId[]): Promise<Order[]> {
    return [...new Set(ids)].sort().flatMap((id) => this.view.get('orders', id) ?? []);
  }

  async findByIdempotencyKey(customerId: CustomerId, key: string): Promise<Order | null> {
    return (
      this.view
        .rows('orders')
        .find((order) => order.customerId === customerId && order.idempotencyKey === key) ?? null
    );
  }

  async listByCustomer(customerId: CustomerId, request: PageRequest): Promise<Page<Order>> {
    return page(
      this.view.rows('orders').filter((order) => order.customerId === customerId),
      request,
    );
  }

  /**
   * Reports a taken key, then unknown products, then an unknown customer, per order, in the MySQL
   * store's order; a key is taken by a stored order or by one stored earlier in the list.
   */
  async insertMany(orders: readonly Order[]): Promise<(InsertRefusal | null)[]> {
    if (new Set(orders.map((order) => order.id)).size < orders.length) {
      throw new Error('PRIMARY KEY failed: the same order twice');
    }
    const storedNow: Order[] = [];
    const holderOf = async (order: Order): Promise<Order | null> =>
      order.idempotencyKey === null
        ? null
        : (storedNow.find(
            (earlier) =>
              earlier.customerId === order.customerId &&
              earlier.idempotencyKey === order.idempotencyKey,
          ) ?? (await this.findByIdempotencyKey(order.customerId, order.idempotencyKey)));
    const outcomes: (InsertRefusal | null)[] = [];
    for (const order of orders) {
      checkNewId(this.view, 'orders', order.id);
      const holder = await holderOf(order);
      const refusal = holder ? { takenBy: holder } : this.unknownReference(order);
      if (refusal === null) storedNow.push(order);
      outcomes.push(refusal);
    }
    for (const order of storedNow) this.view.put('orders', order);
    return outcomes;
  }

  /**
   * Like the UPDATEs of orders and order_items: the fields that change after placement and each
   * stored item's unit price; nothing for an absent id.
   */
  async update(order: Order): Promise<void> {
    const stored = this.view.get('orders', order.id);
    if (!stored) return;
    const prices = new Map(order.items.map((item) => [item.productId, item.unitPrice]));
    this.view.put('orders', {
      ...stored,
      status: order.status,
      total: order.total,
      failureReason: order.failureReason,
      cancelRequestedAt: order.cancelRequestedAt,
      updatedAt: order.updatedAt,
      items: stored.items.map((item) => {
        const unitPrice = prices.get(item.productId);
        return unitPrice === undefined ? item : { ...item, unitPrice };
      }),
    });
  }

  async updateMany(orders: readonly Order[]): Promise<void> {
    for (const order of orders) await this.update(order);
  }

  async findStalledWork(before: Date, limit: number): Promise<OrderJob[]> {
    const jobs = this.view.rows('orders').flatMap((order): (OrderJob & { at: Date })[] => {
      if (order.cancelRequestedAt) {
        const open = order.status === 'PENDING' || order.status === 'COMPLETED';
        return open && order.cancelRequestedAt < before
          ? [{ kind: 'CANCEL', orderId: order.id, at: order.cancelRequestedAt }]
          : [];
      }
      return order.status === 'PENDING' && order.createdAt < before
        ? [{ kind: 'PLACE', orderId: order.id, at: order.createdAt }]
        : [];
    });
    return jobs
      .sort((a, b) => a.at.getTime() - b.at.getTime() || compareIds(a.orderId, b.orderId))
      .slice(0, limit)
      .map(({ kind, orderId }) => ({ kind, orderId }));
  }

  private unknownReference(order: Order): DomainError | null {
    const productIds = order.items.map((item) => item.productId);
    const unknown = unknownProductsError(
      productIds,
      new Set(productIds.filter((id) => this.view.get('products', id))),
    );
    if (unknown) return unknown;
    return this.view.get('customers', order.customerId)
      ? null
      : new UnknownCustomerError('customerId');
  }
}
