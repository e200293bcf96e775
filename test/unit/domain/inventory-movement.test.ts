import { initialStock, stockAdjustment } from '../../../src/domain/product/inventory-movement';
import { changeProduct } from '../../../src/domain/product/product';
import { product, T0, T1 } from './builders';

describe('inventory movements of a product', () => {
  it('records the stock a product was created with as its INITIAL movement, even none', () => {
    expect(initialStock(product('p1', 100, 7))).toEqual({
      productId: 'p1',
      orderId: null,
      kind: 'INITIAL',
      quantity: 7,
      createdAt: T0,
    });
    expect(initialStock(product('p2', 100, 0))).toMatchObject({ kind: 'INITIAL', quantity: 0 });
  });

  it('records a restock and a reduction by hand as signed ADJUSTMENTs', () => {
    const lamp = product('p1', 100, 5);
    expect(stockAdjustment(lamp, changeProduct(lamp, { stock: 12 }, 5, T1))).toEqual({
      productId: 'p1',
      orderId: null,
      kind: 'ADJUSTMENT',
      quantity: 7,
      createdAt: T1,
    });
    expect(stockAdjustment(lamp, changeProduct(lamp, { stock: 0 }, 5, T1))).toMatchObject({
      kind: 'ADJUSTMENT',
      quantity: -5,
    });
  });

  it('records nothing when a change leaves the stock as it was', () => {
    const lamp = product('p1', 100, 5);
    expect(
      stockAdjustment(lamp, changeProduct(lamp, { price: 120, name: 'Lamp' }, 5, T1)),
    ).toBeNull();
    expect(stockAdjustment(lamp, changeProduct(lamp, { stock: 5 }, 5, T1))).toBeNull();
  });
});
