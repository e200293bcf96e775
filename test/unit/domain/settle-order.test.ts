import { settleOrder, settlementPlan } from '../../../src/domain/order/settle-order';
import { customer, order, product, T1 } from './builders';

describe('settleOrder', () => {
  it('completes: decrements stock, debits the wallet, records unit prices and total', () => {
    const result = settleOrder(
      order([
        ['p1', 2],
        ['p2', 1],
      ]),
      [product('p1', 300, 5), product('p2', 1000, 1)],
      customer(2000),
      T1,
    );
    expect(result.outcome).toBe('COMPLETED');
    if (result.outcome !== 'COMPLETED') return;
    expect(result.order).toMatchObject({ status: 'COMPLETED', total: 1600, updatedAt: T1 });
    expect(result.order.items.map((item) => item.unitPrice)).toEqual([300, 1000]);
    expect(result.products.map((p) => [p.id, p.stock])).toEqual([
      ['p1', 3],
      ['p2', 0],
    ]);
    expect(result.customer.balance).toBe(400);
    expect(result.walletEntry).toMatchObject({ kind: 'ORDER_DEBIT', amount: -1600, orderId: 'o1' });
    expect(result.movements).toEqual([
      { productId: 'p1', orderId: 'o1', kind: 'ORDER', quantity: -2, createdAt: T1 },
      { productId: 'p2', orderId: 'o1', kind: 'ORDER', quantity: -1, createdAt: T1 },
    ]);
  });

  it('completes when the balance equals the total exactly', () => {
    const result = settleOrder(order([['p1', 2]]), [product('p1', 50, 2)], customer(100), T1);
    expect(result.outcome).toBe('COMPLETED');
  });

  it('fails with INSUFFICIENT_STOCK and changes nothing when any item lacks stock', () => {
    const result = settleOrder(
      order([
        ['p1', 1],
        ['p2', 3],
      ]),
      [product('p1', 1, 10), product('p2', 1, 2)],
      customer(1000),
      T1,
    );
    expect(result).toEqual({
      outcome: 'FAILED',
      order: expect.objectContaining({
        status: 'FAILED',
        failureReason: 'INSUFFICIENT_STOCK',
        total: null,
      }),
    });
  });

  it('fails with INSUFFICIENT_FUNDS when the total exceeds the balance', () => {
    const result = settleOrder(order([['p1', 3]]), [product('p1', 100, 10)], customer(299), T1);
    expect(result.outcome).toBe('FAILED');
    expect(result.order.failureReason).toBe('INSUFFICIENT_FUNDS');
  });

  it('fails with INSUFFICIENT_FUNDS when the total is beyond any safe amount', () => {
    const huge = Number.MAX_SAFE_INTEGER;
    const result = settleOrder(
      order([['p1', 1000]]),
      [product('p1', huge, 1000)],
      customer(huge),
      T1,
    );
    expect(result.order.failureReason).toBe('INSUFFICIENT_FUNDS');
  });

  it('refuses to decide when a product row was not loaded', () => {
    expect(() => settleOrder(order([['p1', 1]]), [], customer(10), T1)).toThrow(/not loaded/);
  });
});

describe('settlementPlan', () => {
  it('settles a PENDING order, cancels one whose cancellation was requested, skips the rest', () => {
    const pending = order([['p1', 1]]);
    expect(settlementPlan(pending)).toBe('SETTLE');
    expect(settlementPlan({ ...pending, cancelRequestedAt: T1 })).toBe('CANCEL_PENDING');
    expect(settlementPlan({ ...pending, status: 'COMPLETED' })).toBe('NOTHING');
    expect(settlementPlan({ ...pending, status: 'FAILED' })).toBe('NOTHING');
  });
});
