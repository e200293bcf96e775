import type { InventoryMovement } from '../../domain/product/inventory-movement';

export interface InventoryLedger {
  /**
   * Appends the stock movements of one transaction, all or none (nothing for an empty list). An
   * order moves each product at most once each way: a second ORDER or ORDER_CANCEL row for the
   * same order and product is refused.
   */
  append(movements: readonly InventoryMovement[]): Promise<void>;
}
