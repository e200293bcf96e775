import type { SqlMigration } from './sql-migration';

/*
 * The stock ledger, and its rows for what happened before it existed, so that an existing
 * database satisfies "stock = sum of movements" from the start. An order that was completed (it
 * has a wallet debit) took its items when it was debited; one of those cancelled since gave them
 * back. What remains of today's stock is the initial stock: adjustments made before this
 * migration are folded into it. Each INSERT skips rows already there, so that a run interrupted
 * half-way (DDL does not roll back) can go on; it reads its own table through a derived table,
 * the one form of self-reference MySQL allows in INSERT … SELECT.
 */
export const inventoryLedger: SqlMigration = {
  name: '0002-inventory-ledger',
  up: [
    // UNIQUE (order_id, product_id, kind): an order takes each product once (ORDER) and gives it
    // back at most once (ORDER_CANCEL); initial stock and adjustments have a NULL order_id and
    // never collide. idx_inventory_ledger_product serves a product's sum.
    `CREATE TABLE IF NOT EXISTS inventory_ledger (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      product_id CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      order_id CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
      kind VARCHAR(16) NOT NULL,
      quantity BIGINT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_inventory_ledger_order_product_kind (order_id, product_id, kind),
      KEY idx_inventory_ledger_product (product_id, id),
      CONSTRAINT fk_inventory_ledger_product FOREIGN KEY (product_id) REFERENCES products (id),
      CONSTRAINT fk_inventory_ledger_order FOREIGN KEY (order_id) REFERENCES orders (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,

    `INSERT INTO inventory_ledger (product_id, order_id, kind, quantity, created_at)
     SELECT oi.product_id, oi.order_id, 'ORDER', -oi.quantity, debit.created_at
     FROM order_items oi
     JOIN orders o ON o.id = oi.order_id
     JOIN wallet_ledger debit ON debit.order_id = o.id AND debit.kind = 'ORDER_DEBIT'
     LEFT JOIN (SELECT order_id, product_id FROM inventory_ledger WHERE kind = 'ORDER') done
       ON done.order_id = oi.order_id AND done.product_id = oi.product_id
     WHERE o.status IN ('COMPLETED', 'CANCELLED') AND done.order_id IS NULL`,

    `INSERT INTO inventory_ledger (product_id, order_id, kind, quantity, created_at)
     SELECT oi.product_id, oi.order_id, 'ORDER_CANCEL', oi.quantity, o.updated_at
     FROM order_items oi
     JOIN orders o ON o.id = oi.order_id
     JOIN wallet_ledger debit ON debit.order_id = o.id AND debit.kind = 'ORDER_DEBIT'
     LEFT JOIN (SELECT order_id, product_id FROM inventory_ledger WHERE kind = 'ORDER_CANCEL') done
       ON done.order_id = oi.order_id AND done.product_id = oi.product_id
     WHERE o.status = 'CANCELLED' AND done.order_id IS NULL`,

    `INSERT INTO inventory_ledger (product_id, order_id, kind, quantity, created_at)
     SELECT p.id, NULL, 'INITIAL', p.stock - COALESCE(SUM(m.quantity), 0), p.created_at
     FROM products p
     LEFT JOIN (SELECT product_id FROM inventory_ledger WHERE kind = 'INITIAL') done
       ON done.product_id = p.id
     LEFT JOIN inventory_ledger m ON m.product_id = p.id
     WHERE done.product_id IS NULL
     GROUP BY p.id, p.stock, p.created_at`,
  ],
};
