import type { SqlMigration } from './sql-migration';

/**
 * Runs `alteration` unless `table` already has `index`: MySQL has no ADD KEY IF NOT EXISTS, and a
 * run interrupted after the ALTER committed but before the migration was recorded must be able
 * to go on. The statements share the migration's one connection, so the session variable and the
 * prepared statement carry from one to the next.
 */
function alterUnlessIndexed(table: string, index: string, alteration: string): string[] {
  return [
    `SET @ledger_ddl = IF(
       EXISTS (SELECT 1 FROM information_schema.STATISTICS
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'
                 AND INDEX_NAME = '${index}'),
       'DO 0',
       '${alteration}')`,
    'PREPARE ledger_ddl FROM @ledger_ddl',
    'EXECUTE ledger_ddl',
    'DEALLOCATE PREPARE ledger_ddl',
  ];
}

/*
 * Deposits and stock changes read what was ever credited to a customer (OPENING + DEPOSIT) or
 * supplied to a product (INITIAL + ADJUSTMENT). Behind (customer_id, id) and (product_id, id) that
 * sum reads every row of the customer or product, a debit or a movement per order it was ever in,
 * from the table itself. Keyed by kind and carrying the amount, the new indexes answer it from a
 * few index entries. They replace the old ones rather than join them, so that the worker's hot
 * path, which inserts ledger rows, maintains no more indexes than before: they serve the foreign
 * keys and the audit's per-customer and per-product sums as well, and nothing reads a customer's
 * or product's rows in id order. Each ALTER adds and drops in one atomic statement.
 */
export const ledgerCreditIndexes: SqlMigration = {
  name: '0003-ledger-credit-indexes',
  up: [
    ...alterUnlessIndexed(
      'wallet_ledger',
      'idx_wallet_ledger_customer_kind',
      'ALTER TABLE wallet_ledger ADD KEY idx_wallet_ledger_customer_kind (customer_id, kind, amount), DROP KEY idx_wallet_ledger_customer',
    ),
    ...alterUnlessIndexed(
      'inventory_ledger',
      'idx_inventory_ledger_product_kind',
      'ALTER TABLE inventory_ledger ADD KEY idx_inventory_ledger_product_kind (product_id, kind, quantity), DROP KEY idx_inventory_ledger_product',
    ),
  ],
};
