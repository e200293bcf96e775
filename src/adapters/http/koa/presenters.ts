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

export function presentOrder(order: Order): z.output<typeof OrderSchema> {
  return {
    id: order.id,
    status: order.status,
    customerId: order.customerId,
    items: order.items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      unitPrice: item.unitPrice,
    })),
    total: order.total,
    failureReason: order.failureReason,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
