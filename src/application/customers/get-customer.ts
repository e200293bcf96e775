import type { Customer } from '../../domain/customer/customer';
import { NotFoundError } from '../../domain/shared/domain-error';
import type { CustomerId } from '../../domain/shared/ids';
import type { CustomerRepository } from '../ports/customer-repository';

export class GetCustomer {
  constructor(private readonly customers: CustomerRepository) {}

  async execute(id: CustomerId): Promise<Customer> {
    const customer = await this.customers.findById(id);
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }
}
