import { changeProduct } from '../../../src/domain/product/product';
import { AmountTooLargeError } from '../../../src/domain/shared/domain-error';
import { product, T1 } from './builders';

const MAX = Number.MAX_SAFE_INTEGER;

describe('changeProduct', () => {
  it('changes the fields given and keeps the others', () => {
    expect(changeProduct(product('p1', 100, 5), { price: 120 }, 5, T1)).toMatchObject({
      name: 'p1',
      price: 120,
      stock: 5,
      updatedAt: T1,
    });
  });

  // 10 supplied, 2 of them in a completed order that may still be cancelled and given back.
  const lamp = product('p1', 100, 8);
  const supplied = 10;

  it('refuses a restock that would take what was ever supplied past 2^53 - 1', () => {
    expect(() => changeProduct(lamp, { stock: MAX - 1 }, supplied, T1)).toThrow(
      expect.objectContaining({
        code: 'AMOUNT_TOO_LARGE',
        details: [{ path: 'stock', message: expect.any(String) }],
      }),
    );
    expect(() => changeProduct(lamp, { stock: MAX, price: 1 }, supplied, T1)).toThrow(
      AmountTooLargeError,
    );
  });

  it('accepts a restock that takes what was ever supplied to exactly 2^53 - 1', () => {
    expect(changeProduct(lamp, { stock: MAX - 2 }, supplied, T1).stock).toBe(MAX - 2);
  });

  it('accepts lowering the stock, and changes that leave it, whatever was supplied', () => {
    const full = product('p1', 100, MAX);
    expect(changeProduct(full, { stock: MAX - 1 }, MAX + 2, T1).stock).toBe(MAX - 1);
    expect(changeProduct(full, { stock: MAX, price: 5 }, MAX + 2, T1).price).toBe(5);
  });
});
