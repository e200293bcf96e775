import { createCustomer, deposit } from '../../../src/domain/customer/customer';
import { AmountTooLargeError, ValidationError } from '../../../src/domain/shared/domain-error';
import { customerId } from '../../../src/domain/shared/ids';
import { customer, T0, T1 } from './builders';

describe('customer', () => {
  it('stores the email in one case, so uniqueness ignores case', () => {
    const created = createCustomer({
      id: customerId('c1'),
      name: 'Ada',
      email: ' Ada@Example.COM ',
      balance: 0,
      now: T0,
    });
    expect(created.email).toBe('ada@example.com');
  });

  it('adds a deposit to the balance', () => {
    expect(deposit(customer(100), 50, T1)).toMatchObject({ balance: 150, updatedAt: T1 });
  });

  it.each([0, -5, 1.5])('refuses a deposit of %p', (amount) => {
    expect(() => deposit(customer(100), amount, T1)).toThrow(ValidationError);
  });

  it('refuses a deposit that would pass the largest safe amount', () => {
    expect(() => deposit(customer(Number.MAX_SAFE_INTEGER), 1, T1)).toThrow(AmountTooLargeError);
  });
});
