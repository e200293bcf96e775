import { placeOrder } from '../../../src/domain/order/place-order';
import { ValidationError } from '../../../src/domain/shared/domain-error';
import { customerId, orderId, productId } from '../../../src/domain/shared/ids';
import { T0 } from './builders';

const place = (lines: { productId: string; quantity: number }[]) =>
  placeOrder({
    id: orderId('o1'),
    customerId: customerId('c1'),
    lines: lines.map((line) => ({ ...line, productId: productId(line.productId) })),
    idempotencyKey: null,
    requestFingerprint: null,
    now: T0,
  });

describe('placeOrder', () => {
  it('creates a PENDING order with no prices yet', () => {
    expect(place([{ productId: 'p1', quantity: 2 }])).toMatchObject({
      status: 'PENDING',
      total: null,
      failureReason: null,
      items: [{ productId: 'p1', quantity: 2, unitPrice: null }],
    });
  });

  it.each([
    ['no items', [], 'items'],
    ['a zero quantity', [{ productId: 'p1', quantity: 0 }], 'items.0.quantity'],
    ['a quantity over 1000', [{ productId: 'p1', quantity: 1001 }], 'items.0.quantity'],
    ['a fractional quantity', [{ productId: 'p1', quantity: 1.5 }], 'items.0.quantity'],
    [
      'a repeated product',
      [
        { productId: 'p1', quantity: 1 },
        { productId: 'p1', quantity: 2 },
      ],
      'items.1.productId',
    ],
    [
      '101 items',
      Array.from({ length: 101 }, (_, i) => ({ productId: `p${i}`, quantity: 1 })),
      'items',
    ],
  ])('refuses %s', (_name, lines, path) => {
    let error: unknown;
    try {
      place(lines);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details.map((d) => d.path)).toContain(path);
  });
});
