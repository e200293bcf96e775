import { createCustomer, type Customer } from '../../domain/customer/customer';
import { customerId } from '../../domain/shared/ids';
import { authorise } from '../access/access-policy';
import type { Caller } from '../access/caller';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { UnitOfWork } from '../ports/unit-of-work';

export interface CreateCustomerInput {
  name: string;
  email: string;
  balance: number;
}

export class CreateCustomer {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async execute(caller: Caller, input: CreateCustomerInput): Promise<Customer> {
    authorise(caller, 'createCustomer');
    const now = this.clock.now();
    const customer = createCustomer({ ...input, id: customerId(this.ids.next()), now });
    await this.uow.run(async (tx) => {
      await tx.customers.insert(customer);
      if (customer.balance > 0) {
        await tx.ledger.append({
          customerId: customer.id,
          orderId: null,
          kind: 'OPENING',
          amount: customer.balance,
          createdAt: now,
        });
      }
    });
    return customer;
  }
}
