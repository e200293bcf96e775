import { createCustomer, deposit } from '../../../src/domain/customer/customer';
import { AmountTooLargeError, ValidationError } from '../../../src/domain/shared/domain-error';
import { customerId } from '../../../src/domain/shared/ids';
import { customer, T0, T1 } from './builders';

const MAX = Number.MAX_SAFE_INTEGER;

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
    expect(deposit(customer(100), 50, 100, T1)).toMatchObject({ balance: 150, updatedAt: T1 });
  });

  it.each([0, -5, 1.5])('refuses a deposit of %p', (amount) => {
    expect(() => deposit(customer(100), amount, 100, T1)).toThrow(ValidationError);
  });

  it('refuses a deposit that would pass the largest safe amount', () => {
    expect(() => deposit(customer(MAX), 1, MAX, T1)).toThrow(AmountTooLargeError);
  });

  it('refuses a deposit that would take what was ever credited past it, though the balance is lower', () => {
    // 1000 credited, 200 of it spent on an order that may still be cancelled and refunded.
    const spent = customer(800);

    expect(() => deposit(spent, MAX - 800, 1000, T1)).toThrow(
      expect.objectContaining({
        code: 'AMOUNT_TOO_LARGE',
        details: [{ path: 'amount', message: expect.any(String) }],
      }),
    );
    expect(deposit(spent, MAX - 1000, 1000, T1).balance).toBe(MAX - 200);
  });
});
