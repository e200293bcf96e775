import type { InventoryMovement } from '../../domain/product/inventory-movement';
import type { ProductId } from '../../domain/shared/ids';

export interface InventoryLedger {
  /**
   * Appends the stock movements of one transaction, all or none (nothing for an empty list). An
   * order moves each product at most once each way: a second ORDER or ORDER_CANCEL row for the
   * same order and product is refused.
   */
  append(movements: readonly InventoryMovement[]): Promise<void>;

  /**
   * All the stock the product was ever given: the sum of its INITIAL and ADJUSTMENT movements, 0
   * when it has none. Read it in the transaction that holds the product's row lock: changes of
   * stock take that lock too, so none can land between the read and the commit.
   */
  suppliedTotal(productId: ProductId): Promise<number>;
}
