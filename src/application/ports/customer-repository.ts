import type { Customer } from '../../domain/customer/customer';
import type { CustomerId } from '../../domain/shared/ids';

export interface CustomerRepository {
  findById(id: CustomerId): Promise<Customer | null>;
  /** Inside a transaction: reads the row and holds it locked until commit. */
  lockById(id: CustomerId): Promise<Customer | null>;
  /** Inside a transaction: reads and locks the rows in ascending id order; absent ids left out. */
  lockMany(ids: readonly CustomerId[]): Promise<Customer[]>;
  /** Throws EmailTakenError when the email is in use. */
  insert(customer: Customer): Promise<void>;
  /** Writes balance and updatedAt (the only fields that change after creation). */
  update(customer: Customer): Promise<void>;
  /** `update` for several customers (each named once) together: one statement in MySQL. */
  updateMany(customers: readonly Customer[]): Promise<void>;
}
