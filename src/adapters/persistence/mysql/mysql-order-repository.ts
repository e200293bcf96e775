import type { RowDataPacket } from 'mysql2/promise';
import type { OrderJob } from '../../../application/ports/order-queue';
import type { InsertRefusal, OrderRepository } from '../../../application/ports/order-repository';
import type { FailureReason, Order, OrderItem, OrderStatus } from '../../../domain/order/order';
import {
  customerId,
  orderId,
  productId,
  type CustomerId,
  type OrderId,
} from '../../../domain/shared/ids';
import { UnknownCustomerError } from '../../../domain/customer/customer.errors';
import { unknownProductsError } from '../../../domain/product/product.errors';
import { toPage, type Page, type PageRequest } from '../../../domain/shared/page';
import { idFromBinary, idToBinary, idToLookup } from './binary-id';
import { olderThanCursor } from './keyset';
import type { Queryable } from './queryable';
import { valueById } from './value-by-id';

interface OrderRecord {
  id: Buffer;
  customer_id: Buffer;
  status: OrderStatus;
  total: number | null;
  failure_reason: FailureReason | null;
  idempotency_key: string | null;
  request_fingerprint: string | null;
  cancel_requested_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface OrderRow extends OrderRecord, RowDataPacket {}

/** An order row joined with one of its items; the item columns are null for an order without any. */
interface OrderWithItemRow extends OrderRow {
  item_product_id: Buffer | null;
  item_quantity: number | null;
  item_unit_price: number | null;
  item_line_no: number | null;
}

interface ItemRow extends RowDataPacket {
  order_id: Buffer;
  product_id: Buffer;
  quantity: number;
  unit_price: number | null;
}

interface IdRow extends RowDataPacket {
  id: Buffer;
}

interface StalledRow extends RowDataPacket {
  id: Buffer;
  since: Date;
}

const ORDER_COLUMNS = [
  'id',
  'customer_id',
  'status',
  'total',
  'failure_reason',
  'idempotency_key',
  'request_fingerprint',
  'cancel_requested_at',
  'created_at',
  'updated_at',
] as const;

/** What `update` writes of an order row. */
const UPDATED_COLUMNS = [
  'status',
  'total',
  'failure_reason',
  'cancel_requested_at',
  'updated_at',
] as const;

/**
 * Orders with their items in one round trip; `o` is the order. No ORDER BY: sorting a join's rows
 * would cost the server a temporary table per read, so fromJoinedRows puts items in line order.
 */
const SELECT_ORDER_WITH_ITEMS = `
  SELECT ${ORDER_COLUMNS.map((column) => `o.${column}`).join(', ')},
         i.product_id AS item_product_id, i.quantity AS item_quantity,
         i.unit_price AS item_unit_price, i.line_no AS item_line_no
  FROM orders o LEFT JOIN order_items i ON i.order_id = o.id`;

function toRow(order: Order): OrderRecord {
  return {
    id: idToBinary(order.id),
    customer_id: idToBinary(order.customerId),
    status: order.status,
    total: order.total,
    failure_reason: order.failureReason,
    idempotency_key: order.idempotencyKey,
    request_fingerprint: order.requestFingerprint,
    cancel_requested_at: order.cancelRequestedAt,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
  };
}

function fromRow(row: OrderRecord, items: OrderItem[]): Order {
  return {
    id: orderId(idFromBinary(row.id)),
    customerId: customerId(idFromBinary(row.customer_id)),
    status: row.status,
    items,
    total: row.total,
    failureReason: row.failure_reason,
    idempotencyKey: row.idempotency_key,
    requestFingerprint: row.request_fingerprint,
    cancelRequestedAt: row.cancel_requested_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function itemFromRow(row: {
  product_id: Buffer;
  quantity: number;
  unit_price: number | null;
}): OrderItem {
  return {
    productId: productId(idFromBinary(row.product_id)),
    quantity: row.quantity,
    unitPrice: row.unit_price,
  };
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** Rows of orders joined with their items (see SELECT_ORDER_WITH_ITEMS), in ascending id order. */
function fromJoinedRows(rows: OrderWithItemRow[]): Order[] {
  const byOrder = new Map<string, OrderWithItemRow[]>();
  for (const row of rows) {
    const id = idFromBinary(row.id);
    byOrder.set(id, [...(byOrder.get(id) ?? []), row]);
  }
  return [...byOrder.entries()].sort(byKey).map(([, orderRows]) => {
    orderRows.sort((a, b) => (a.item_line_no ?? 0) - (b.item_line_no ?? 0));
    const items = orderRows.flatMap((row) =>
      row.item_product_id === null
        ? []
        : [
            itemFromRow({
              product_id: row.item_product_id,
              // NOT NULL in order_items: null here only when the LEFT JOIN found no item at all.
              quantity: row.item_quantity as number,
              unit_price: row.item_unit_price,
            }),
          ],
    );
    return fromRow(orderRows[0] as OrderWithItemRow, items);
  });
}

/**
 * What the unique key on (customer_id, idempotency_key) compares, null for an order without a key.
 * utf8mb4_bin pads with spaces, so 'k' and 'k ' are one key.
 */
const keyOf = (order: Order): string | null =>
  order.idempotencyKey === null
    ? null
    : JSON.stringify([order.customerId, order.idempotencyKey.replace(/ +$/, '')]);

/** The distinct values, sorted: the order in which rows are locked. */
function sortedUnique<T extends string>(values: readonly T[]): T[] {
  return [...new Set(values)].sort();
}

/** Keyed by product, as the item rows are: what updateMany compares before it writes them. */
const pricesOf = (order: Order) =>
  JSON.stringify(order.items.map((item) => [item.productId, item.unitPrice]));

export interface MysqlOrderRepositoryOptions {
  /** Bound to one transaction's connection (mysql-unit-of-work.ts), whose row locks it may rely on. */
  inTransaction: boolean;
}

export class MysqlOrderRepository implements OrderRepository {
  /**
   * In a transaction: the item prices of the orders this repository read under lock or wrote.
   * While the locks hold they are what the table has, so updateMany writes prices only where they
   * differ: only a completion sets them, and a cancellation, a refund or a failure then costs no
   * item write. Outside one (statements that commit on their own hold no lock) it is null, and
   * every update writes them.
   */
  private readonly lockedPrices: Map<OrderId, string> | null;

  constructor(
    private readonly db: Queryable,
    options: MysqlOrderRepositoryOptions = { inTransaction: false },
  ) {
    this.lockedPrices = options.inTransaction ? new Map() : null;
  }

  async findById(id: OrderId): Promise<Order | null> {
    const rows = await this.db.select<OrderWithItemRow>(
      `${SELECT_ORDER_WITH_ITEMS} WHERE o.id = ?`,
      [idToLookup(id)],
    );
    return fromJoinedRows(rows)[0] ?? null;
  }

  /** Locks the order row and its item rows: only this order's transaction writes either. */
  async lockById(id: OrderId): Promise<Order | null> {
    const rows = await this.db.select<OrderWithItemRow>(
      `${SELECT_ORDER_WITH_ITEMS} WHERE o.id = ? FOR UPDATE`,
      [idToLookup(id)],
    );
    return this.rememberPrices(fromJoinedRows(rows))[0] ?? null;
  }

  async lockMany(ids: readonly OrderId[]): Promise<Order[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.select<OrderWithItemRow>(
      `${SELECT_ORDER_WITH_ITEMS} WHERE o.id IN (?) FOR UPDATE`,
      [sortedUnique(ids).map(idToLookup)],
    );
    return this.rememberPrices(fromJoinedRows(rows));
  }

  async findByIdempotencyKey(customer: CustomerId, key: string): Promise<Order | null> {
    const rows = await this.db.select<OrderWithItemRow>(
      `${SELECT_ORDER_WITH_ITEMS} WHERE o.customer_id = ? AND o.idempotency_key = ?`,
      [idToLookup(customer), key],
    );
    return fromJoinedRows(rows)[0] ?? null;
  }

  async listByCustomer(customer: CustomerId, page: PageRequest): Promise<Page<Order>> {
    const older = olderThanCursor(page);
    const rows = await this.db.select<OrderRow>(
      `SELECT ${ORDER_COLUMNS.join(', ')} FROM orders WHERE customer_id = ? AND ${older.sql}
       ORDER BY created_at DESC, id DESC LIMIT ?`,
      [idToLookup(customer), ...older.values, page.limit + 1],
    );
    const items = await this.itemsOf(rows.map((row) => row.id));
    return toPage(
      rows.map((row) => fromRow(row, items.get(idFromBinary(row.id)) ?? [])),
      page.limit,
    );
  }

  /**
   * Checks the orders' keys and references as it stores them, for any number of orders in four
   * statements (five when some carry an idempotency key): plain reads of their products, their
   * customers and the orders holding their keys tell which exist, then the orders free to store
   * are stored with one multi-row INSERT per table. Customers and products are never deleted, so
   * what the reads found stays valid, and no lock is taken on them: a share lock would wait for
   * the workers, which hold the hot products exclusively (migration 0004 dropped the foreign keys
   * that took one). A key stored by another transaction after the read fails the INSERT on the
   * unique key (IdempotencyKeyTakenError).
   */
  async insertMany(orders: readonly Order[]): Promise<(InsertRefusal | null)[]> {
    if (orders.length === 0) return [];
    return this.db.atomically(async (tx) => {
      const productIds = sortedUnique(
        orders.flatMap((order) => order.items.map((i) => i.productId)),
      );
      const customerIds = sortedUnique(orders.map((order) => order.customerId));
      const keys = orders.flatMap((order) =>
        order.idempotencyKey === null ? [] : [[idToLookup(order.customerId), order.idempotencyKey]],
      );
      const [products, customers, keyHolders] = await Promise.all([
        productIds.length === 0
          ? []
          : tx.select<IdRow>('SELECT id FROM products WHERE id IN (?)', [
              productIds.map(idToLookup),
            ]),
        tx.select<IdRow>('SELECT id FROM customers WHERE id IN (?)', [customerIds.map(idToLookup)]),
        keys.length === 0
          ? []
          : tx.select<OrderWithItemRow>(
              `${SELECT_ORDER_WITH_ITEMS} WHERE (o.customer_id, o.idempotency_key) IN (?)`,
              [keys],
            ),
      ]);
      const existingProducts = new Set(products.map((row) => productId(idFromBinary(row.id))));
      const existingCustomers = new Set(customers.map((row) => idFromBinary(row.id)));
      const holders = new Map(fromJoinedRows(keyHolders).map((order) => [keyOf(order), order]));
      const outcomes = orders.map((order): InsertRefusal | null => {
        const key = keyOf(order);
        const holder = key === null ? undefined : holders.get(key);
        if (holder) return { takenBy: holder };
        const refusal =
          unknownProductsError(
            order.items.map((item) => item.productId),
            existingProducts,
          ) ??
          (existingCustomers.has(order.customerId) ? null : new UnknownCustomerError('customerId'));
        if (refusal === null && key !== null) holders.set(key, order);
        return refusal;
      });
      const stored = orders.filter((_, index) => outcomes[index] === null);
      if (stored.length === 0) return outcomes;

      await tx.write(`INSERT INTO orders (${ORDER_COLUMNS.join(', ')}) VALUES ?`, [
        stored.map((order) => {
          const row = toRow(order);
          return ORDER_COLUMNS.map((column) => row[column]);
        }),
      ]);
      const items = stored.flatMap((order) =>
        order.items.map((item, index) => [
          idToBinary(order.id),
          index,
          idToBinary(item.productId),
          item.quantity,
          item.unitPrice,
        ]),
      );
      if (items.length > 0) {
        await tx.write(
          'INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) VALUES ?',
          [items],
        );
      }
      return outcomes;
    });
  }

  async update(order: Order): Promise<void> {
    await this.updateMany([order]);
  }

  /**
   * Two single-table UPDATEs in one transaction, each row's values picked by its key (valueById):
   * the order rows, then the unit prices of the items whose prices may have changed (see
   * lockedPrices). (One multi-table UPDATE of both would make the server collect the item rows in
   * a temporary table first, for every call.)
   */
  async updateMany(orders: readonly Order[]): Promise<void> {
    if (orders.length === 0) return;
    const withPricesToWrite = orders.filter(
      (order) => this.lockedPrices?.get(order.id) !== pricesOf(order),
    );
    const rows = orders.map(toRow);
    const ids = rows.map((row) => row.id);
    const assignments = UPDATED_COLUMNS.map((column) => ({
      column,
      ...valueById(
        'id',
        rows.map((row) => [row.id, row[column]]),
      ),
    }));
    const items = withPricesToWrite.flatMap((order) =>
      order.items.map((item) => [idToBinary(order.id), idToBinary(item.productId), item.unitPrice]),
    );
    await this.db.atomically(async (tx) => {
      await tx.write(
        `UPDATE orders SET ${assignments.map(({ column, sql }) => `${column} = ${sql}`).join(', ')}
       WHERE id IN (?)`,
        [...assignments.flatMap(({ values }) => values), ids],
      );
      if (items.length === 0) return;
      await tx.write(
        `UPDATE order_items
         SET unit_price = CASE ${items.map(() => 'WHEN order_id = ? AND product_id = ? THEN ?').join(' ')}
                          ELSE unit_price END
         WHERE order_id IN (?)`,
        [...items.flat(), withPricesToWrite.map((order) => idToBinary(order.id))],
      );
    });
    this.rememberPrices(withPricesToWrite);
  }

  /**
   * Two index range scans on (status, cancel_requested_at, created_at): orders never asked to be
   * cancelled that are still PENDING, and open orders whose cancellation is waiting. Each is
   * bounded by `limit`; the merge keeps the oldest.
   */
  async findStalledWork(before: Date, limit: number): Promise<OrderJob[]> {
    if (limit <= 0) return [];
    const [placements, cancellations] = await Promise.all([
      this.db.select<StalledRow>(
        `SELECT id, created_at AS since FROM orders
         WHERE status = 'PENDING' AND cancel_requested_at IS NULL AND created_at < ?
         ORDER BY created_at, id LIMIT ?`,
        [before, limit],
      ),
      this.db.select<StalledRow>(
        `SELECT id, cancel_requested_at AS since FROM orders
         WHERE status IN ('PENDING', 'COMPLETED') AND cancel_requested_at < ?
         ORDER BY cancel_requested_at, id LIMIT ?`,
        [before, limit],
      ),
    ]);
    const jobs = [
      ...placements.map((row) => ({ kind: 'PLACE' as const, row })),
      ...cancellations.map((row) => ({ kind: 'CANCEL' as const, row })),
    ];
    return jobs
      .sort(
        (a, b) =>
          a.row.since.getTime() - b.row.since.getTime() || Buffer.compare(a.row.id, b.row.id),
      )
      .slice(0, limit)
      .map(({ kind, row }) => ({ kind, orderId: orderId(idFromBinary(row.id)) }));
  }

  private rememberPrices(orders: Order[]): Order[] {
    for (const order of orders) this.lockedPrices?.set(order.id, pricesOf(order));
    return orders;
  }

  private async itemsOf(ids: readonly Buffer[]): Promise<Map<string, OrderItem[]>> {
    const byOrder = new Map<string, OrderItem[]>();
    if (ids.length === 0) return byOrder;
    const rows = await this.db.select<ItemRow>(
      `SELECT order_id, product_id, quantity, unit_price FROM order_items
       WHERE order_id IN (?) ORDER BY order_id, line_no`,
      [ids],
    );
    for (const row of rows) {
      const id = idFromBinary(row.order_id);
      const items = byOrder.get(id) ?? [];
      items.push(itemFromRow(row));
      byOrder.set(id, items);
    }
    return byOrder;
  }
}
