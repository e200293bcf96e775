import type { OrderId, ProductId } from '../shared/ids';
import type { Product } from './product';

/**
 * One stock movement. The sum of a product's movements equals its stock: the initial stock is a
 * movement too. An order takes each of its products at most once and gives it back at most once.
 */
export type InventoryMovementKind = 'INITIAL' | 'ADJUSTMENT' | 'ORDER' | 'ORDER_CANCEL';

/** The movements that bring stock in from outside: their sum is what was ever supplied. */
export const SUPPLY_KINDS: readonly InventoryMovementKind[] = ['INITIAL', 'ADJUSTMENT'];

export interface InventoryMovement {
  readonly productId: ProductId;
  readonly orderId: OrderId | null;
  readonly kind: InventoryMovementKind;
  /** Signed: stock added positive, stock taken negative. */
  readonly quantity: number;
  readonly createdAt: Date;
}

/** The stock a product was created with. */
export function initialStock(product: Product): InventoryMovement {
  return {
    productId: product.id,
    orderId: null,
    kind: 'INITIAL',
    quantity: product.stock,
    createdAt: product.createdAt,
  };
}

/** A change of stock by hand (a restock or a correction); null when the stock did not change. */
export function stockAdjustment(before: Product, after: Product): InventoryMovement | null {
  const delta = after.stock - before.stock;
  if (delta === 0) return null;
  return {
    productId: after.id,
    orderId: null,
    kind: 'ADJUSTMENT',
    quantity: delta,
    createdAt: after.updatedAt,
  };
}
