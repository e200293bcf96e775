import type { Order } from '../../domain/order/order';
import { NotFoundError } from '../../domain/shared/domain-error';
import type { CustomerId } from '../../domain/shared/ids';
import type { Page, PageRequest } from '../../domain/shared/page';
import type { CustomerRepository } from '../ports/customer-repository';
import type { OrderRepository } from '../ports/order-repository';

export class ListCustomerOrders {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly orders: OrderRepository,
  ) {}

  async execute(customerId: CustomerId, page: PageRequest): Promise<Page<Order>> {
    const customer = await this.customers.findById(customerId);
    if (!customer) throw new NotFoundError('Customer', customerId);
    return this.orders.listByCustomer(customerId, page);
  }
}
