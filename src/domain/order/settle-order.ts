import type { Customer } from '../customer/customer';
import type { WalletEntry } from '../customer/wallet-entry';
import type { InventoryMovement } from '../product/inventory-movement';
import type { Product } from '../product/product';
import type { FailureReason, Order } from './order';

/** What a worker must do with an order it took from the queue, judged from the locked row. */
export type SettlementPlan = 'NOTHING' | 'CANCEL_PENDING' | 'SETTLE';

export function settlementPlan(order: Order): SettlementPlan {
  if (order.status !== 'PENDING') return 'NOTHING';
  return order.cancelRequestedAt ? 'CANCEL_PENDING' : 'SETTLE';
}

export type Settlement =
  | {
      outcome: 'COMPLETED';
      order: Order;
      products: Product[];
      customer: Customer;
      walletEntry: WalletEntry;
      /** One ORDER movement of -quantity per item. */
      movements: InventoryMovement[];
    }
  | { outcome: 'FAILED'; order: Order };

function fail(order: Order, reason: FailureReason, now: Date): Settlement {
  return {
    outcome: 'FAILED',
    order: { ...order, status: 'FAILED', failureReason: reason, updatedAt: now },
  };
}

/**
 * The one decision of the service: given the order and the current rows of its products and
 * customer (read under lock), either everything is applied or nothing is.
 */
export function settleOrder(
  order: Order,
  products: readonly Product[],
  customer: Customer,
  now: Date,
): Settlement {
  const byId = new Map(products.map((product) => [product.id, product]));
  const lines = order.items.map((item) => {
    const product = byId.get(item.productId);
    if (!product) throw new Error(`Product ${item.productId} of order ${order.id} was not loaded`);
    return { item, product };
  });

  if (lines.some(({ item, product }) => product.stock < item.quantity)) {
    return fail(order, 'INSUFFICIENT_STOCK', now);
  }
  const total = lines.reduce((sum, { item, product }) => sum + item.quantity * product.price, 0);
  if (!Number.isSafeInteger(total) || total > customer.balance) {
    return fail(order, 'INSUFFICIENT_FUNDS', now);
  }

  return {
    outcome: 'COMPLETED',
    order: {
      ...order,
      status: 'COMPLETED',
      items: lines.map(({ item, product }) => ({ ...item, unitPrice: product.price })),
      total,
      updatedAt: now,
    },
    products: lines.map(({ item, product }) => ({
      ...product,
      stock: product.stock - item.quantity,
      updatedAt: now,
    })),
    customer: { ...customer, balance: customer.balance - total, updatedAt: now },
    walletEntry: {
      customerId: customer.id,
      orderId: order.id,
      kind: 'ORDER_DEBIT',
      amount: -total,
      createdAt: now,
    },
    movements: lines.map(({ item }) => ({
      productId: item.productId,
      orderId: order.id,
      kind: 'ORDER',
      quantity: -item.quantity,
      createdAt: now,
    })),
  };
}

/** The order could not be processed at all (its job was dead-lettered). */
export function failUnprocessable(order: Order, now: Date): Order {
  return { ...order, status: 'FAILED', failureReason: 'PROCESSING_ERROR', updatedAt: now };
}
