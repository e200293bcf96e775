import {
  cancellationPlan,
  cancelPending,
  requestCancellation,
  reverseCompleted,
} from '../../../src/domain/order/cancel-order';
import { OrderNotCancellableError } from '../../../src/domain/order/order.errors';
import { settleOrder } from '../../../src/domain/order/settle-order';
import { customer, order, product, T0, T1 } from './builders';

const MAX = Number.MAX_SAFE_INTEGER;

describe('requestCancellation', () => {
  it('records the first request time and keeps it on later requests', () => {
    const requested = requestCancellation(order([['p1', 1]]), T0);
    expect(requested.cancelRequestedAt).toEqual(T0);
    expect(requestCancellation(requested, T1)).toBe(requested);
  });

  it.each(['FAILED', 'CANCELLED'] as const)('refuses a %s order', (status) => {
    expect(() => requestCancellation({ ...order([['p1', 1]]), status }, T1)).toThrow(
      OrderNotCancellableError,
    );
  });

  it('accepts a COMPLETED order', () => {
    const completed = { ...order([['p1', 1]]), status: 'COMPLETED' as const };
    expect(requestCancellation(completed, T1).cancelRequestedAt).toEqual(T1);
  });
});

describe('cancellation of a requested order', () => {
  const requested = { ...order([['p1', 2]]), cancelRequestedAt: T0 };

  it('plans by status', () => {
    expect(cancellationPlan(order([['p1', 1]]))).toBe('NOTHING');
    expect(cancellationPlan(requested)).toBe('CANCEL_PENDING');
    expect(cancellationPlan({ ...requested, status: 'COMPLETED' })).toBe('REVERSE_COMPLETED');
    expect(cancellationPlan({ ...requested, status: 'CANCELLED' })).toBe('NOTHING');
  });

  it('cancels a pending order with nothing to undo', () => {
    expect(cancelPending(requested, T1)).toMatchObject({ status: 'CANCELLED', total: null });
  });

  it('reverses a completed order: restock, refund, one refund entry', () => {
    const settled = settleOrder(requested, [product('p1', 100, 5)], customer(1000), T0);
    if (settled.outcome !== 'COMPLETED') throw new Error('expected completion');
    const reversal = reverseCompleted(settled.order, settled.products, settled.customer, T1);
    expect(reversal.order.status).toBe('CANCELLED');
    expect(reversal.products[0]?.stock).toBe(5);
    expect(reversal.customer.balance).toBe(1000);
    expect(reversal.walletEntry).toMatchObject({ kind: 'ORDER_REFUND', amount: 200 });
    expect(reversal.movements).toEqual([
      { productId: 'p1', orderId: 'o1', kind: 'ORDER_CANCEL', quantity: 2, createdAt: T1 },
    ]);
  });

  it('refunds and restocks up to exactly 2^53 - 1', () => {
    const settled = settleOrder(requested, [product('p1', 100, 5)], customer(1000), T0);
    if (settled.outcome !== 'COMPLETED') throw new Error('expected completion');
    const full = {
      customer: { ...settled.customer, balance: MAX - 200 },
      products: [{ ...settled.products[0]!, stock: MAX - 2 }],
    };

    const reversal = reverseCompleted(settled.order, full.products, full.customer, T1);

    expect(reversal.customer.balance).toBe(MAX);
    expect(reversal.products[0]?.stock).toBe(MAX);
  });

  // Deposits and restocks keep these states out of reach; if one were reached anyway, the
  // reversal must fail rather than store an unsafe number.
  it.each([
    ['balance', MAX - 199, 3],
    ['stock', 800, MAX - 1],
  ])('refuses to push the %s past 2^53 - 1', (path, balance, stock) => {
    const settled = settleOrder(requested, [product('p1', 100, 5)], customer(1000), T0);
    if (settled.outcome !== 'COMPLETED') throw new Error('expected completion');
    const customerNow = { ...settled.customer, balance };
    const productsNow = [{ ...settled.products[0]!, stock }];

    expect(() => reverseCompleted(settled.order, productsNow, customerNow, T1)).toThrow(
      expect.objectContaining({
        code: 'AMOUNT_TOO_LARGE',
        details: [expect.objectContaining({ path })],
      }),
    );
  });
});
