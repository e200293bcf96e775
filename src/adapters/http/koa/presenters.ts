import type { Customer } from '../../../domain/customer/customer';
import type { Order } from '../../../domain/order/order';
import type { Product } from '../../../domain/product/product';
import type { CustomerSchema, OrderSchema, ProductSchema } from './schemas';
import type { z } from './zod';

/**
 * Entities → the JSON of the contract, field by field: internal fields (idempotency key,
 * request fingerprint, cancellation request) never leak by accident.
 */

export function presentCustomer(customer: Customer): z.output<typeof CustomerSchema> {
  return {
    id: customer.id,
    name: customer.name,
    email: customer.email,
    balance: customer.balance,
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
  };
}

export function presentProduct(product: Product): z.output<typeof ProductSchema> {
  return {
    id: product.id,
    name: product.name,
    price: product.price,
    stock: product.stock,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}

type OrderJson = z.output<typeof OrderSchema>;

interface Line<P> {
  productId: string;
  quantity: number;
  unitPrice: P;
}

const priced = (lines: Line<number | null>[]): lines is Line<number>[] =>
  lines.every((line) => line.unitPrice !== null);
const unpriced = (lines: Line<number | null>[]): lines is Line<null>[] =>
  lines.every((line) => line.unitPrice === null);

function orderJson<S, P, T, F>(
  order: Order,
  state: { status: S; items: Line<P>[]; total: T; failureReason: F },
) {
  return {
    id: order.id,
    status: state.status,
    customerId: order.customerId,
    items: state.items,
    total: state.total,
    failureReason: state.failureReason,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

/**
 * The order in the shape its status promises (a COMPLETED order has a total, a FAILED one a
 * reason, …). An order that breaks those promises is a bug, answered as one rather than sent.
 */
export function presentOrder(order: Order): OrderJson {
  const { status, total, failureReason } = order;
  const items = order.items.map(({ productId, quantity, unitPrice }) => ({
    productId,
    quantity,
    unitPrice,
  }));
  if (status === 'PENDING' && total === null && failureReason === null && unpriced(items)) {
    return orderJson(order, { status, items, total, failureReason });
  }
  if (status === 'COMPLETED' && total !== null && failureReason === null && priced(items)) {
    return orderJson(order, { status, items, total, failureReason });
  }
  if (status === 'FAILED' && total === null && failureReason !== null && unpriced(items)) {
    return orderJson(order, { status, items, total, failureReason });
  }
  if (status === 'CANCELLED' && failureReason === null) {
    return orderJson(order, { status, items, total, failureReason });
  }
  throw new Error(
    `Order ${order.id} is ${status} with total ${total} and failure reason ${failureReason}`,
  );
}
