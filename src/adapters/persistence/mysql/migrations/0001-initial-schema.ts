import type { SqlMigration } from './sql-migration';

/*
 * Ids compare byte by byte (utf8mb4_bin), as the application compares strings: the lock order of
 * lockMany and the id tie-break of keyset pages are then the same everywhere. Emails and
 * idempotency keys are binary too: the domain normalises emails, and a key matches only itself.
 * Tables are IF NOT EXISTS so that a run interrupted half-way (DDL does not roll back) can go on.
 */
export const initialSchema: SqlMigration = {
  name: '0001-initial-schema',
  up: [
    `CREATE TABLE IF NOT EXISTS customers (
      id CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      name VARCHAR(255) NOT NULL,
      email VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      balance BIGINT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_customers_email (email),
      CONSTRAINT chk_customers_balance CHECK (balance >= 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,

    `CREATE TABLE IF NOT EXISTS products (
      id CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      name VARCHAR(255) NOT NULL,
      price BIGINT NOT NULL,
      stock BIGINT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      KEY idx_products_created (created_at, id),
      CONSTRAINT chk_products_price CHECK (price >= 0),
      CONSTRAINT chk_products_stock CHECK (stock >= 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,

    // idx_orders_customer_created serves a customer's newest-first pages (and the foreign key);
    // idx_orders_stalled serves both halves of findStalledWork as index ranges.
    `CREATE TABLE IF NOT EXISTS orders (
      id CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      customer_id CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      status VARCHAR(16) NOT NULL,
      total BIGINT NULL,
      failure_reason VARCHAR(32) NULL,
      idempotency_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
      request_fingerprint CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
      cancel_requested_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_orders_customer_idempotency_key (customer_id, idempotency_key),
      KEY idx_orders_customer_created (customer_id, created_at, id),
      KEY idx_orders_stalled (status, cancel_requested_at, created_at),
      CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,

    // line_no keeps the items in the order the client listed them.
    `CREATE TABLE IF NOT EXISTS order_items (
      order_id CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      product_id CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      line_no SMALLINT UNSIGNED NOT NULL,
      quantity INT NOT NULL,
      unit_price BIGINT NULL,
      PRIMARY KEY (order_id, product_id),
      KEY idx_order_items_product (product_id),
      CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id),
      CONSTRAINT fk_order_items_product FOREIGN KEY (product_id) REFERENCES products (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,

    // UNIQUE (order_id, kind): one debit and at most one refund per order; entries without an
    // order (opening balance, deposits) have a NULL order_id and never collide.
    `CREATE TABLE IF NOT EXISTS wallet_ledger (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      customer_id CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      order_id CHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
      kind VARCHAR(16) NOT NULL,
      amount BIGINT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_wallet_ledger_order_kind (order_id, kind),
      KEY idx_wallet_ledger_customer (customer_id, id),
      CONSTRAINT fk_wallet_ledger_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
      CONSTRAINT fk_wallet_ledger_order FOREIGN KEY (order_id) REFERENCES orders (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
