import type { Order } from '../../domain/order/order';
import { NotFoundError } from '../../domain/shared/domain-error';
import type { OrderId } from '../../domain/shared/ids';
import { authorise, reaches } from '../access/access-policy';
import type { Caller } from '../access/caller';
import type { OrderRepository } from '../ports/order-repository';

export class GetOrder {
  constructor(private readonly orders: OrderRepository) {}

  async execute(caller: Caller, id: OrderId): Promise<Order> {
    authorise(caller, 'getOrder');
    const order = await this.orders.findById(id);
    if (!order || !reaches(caller, 'getOrder', order.customerId)) {
      throw new NotFoundError('Order', id);
    }
    return order;
  }
}
