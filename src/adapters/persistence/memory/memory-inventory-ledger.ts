import { SUPPLY_KINDS, type InventoryMovement } from '../../../domain/product/inventory-movement';
import type { ProductId } from '../../../domain/shared/ids';
import type { InventoryLedger } from '../../../application/ports/inventory-ledger';
import type { MemoryView } from './memory-view';

/** UNIQUE (order_id, product_id, kind), as MySQL reads it: rows without an order never collide. */
const movementKey = (movement: InventoryMovement): string | null =>
  movement.orderId === null
    ? null
    : JSON.stringify([movement.orderId, movement.productId, movement.kind]);

export class MemoryInventoryLedger implements InventoryLedger {
  constructor(private readonly view: MemoryView) {}

  /** Checks every row before writing any, as one multi-row INSERT fails or succeeds whole. */
  async append(movements: readonly InventoryMovement[]): Promise<void> {
    const orders = new Set(movements.map((movement) => movement.orderId));
    const taken = new Set(
      this.view
        .movements()
        .flatMap((row) => (orders.has(row.orderId) ? (movementKey(row) ?? []) : [])),
    );
    for (const movement of movements) {
      if (!Number.isSafeInteger(movement.quantity)) {
        throw new Error(`CHECK failed: quantity ${movement.quantity} is not an integer`);
      }
      if (!this.view.get('products', movement.productId)) {
        throw new Error(`FOREIGN KEY failed: product ${movement.productId}`);
      }
      if (movement.orderId !== null && !this.view.get('orders', movement.orderId)) {
        throw new Error(`FOREIGN KEY failed: order ${movement.orderId}`);
      }
      const key = movementKey(movement);
      if (key !== null && taken.has(key)) {
        throw new Error(
          `UNIQUE failed: ${movement.kind} of product ${movement.productId} in order ${movement.orderId}`,
        );
      }
      if (key !== null) taken.add(key);
    }
    this.view.appendMovements(movements);
  }

  async suppliedTotal(productId: ProductId): Promise<number> {
    return this.view
      .movements()
      .filter(
        (movement) => movement.productId === productId && SUPPLY_KINDS.includes(movement.kind),
      )
      .reduce((sum, movement) => sum + movement.quantity, 0);
  }
}
