import type { Customer } from '../../domain/customer/customer';
import type { WalletEntry } from '../../domain/customer/wallet-entry';
import type { Order } from '../../domain/order/order';
import type { InventoryMovement } from '../../domain/product/inventory-movement';
import type { Product } from '../../domain/product/product';
import type { ProductId } from '../../domain/shared/ids';
import type { Transaction } from '../ports/unit-of-work';

/** What completing or reversing an order writes: every part of it in one transaction. */
export interface OrderChange {
  order: Order;
  products: readonly Product[];
  customer: Customer;
  walletEntry: WalletEntry;
  movements: readonly InventoryMovement[];
}

/**
 * The worker's one global lock order, after the order row itself: its products in ascending id
 * order, then its customer. Every transaction that moves stock or money takes locks this way, so
 * two of them wait for each other instead of deadlocking.
 */
export async function lockOrderParties(
  tx: Transaction,
  order: Order,
): Promise<{ products: Product[]; customer: Customer }> {
  const products = await tx.products.lockMany(order.items.map((item) => item.productId));
  const customer = await tx.customers.lockById(order.customerId);
  if (!customer) throw new Error(`Customer ${order.customerId} of order ${order.id} is missing`);
  return { products, customer };
}

/** Writes a decided change; returns the products whose cached copies are now stale. */
export async function writeOrderChange(tx: Transaction, change: OrderChange): Promise<ProductId[]> {
  await tx.products.updateStocks(change.products);
  await tx.customers.update(change.customer);
  await tx.ledger.append(change.walletEntry);
  await tx.inventory.append(change.movements);
  await tx.orders.update(change.order);
  return change.products.map((product) => product.id);
}
