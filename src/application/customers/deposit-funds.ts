import { deposit, type Customer } from '../../domain/customer/customer';
import { NotFoundError } from '../../domain/shared/domain-error';
import type { CustomerId } from '../../domain/shared/ids';
import { authorise } from '../access/access-policy';
import type { Caller } from '../access/caller';
import type { Clock } from '../ports/clock';
import type { UnitOfWork } from '../ports/unit-of-work';

export interface DepositFundsInput {
  customerId: CustomerId;
  amount: number;
}

export class DepositFunds {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(caller: Caller, input: DepositFundsInput): Promise<Customer> {
    authorise(caller, 'depositFunds');
    return this.uow.run(async (tx) => {
      const customer = await tx.customers.lockById(input.customerId);
      if (!customer) throw new NotFoundError('Customer', input.customerId);
      const now = this.clock.now();
      const credited = await tx.ledger.creditedTotal(customer.id);
      const updated = deposit(customer, input.amount, credited, now);
      await tx.customers.update(updated);
      await tx.ledger.append({
        customerId: customer.id,
        orderId: null,
        kind: 'DEPOSIT',
        amount: input.amount,
        createdAt: now,
      });
      return updated;
    });
  }
}
