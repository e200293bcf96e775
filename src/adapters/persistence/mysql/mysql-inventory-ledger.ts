import type { RowDataPacket } from 'mysql2/promise';
import type { InventoryLedger } from '../../../application/ports/inventory-ledger';
import {
  SUPPLY_KINDS,
  type InventoryMovement,
  type InventoryMovementKind,
} from '../../../domain/product/inventory-movement';
import type { ProductId } from '../../../domain/shared/ids';
import { idToBinary, idToLookup } from './binary-id';
import type { Queryable } from './queryable';

interface InventoryMovementRecord {
  product_id: Buffer;
  order_id: Buffer | null;
  kind: InventoryMovementKind;
  quantity: number;
  created_at: Date;
}

/** SUM of a BIGINT is a DECIMAL, which the driver reads as a string. */
interface TotalRow extends RowDataPacket {
  total: string;
}

function toRow(movement: InventoryMovement): InventoryMovementRecord {
  return {
    product_id: idToBinary(movement.productId),
    order_id: movement.orderId === null ? null : idToBinary(movement.orderId),
    kind: movement.kind,
    quantity: movement.quantity,
    created_at: movement.createdAt,
  };
}

/**
 * Append-only. All of a transaction's movements go in one multi-row INSERT: the worker writes
 * one per order it settles, so a round trip per item would sit on its hot path. UNIQUE
 * (order_id, product_id, kind) lets an order take and give back each product once; a second row
 * is a bug upstream, so its error is left as the driver raised it.
 */
export class MysqlInventoryLedger implements InventoryLedger {
  constructor(private readonly db: Queryable) {}

  async append(movements: readonly InventoryMovement[]): Promise<void> {
    if (movements.length === 0) return;
    const rows = movements.map(toRow);
    await this.db.write(
      'INSERT INTO inventory_ledger (product_id, order_id, kind, quantity, created_at) VALUES ?',
      [rows.map((row) => [row.product_id, row.order_id, row.kind, row.quantity, row.created_at])],
    );
  }

  /** A range of idx_inventory_ledger_product_kind, read from the index alone. */
  async suppliedTotal(productId: ProductId): Promise<number> {
    const [row] = await this.db.select<TotalRow>(
      'SELECT COALESCE(SUM(quantity), 0) AS total FROM inventory_ledger WHERE product_id = ? AND kind IN (?)',
      [idToLookup(productId), [...SUPPLY_KINDS]],
    );
    return Number(row?.total ?? 0);
  }
}
