import type { SqlMigration } from './sql-migration';

/**
 * Runs `statement` when `table`.`column` is still of `dataType`: a run interrupted after an ALTER
 * committed but before the migration was recorded must be able to go on, and each ALTER below
 * moves its column to the next type. The statements share the migration's one connection, so the
 * session variable and the prepared statement carry from one to the next.
 */
function whenColumnIs(table: string, column: string, dataType: string, statement: string) {
  return [
    `SET @id_ddl = IF(
       EXISTS (SELECT 1 FROM information_schema.COLUMNS
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'
                 AND COLUMN_NAME = '${column}' AND DATA_TYPE = '${dataType}'),
       '${statement}',
       'DO 0')`,
    'PREPARE id_ddl FROM @id_ddl',
    'EXECUTE id_ddl',
    'DEALLOCATE PREPARE id_ddl',
  ];
}

/**
 * Drops `constraint` of `table` while its `column` is not yet binary. MySQL has no DROP FOREIGN KEY
 * IF EXISTS (as in 0004); and a key found on a binary column was re-added by a run interrupted
 * later, after the last ALTER of its table, which a resumed run does not repeat.
 */
function dropForeignKeyBeforeConversion(table: string, constraint: string, column: string) {
  return [
    `SET @id_ddl = IF(
       EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS
               WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'
                 AND CONSTRAINT_NAME = '${constraint}' AND CONSTRAINT_TYPE = 'FOREIGN KEY')
       AND NOT EXISTS (SELECT 1 FROM information_schema.COLUMNS
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'
                 AND COLUMN_NAME = '${column}' AND DATA_TYPE = 'binary'),
       'ALTER TABLE ${table} DROP FOREIGN KEY ${constraint}',
       'DO 0')`,
    'PREPARE id_ddl FROM @id_ddl',
    'EXECUTE id_ddl',
    'DEALLOCATE PREPARE id_ddl',
  ];
}

interface IdColumn {
  name: string;
  nullable?: boolean;
}

/**
 * One table's id columns from CHAR(36) text to the UUID's 16 bytes, in three steps, since neither
 * type holds the other's values: to VARBINARY(36) (the same bytes), each value UNHEXed in place
 * (only values still 36 long, so a resumed run converts nothing twice), then to BINARY(16), with
 * `more` (index and foreign-key changes) in that same last ALTER.
 */
function toBinaryIds(table: string, columns: IdColumn[], more: string[] = []): string[] {
  const [first] = columns;
  if (!first) throw new Error(`no id column for ${table}`);
  const modify = (type: string) =>
    columns.map((c) => `MODIFY ${c.name} ${type} ${c.nullable ? 'NULL' : 'NOT NULL'}`);
  return [
    ...whenColumnIs(
      table,
      first.name,
      'char',
      `ALTER TABLE ${table} ${modify('VARBINARY(36)').join(', ')}`,
    ),
    `UPDATE ${table}
     SET ${columns.map((c) => `${c.name} = UNHEX(REPLACE(${c.name}, '-', ''))`).join(', ')}
     WHERE LENGTH(${first.name}) = 36`,
    ...whenColumnIs(
      table,
      first.name,
      'varbinary',
      `ALTER TABLE ${table} ${[...modify('BINARY(16)'), ...more].join(', ')}`,
    ),
  ];
}

/*
 * Ids become UUIDv7 (time-ordered) stored as BINARY(16) instead of random UUIDv4 text in
 * CHAR(36): new rows append to each primary key and to every index that carries an id, instead of
 * landing on a random page of an index that no longer fits in memory, and each id takes 16 bytes
 * instead of 36 in every index that holds it. Existing ids keep their value: the UUID's bytes.
 *
 * Foreign keys are dropped first (MySQL changes no column that one uses) and re-added in each
 * child's last ALTER, without checking the rows again (foreign_key_checks = 0): the rows met these
 * same constraints before, and the conversion maps each id to one value.
 *
 * The index review, for a table larger than memory:
 * - the ledgers' credit indexes were (customer_id, kind, amount) and (product_id, kind, quantity):
 *   a debit or a movement landed at its amount's place within its customer's or product's range,
 *   anywhere in a hot product's thousands of pages. With the row id before the amount, each lands
 *   at the end of its (customer, kind) or (product, kind) range; the amount is still in the index,
 *   so the credit and supply sums stay index-only.
 * - kept: the order keys (orders, order_items, the ledgers' unique keys on order_id) now append;
 *   idx_orders_customer_created and idx_products_created append by time; idx_order_items_product
 *   appends within a product's range (its hidden order_id suffix); idx_orders_stalled's entries
 *   move, when an order settles, to the recent end of their status's range; the idempotency-key
 *   and email unique keys are on client-chosen values, which no key order can make sequential.
 */
export const binaryIds: SqlMigration = {
  name: '0005-binary-ids',
  up: [
    ...dropForeignKeyBeforeConversion('order_items', 'fk_order_items_order', 'order_id'),
    ...dropForeignKeyBeforeConversion('wallet_ledger', 'fk_wallet_ledger_customer', 'customer_id'),
    ...dropForeignKeyBeforeConversion('wallet_ledger', 'fk_wallet_ledger_order', 'order_id'),
    ...dropForeignKeyBeforeConversion(
      'inventory_ledger',
      'fk_inventory_ledger_product',
      'product_id',
    ),
    ...dropForeignKeyBeforeConversion('inventory_ledger', 'fk_inventory_ledger_order', 'order_id'),
    ...toBinaryIds('customers', [{ name: 'id' }]),
    ...toBinaryIds('products', [{ name: 'id' }]),
    ...toBinaryIds('orders', [{ name: 'id' }, { name: 'customer_id' }]),
    'SET SESSION foreign_key_checks = 0',
    ...toBinaryIds(
      'order_items',
      [{ name: 'order_id' }, { name: 'product_id' }],
      ['ADD CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id)'],
    ),
    ...toBinaryIds(
      'wallet_ledger',
      [{ name: 'customer_id' }, { name: 'order_id', nullable: true }],
      [
        'DROP KEY idx_wallet_ledger_customer_kind',
        'ADD KEY idx_wallet_ledger_customer_kind (customer_id, kind, id, amount)',
        'ADD CONSTRAINT fk_wallet_ledger_customer FOREIGN KEY (customer_id) REFERENCES customers (id)',
        'ADD CONSTRAINT fk_wallet_ledger_order FOREIGN KEY (order_id) REFERENCES orders (id)',
      ],
    ),
    ...toBinaryIds(
      'inventory_ledger',
      [{ name: 'product_id' }, { name: 'order_id', nullable: true }],
      [
        'DROP KEY idx_inventory_ledger_product_kind',
        'ADD KEY idx_inventory_ledger_product_kind (product_id, kind, id, quantity)',
        'ADD CONSTRAINT fk_inventory_ledger_product FOREIGN KEY (product_id) REFERENCES products (id)',
        'ADD CONSTRAINT fk_inventory_ledger_order FOREIGN KEY (order_id) REFERENCES orders (id)',
      ],
    ),
    'SET SESSION foreign_key_checks = 1',
  ],
};
