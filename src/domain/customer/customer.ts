import { addAmounts } from '../shared/money';
import type { CustomerId } from '../shared/ids';
import { ValidationError } from '../shared/domain-error';

export interface Customer {
  readonly id: CustomerId;
  readonly name: string;
  readonly email: string;
  readonly balance: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewCustomer {
  id: CustomerId;
  name: string;
  email: string;
  balance: number;
  now: Date;
}

/** Emails are compared case-insensitively, so they are stored in one case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createCustomer(input: NewCustomer): Customer {
  return {
    id: input.id,
    name: input.name,
    email: normalizeEmail(input.email),
    balance: input.balance,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

export function deposit(customer: Customer, amount: number, now: Date): Customer {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new ValidationError('A deposit must be a positive integer amount', [
      { path: 'amount', message: 'must be a positive integer' },
    ]);
  }
  return { ...customer, balance: addAmounts(customer.balance, amount, 'amount'), updatedAt: now };
}
