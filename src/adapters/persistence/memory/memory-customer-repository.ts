import { EmailTakenError } from '../../../domain/customer/customer.errors';
import type { Customer } from '../../../domain/customer/customer';
import type { CustomerId } from '../../../domain/shared/ids';
import type { CustomerRepository } from '../../../application/ports/customer-repository';
import { checkNewId, checkNonNegative } from './memory-constraints';
import type { MemoryView } from './memory-view';

export class MemoryCustomerRepository implements CustomerRepository {
  constructor(private readonly view: MemoryView) {}

  async findById(id: CustomerId): Promise<Customer | null> {
    return this.view.get('customers', id) ?? null;
  }

  lockById(id: CustomerId): Promise<Customer | null> {
    return this.findById(id);
  }

  async lockMany(ids: readonly CustomerId[]): Promise<Customer[]> {
    return [...new Set(ids)].sort().flatMap((id) => this.view.get('customers', id) ?? []);
  }

  async insert(customer: Customer): Promise<void> {
    checkNonNegative(customer.balance, 'balance');
    checkNewId(this.view, 'customers', customer.id);
    if (this.view.rows('customers').some((row) => row.email === customer.email)) {
      throw new EmailTakenError();
    }
    this.view.put('customers', customer);
  }

  /** Like an UPDATE … WHERE id = ?: only balance and updatedAt, and nothing for an absent id. */
  async update(customer: Customer): Promise<void> {
    const stored = this.view.get('customers', customer.id);
    if (!stored) return;
    checkNonNegative(customer.balance, 'balance');
    this.view.put('customers', {
      ...stored,
      balance: customer.balance,
      updatedAt: customer.updatedAt,
    });
  }

  /** Checks every row before writing any, as one UPDATE fails or succeeds whole. */
  async updateMany(customers: readonly Customer[]): Promise<void> {
    for (const customer of customers) checkNonNegative(customer.balance, 'balance');
    for (const customer of customers) await this.update(customer);
  }
}
