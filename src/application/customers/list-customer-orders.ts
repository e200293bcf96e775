import type { Order } from '../../domain/order/order';
import { NotFoundError } from '../../domain/shared/domain-error';
import type { CustomerId } from '../../domain/shared/ids';
import type { Page, PageRequest } from '../../domain/shared/page';
import { authorise, reaches } from '../access/access-policy';
import type { Caller } from '../access/caller';
import type { CustomerRepository } from '../ports/customer-repository';
import type { OrderRepository } from '../ports/order-repository';

export class ListCustomerOrders {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly orders: OrderRepository,
  ) {}

  async execute(caller: Caller, customerId: CustomerId, page: PageRequest): Promise<Page<Order>> {
    authorise(caller, 'listCustomerOrders');
    const customer = reaches(caller, 'listCustomerOrders', customerId)
      ? await this.customers.findById(customerId)
      : null;
    if (!customer) throw new NotFoundError('Customer', customerId);
    return this.orders.listByCustomer(customerId, page);
  }
}
