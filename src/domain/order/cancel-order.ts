import type { Customer } from '../customer/customer';
import type { WalletEntry } from '../customer/wallet-entry';
import { addAmounts } from '../shared/money';
import type { InventoryMovement } from '../product/inventory-movement';
import type { Product } from '../product/product';
import type { Order } from './order';
import { OrderNotCancellableError } from './order.errors';

/**
 * Records that the client wants the order cancelled; a worker applies it. Asking again changes
 * nothing, so the first request's time is kept.
 */
export function requestCancellation(order: Order, now: Date): Order {
  if (order.status === 'FAILED' || order.status === 'CANCELLED') {
    throw new OrderNotCancellableError(order.status);
  }
  if (order.cancelRequestedAt) return order;
  return { ...order, cancelRequestedAt: now, updatedAt: now };
}

export type CancellationPlan = 'NOTHING' | 'CANCEL_PENDING' | 'REVERSE_COMPLETED';

export function cancellationPlan(order: Order): CancellationPlan {
  if (!order.cancelRequestedAt) return 'NOTHING';
  if (order.status === 'PENDING') return 'CANCEL_PENDING';
  if (order.status === 'COMPLETED') return 'REVERSE_COMPLETED';
  return 'NOTHING';
}

export function cancelPending(order: Order, now: Date): Order {
  return { ...order, status: 'CANCELLED', updatedAt: now };
}

export interface Reversal {
  order: Order;
  products: Product[];
  customer: Customer;
  walletEntry: WalletEntry;
  /** One ORDER_CANCEL movement of +quantity per item. */
  movements: InventoryMovement[];
}

/**
 * Undo a completed order: every item back in stock, the total back in the wallet. Neither sum can
 * pass MAX_AMOUNT: a balance plus the totals of its customer's COMPLETED orders is what was ever
 * credited, a stock plus the quantities of its product's COMPLETED orders is what was ever
 * supplied, and `deposit` and `changeProduct` keep both totals within MAX_AMOUNT. The checks stay
 * as a guard, for a total that passed it before deposits and restocks were bounded: such a sum
 * must fail the job, not store an unsafe number.
 */
export function reverseCompleted(
  order: Order,
  products: readonly Product[],
  customer: Customer,
  now: Date,
): Reversal {
  const total = order.total ?? 0;
  const byId = new Map(products.map((product) => [product.id, product]));
  return {
    order: { ...order, status: 'CANCELLED', updatedAt: now },
    products: order.items.map((item) => {
      const product = byId.get(item.productId);
      if (!product)
        throw new Error(`Product ${item.productId} of order ${order.id} was not loaded`);
      return {
        ...product,
        stock: addAmounts(product.stock, item.quantity, 'stock'),
        updatedAt: now,
      };
    }),
    customer: {
      ...customer,
      balance: addAmounts(customer.balance, total, 'balance'),
      updatedAt: now,
    },
    walletEntry: {
      customerId: customer.id,
      orderId: order.id,
      kind: 'ORDER_REFUND',
      amount: total,
      createdAt: now,
    },
    movements: order.items.map((item) => ({
      productId: item.productId,
      orderId: order.id,
      kind: 'ORDER_CANCEL',
      quantity: item.quantity,
      createdAt: now,
    })),
  };
}
