import type { Customer } from '../../domain/customer/customer';
import { NotFoundError } from '../../domain/shared/domain-error';
import type { CustomerId } from '../../domain/shared/ids';
import { authorise, reaches } from '../access/access-policy';
import type { Caller } from '../access/caller';
import type { CustomerRepository } from '../ports/customer-repository';

export class GetCustomer {
  constructor(private readonly customers: CustomerRepository) {}

  async execute(caller: Caller, id: CustomerId): Promise<Customer> {
    authorise(caller, 'getCustomer');
    const customer = reaches(caller, 'getCustomer', id) ? await this.customers.findById(id) : null;
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }
}
