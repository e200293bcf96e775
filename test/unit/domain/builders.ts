import { createCustomer, type Customer } from '../../../src/domain/customer/customer';
import type { Order } from '../../../src/domain/order/order';
import { placeOrder } from '../../../src/domain/order/place-order';
import { createProduct, type Product } from '../../../src/domain/product/product';
import { customerId, orderId, productId } from '../../../src/domain/shared/ids';

export const T0 = new Date('2026-01-01T00:00:00.000Z');
export const T1 = new Date('2026-01-01T00:00:01.000Z');

export const product = (id: string, price: number, stock: number): Product =>
  createProduct({ id: productId(id), name: id, price, stock, now: T0 });

export const customer = (balance: number): Customer =>
  createCustomer({ id: customerId('c1'), name: 'Ada', email: 'ada@example.com', balance, now: T0 });

export const order = (lines: [string, number][]): Order =>
  placeOrder({
    id: orderId('o1'),
    customerId: customerId('c1'),
    lines: lines.map(([id, quantity]) => ({ productId: productId(id), quantity })),
    idempotencyKey: null,
    requestFingerprint: null,
    now: T0,
  });
