import type { SqlMigration } from './sql-migration';

/**
 * Drops `constraint` unless it is gone already: MySQL has no DROP FOREIGN KEY IF EXISTS, and a
 * run interrupted after one ALTER committed but before the migration was recorded must be able to
 * go on. The statements share the migration's one connection, so the session variable and the
 * prepared statement carry from one to the next.
 */
function dropForeignKeyIfPresent(table: string, constraint: string): string[] {
  return [
    `SET @fk_ddl = IF(
       EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS
               WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'
                 AND CONSTRAINT_NAME = '${constraint}' AND CONSTRAINT_TYPE = 'FOREIGN KEY'),
       'ALTER TABLE ${table} DROP FOREIGN KEY ${constraint}',
       'DO 0')`,
    'PREPARE fk_ddl FROM @fk_ddl',
    'EXECUTE fk_ddl',
    'DEALLOCATE PREPARE fk_ddl',
  ];
}

/*
 * An order's insert checked its customer and products through foreign keys, and InnoDB checks a
 * foreign key by share-locking the parent row: every insert batch then waited for the workers,
 * which hold the same few hot products (and their customers) exclusively until they commit, and
 * the workers for the inserts. Customers and products are never deleted (no code path deletes
 * one), so a reference that the insert's own transaction found is valid stays valid; the
 * insert checks them with plain reads, and the audit reports an order or item whose customer or
 * product is missing (`order-references-exist`). Their indexes stay: lists and the audit use them.
 */
export const noParentLocksOnOrderInsert: SqlMigration = {
  name: '0004-no-parent-locks-on-order-insert',
  up: [
    ...dropForeignKeyIfPresent('orders', 'fk_orders_customer'),
    ...dropForeignKeyIfPresent('order_items', 'fk_order_items_product'),
  ],
};
