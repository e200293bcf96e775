import type { Order } from '../../domain/order/order';
import { NotFoundError } from '../../domain/shared/domain-error';
import type { OrderId } from '../../domain/shared/ids';
import type { OrderRepository } from '../ports/order-repository';

export class GetOrder {
  constructor(private readonly orders: OrderRepository) {}

  async execute(id: OrderId): Promise<Order> {
    const order = await this.orders.findById(id);
    if (!order) throw new NotFoundError('Order', id);
    return order;
  }
}
