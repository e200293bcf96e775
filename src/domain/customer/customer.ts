import { addAmounts, ensureRoomFor } from '../shared/money';
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

/**
 * `creditedTotal` is everything ever credited to the customer: its opening balance and deposits
 * (the OPENING and DEPOSIT entries of its wallet ledger). The balance plus the totals of its
 * COMPLETED orders always equals it, so while it stays within MAX_AMOUNT every refund of such an
 * order fits in the balance: a deposit that would take it past MAX_AMOUNT is refused, however low
 * the balance is at the time.
 */
export function deposit(
  customer: Customer,
  amount: number,
  creditedTotal: number,
  now: Date,
): Customer {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new ValidationError('A deposit must be a positive integer amount', [
      { path: 'amount', message: 'must be a positive integer' },
    ]);
  }
  ensureRoomFor(amount, creditedTotal, 'amount');
  return { ...customer, balance: addAmounts(customer.balance, amount, 'amount'), updatedAt: now };
}
