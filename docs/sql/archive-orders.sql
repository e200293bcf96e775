-- Moves settled orders placed before a cutoff, with their items and ledger rows, to archive
-- tables, a batch per transaction, while the service runs. README, "Growth", says when and why.
--
--   mariadb orders < docs/sql/archive-orders.sql          -- once: the tables and the procedure
--   mariadb orders -e "CALL archive_orders('2026-01-01', 1000)"
--
-- Settled: FAILED, CANCELLED, or COMPLETED with no cancellation asked for. PENDING orders and
-- completed ones whose cancellation the worker has yet to apply stay where the service works on them.
--
-- The ledgers keep their sums. A customer's balance is the sum of its wallet ledger and a
-- product's stock the sum of its movements: the rows archived with an order are replaced by one
-- ARCHIVED row per customer (and per product) that carries their sum, and grows with each batch.
-- The service never writes or reads that kind; the audit (npm run audit) counts it where it
-- recomputes balances and stock from orders. Deposits and restocks are never archived.
--
-- The archive tables are made LIKE the live ones when first needed: run the script again after a
-- migration changes the live tables, and move an existing archive to the new types by hand.

CREATE TABLE IF NOT EXISTS archived_orders LIKE orders;
CREATE TABLE IF NOT EXISTS archived_order_items LIKE order_items;
CREATE TABLE IF NOT EXISTS archived_wallet_ledger LIKE wallet_ledger;
CREATE TABLE IF NOT EXISTS archived_inventory_ledger LIKE inventory_ledger;

DELIMITER //

CREATE OR REPLACE PROCEDURE archive_orders(IN cutoff DATETIME(3), IN batch_size INT)
BEGIN
  DECLARE moved INT DEFAULT 1;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    RESIGNAL;
  END;

  -- No gap locks: a batch locks the orders it moves and nothing around them, so the service's
  -- inserts never wait for it.
  SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;

  -- Made from the live tables, so that the ids have whatever type the schema gives them.
  CREATE OR REPLACE TEMPORARY TABLE archive_batch ENGINE=InnoDB
    SELECT id FROM orders LIMIT 0;
  CREATE OR REPLACE TEMPORARY TABLE archive_wallet_sums ENGINE=InnoDB
    SELECT customer_id, amount FROM wallet_ledger LIMIT 0;
  CREATE OR REPLACE TEMPORARY TABLE archive_stock_sums ENGINE=InnoDB
    SELECT product_id, quantity FROM inventory_ledger LIMIT 0;

  WHILE moved > 0 DO
    START TRANSACTION;
    DELETE FROM archive_batch;
    DELETE FROM archive_wallet_sums;
    DELETE FROM archive_stock_sums;

    -- Locked, so that a cancellation asked for meanwhile waits, then finds the order gone (404)
    -- rather than being recorded on an order this batch moves.
    INSERT INTO archive_batch (id)
      SELECT id FROM orders
      WHERE created_at < cutoff
        AND (status IN ('FAILED', 'CANCELLED')
             OR (status = 'COMPLETED' AND cancel_requested_at IS NULL))
      LIMIT batch_size
      FOR UPDATE;
    SET moved = ROW_COUNT();

    INSERT INTO archived_orders
      SELECT o.* FROM orders o JOIN archive_batch b ON b.id = o.id;
    INSERT INTO archived_order_items
      SELECT i.* FROM order_items i JOIN archive_batch b ON b.id = i.order_id;
    INSERT INTO archived_wallet_ledger
      SELECT l.* FROM wallet_ledger l JOIN archive_batch b ON b.id = l.order_id;
    INSERT INTO archived_inventory_ledger
      SELECT m.* FROM inventory_ledger m JOIN archive_batch b ON b.id = m.order_id;

    INSERT INTO archive_wallet_sums (customer_id, amount)
      SELECT l.customer_id, SUM(l.amount) FROM wallet_ledger l
      JOIN archive_batch b ON b.id = l.order_id
      GROUP BY l.customer_id;
    INSERT INTO archive_stock_sums (product_id, quantity)
      SELECT m.product_id, SUM(m.quantity) FROM inventory_ledger m
      JOIN archive_batch b ON b.id = m.order_id
      GROUP BY m.product_id;

    UPDATE wallet_ledger l JOIN archive_wallet_sums s ON s.customer_id = l.customer_id
      SET l.amount = l.amount + s.amount
      WHERE l.kind = 'ARCHIVED';
    INSERT INTO wallet_ledger (customer_id, order_id, kind, amount, created_at)
      SELECT s.customer_id, NULL, 'ARCHIVED', s.amount, cutoff FROM archive_wallet_sums s
      WHERE NOT EXISTS (SELECT 1 FROM wallet_ledger l
                        WHERE l.customer_id = s.customer_id AND l.kind = 'ARCHIVED');
    UPDATE inventory_ledger m JOIN archive_stock_sums s ON s.product_id = m.product_id
      SET m.quantity = m.quantity + s.quantity
      WHERE m.kind = 'ARCHIVED';
    INSERT INTO inventory_ledger (product_id, order_id, kind, quantity, created_at)
      SELECT s.product_id, NULL, 'ARCHIVED', s.quantity, cutoff FROM archive_stock_sums s
      WHERE NOT EXISTS (SELECT 1 FROM inventory_ledger m
                        WHERE m.product_id = s.product_id AND m.kind = 'ARCHIVED');

    -- Children first: the ledgers and the items reference the orders.
    DELETE l FROM wallet_ledger l JOIN archive_batch b ON b.id = l.order_id;
    DELETE m FROM inventory_ledger m JOIN archive_batch b ON b.id = m.order_id;
    DELETE i FROM order_items i JOIN archive_batch b ON b.id = i.order_id;
    DELETE o FROM orders o JOIN archive_batch b ON b.id = o.id;
    COMMIT;
  END WHILE;

  DROP TEMPORARY TABLE archive_batch, archive_wallet_sums, archive_stock_sums;
END //

DELIMITER ;
