import { EmailTakenError, UnknownCustomerError } from '../../../domain/customer/customer.errors';
import type { Customer } from '../../../domain/customer/customer';
import { CREDIT_KINDS, type WalletEntry } from '../../../domain/customer/wallet-entry';
import type { Order } from '../../../domain/order/order';
import { SUPPLY_KINDS, type InventoryMovement } from '../../../domain/product/inventory-movement';
import type { Product } from '../../../domain/product/product';
import { unknownProductsError } from '../../../domain/product/product.errors';
import type { DomainError } from '../../../domain/shared/domain-error';
import type { CustomerId, OrderId, ProductId } from '../../../domain/shared/ids';
import {
  compareNewestFirst,
  isAfterCursor,
  toPage,
  type Page,
  type PageRequest,
} from '../../../domain/shared/page';
import { IdempotencyKeyTakenError } from '../../../application/errors';
import type { CustomerRepository } from '../../../application/ports/customer-repository';
import type { InventoryLedger } from '../../../application/ports/inventory-ledger';
import type { OrderJob } from '../../../application/ports/order-queue';
import type { OrderRepository } from '../../../application/ports/order-repository';
import type { ProductRepository } from '../../../application/ports/product-repository';
import type { WalletLedger } from '../../../application/ports/wallet-ledger';
import type { MemoryView } from './memory-view';

/** The store's CHECK constraints, as MySQL enforces them. */
function checkNonNegative(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`CHECK failed: ${what} >= 0`);
}

/** MySQL refuses a second row with the same primary key; a Map would silently replace it. */
function checkNewId(
  view: MemoryView,
  table: 'customers' | 'products' | 'orders',
  id: string,
): void {
  if (view.get(table, id)) throw new Error(`PRIMARY KEY failed: ${table} ${id}`);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function page<T extends { createdAt: Date; id: string }>(rows: T[], request: PageRequest): Page<T> {
  const { after } = request;
  const sorted = rows.filter((row) => !after || isAfterCursor(row, after)).sort(compareNewestFirst);
  return toPage(sorted.slice(0, request.limit + 1), request.limit);
}

export class MemoryCustomerRepository implements CustomerRepository {
  constructor(private readonly view: MemoryView) {}

  async findById(id: CustomerId): Promise<Customer | null> {
    return this.view.get('customers', id) ?? null;
  }

  lockById(id: CustomerId): Promise<Customer | null> {
    return this.findById(id);
  }

  async lockMany(ids: readonly CustomerId[]): Promise<Customer[]> {
    return [...new Set(ids)].sort().flatMap((id) => this.view.get('customers', id) ?? []);
  }

  async insert(customer: Customer): Promise<void> {
    checkNonNegative(customer.balance, 'balance');
    checkNewId(this.view, 'customers', customer.id);
    if (this.view.rows('customers').some((row) => row.email === customer.email)) {
      throw new EmailTakenError();
    }
    this.view.put('customers', customer);
  }

  /** Like an UPDATE … WHERE id = ?: only balance and updatedAt, and nothing for an absent id. */
  async update(customer: Customer): Promise<void> {
    const stored = this.view.get('customers', customer.id);
    if (!stored) return;
    checkNonNegative(customer.balance, 'balance');
    this.view.put('customers', {
      ...stored,
      balance: customer.balance,
      updatedAt: customer.updatedAt,
    });
  }

  /** Checks every row before writing any, as one UPDATE fails or succeeds whole. */
  async updateMany(customers: readonly Customer[]): Promise<void> {
    for (const customer of customers) checkNonNegative(customer.balance, 'balance');
    for (const customer of customers) await this.update(customer);
  }
}

export class MemoryProductRepository implements ProductRepository {
  constructor(private readonly view: MemoryView) {}

  async findById(id: ProductId): Promise<Product | null> {
    return this.view.get('products', id) ?? null;
  }

  async lockMany(ids: readonly ProductId[]): Promise<Product[]> {
    return [...new Set(ids)].sort().flatMap((id) => this.view.get('products', id) ?? []);
  }

  async list(request: PageRequest): Promise<Page<Product>> {
    return page(this.view.rows('products'), request);
  }

  async insert(product: Product): Promise<void> {
    checkNonNegative(product.price, 'price');
    checkNonNegative(product.stock, 'stock');
    checkNewId(this.view, 'products', product.id);
    this.view.put('products', product);
  }

  /** Like an UPDATE … WHERE id = ?: every field but createdAt, and nothing for an absent id. */
  async update(product: Product): Promise<void> {
    const stored = this.view.get('products', product.id);
    if (!stored) return;
    checkNonNegative(product.price, 'price');
    checkNonNegative(product.stock, 'stock');
    this.view.put('products', {
      ...stored,
      name: product.name,
      price: product.price,
      stock: product.stock,
      updatedAt: product.updatedAt,
    });
  }

  /** Checks every row before writing any, as one UPDATE fails or succeeds whole. */
  async updateStocks(products: readonly Product[]): Promise<void> {
    for (const product of products) checkNonNegative(product.stock, 'stock');
    for (const product of products) {
      const stored = this.view.get('products', product.id);
      if (stored) {
        this.view.put('products', {
          ...stored,
          stock: product.stock,
          updatedAt: product.updatedAt,
        });
      }
    }
  }
}

export class MemoryOrderRepository implements OrderRepository {
  constructor(private readonly view: MemoryView) {}

  async findById(id: OrderId): Promise<Order | null> {
    return this.view.get('orders', id) ?? null;
  }

  lockById(id: OrderId): Promise<Order | null> {
    return this.findById(id);
  }

  async lockMany(ids: readonly OrderId[]): Promise<Order[]> {
    return [...new Set(ids)].sort().flatMap((id) => this.view.get('orders', id) ?? []);
  }

  async findByIdempotencyKey(customerId: CustomerId, key: string): Promise<Order | null> {
    return (
      this.view
        .rows('orders')
        .find((order) => order.customerId === customerId && order.idempotencyKey === key) ?? null
    );
  }

  async listByCustomer(customerId: CustomerId, request: PageRequest): Promise<Page<Order>> {
    return page(
      this.view.rows('orders').filter((order) => order.customerId === customerId),
      request,
    );
  }

  /**
   * Refuses unknown products, then an unknown customer, in the MySQL store's order, per order;
   * a taken idempotency key (stored, or earlier in the list) stores none of them.
   */
  async insertMany(orders: readonly Order[]): Promise<(DomainError | null)[]> {
    if (new Set(orders.map((order) => order.id)).size < orders.length) {
      throw new Error('PRIMARY KEY failed: the same order twice');
    }
    const outcomes = orders.map((order): DomainError | null => {
      checkNewId(this.view, 'orders', order.id);
      const productIds = order.items.map((item) => item.productId);
      const unknown = unknownProductsError(
        productIds,
        new Set(productIds.filter((id) => this.view.get('products', id))),
      );
      if (unknown) return unknown;
      return this.view.get('customers', order.customerId)
        ? null
        : new UnknownCustomerError('customerId');
    });
    const stored = orders.filter((_, index) => outcomes[index] === null);
    const keys = new Set<string>();
    for (const order of stored) {
      if (!order.idempotencyKey) continue;
      const key = JSON.stringify([order.customerId, order.idempotencyKey]);
      const taken =
        keys.has(key) ||
        (await this.findByIdempotencyKey(order.customerId, order.idempotencyKey)) !== null;
      if (taken) throw new IdempotencyKeyTakenError();
      keys.add(key);
    }
    for (const order of stored) this.view.put('orders', order);
    return outcomes;
  }

  /**
   * Like the UPDATEs of orders and order_items: the fields that change after placement and each
   * stored item's unit price; nothing for an absent id.
   */
  async update(order: Order): Promise<void> {
    const stored = this.view.get('orders', order.id);
    if (!stored) return;
    const prices = new Map(order.items.map((item) => [item.productId, item.unitPrice]));
    this.view.put('orders', {
      ...stored,
      status: order.status,
      total: order.total,
      failureReason: order.failureReason,
      cancelRequestedAt: order.cancelRequestedAt,
      updatedAt: order.updatedAt,
      items: stored.items.map((item) => {
        const unitPrice = prices.get(item.productId);
        return unitPrice === undefined ? item : { ...item, unitPrice };
      }),
    });
  }

  async updateMany(orders: readonly Order[]): Promise<void> {
    for (const order of orders) await this.update(order);
  }

  async findStalledWork(before: Date, limit: number): Promise<OrderJob[]> {
    const jobs = this.view.rows('orders').flatMap((order): (OrderJob & { at: Date })[] => {
      if (order.cancelRequestedAt) {
        const open = order.status === 'PENDING' || order.status === 'COMPLETED';
        return open && order.cancelRequestedAt < before
          ? [{ kind: 'CANCEL', orderId: order.id, at: order.cancelRequestedAt }]
          : [];
      }
      return order.status === 'PENDING' && order.createdAt < before
        ? [{ kind: 'PLACE', orderId: order.id, at: order.createdAt }]
        : [];
    });
    return jobs
      .sort((a, b) => a.at.getTime() - b.at.getTime() || compareIds(a.orderId, b.orderId))
      .slice(0, limit)
      .map(({ kind, orderId }) => ({ kind, orderId }));
  }
}

/** UNIQUE (order_id, kind); rows without an order never collide. */
const walletKey = (entry: WalletEntry): string => JSON.stringify([entry.orderId, entry.kind]);

export class MemoryWalletLedger implements WalletLedger {
  constructor(private readonly view: MemoryView) {}

  append(entry: WalletEntry): Promise<void> {
    return this.appendMany([entry]);
  }

  /** Checks every row before writing any, as one multi-row INSERT fails or succeeds whole. */
  async appendMany(entries: readonly WalletEntry[]): Promise<void> {
    const taken = new Set(
      this.view.ledger().flatMap((row) => (row.orderId === null ? [] : [walletKey(row)])),
    );
    for (const entry of entries) {
      if (!this.view.get('customers', entry.customerId)) {
        throw new Error(`FOREIGN KEY failed: customer ${entry.customerId}`);
      }
      if (entry.orderId === null) continue;
      if (!this.view.get('orders', entry.orderId)) {
        throw new Error(`FOREIGN KEY failed: order ${entry.orderId}`);
      }
      if (taken.has(walletKey(entry))) {
        throw new Error(`UNIQUE failed: ${entry.kind} of order ${entry.orderId}`);
      }
      taken.add(walletKey(entry));
    }
    for (const entry of entries) this.view.append(entry);
  }

  async creditedTotal(customerId: CustomerId): Promise<number> {
    return this.view
      .ledger()
      .filter((entry) => entry.customerId === customerId && CREDIT_KINDS.includes(entry.kind))
      .reduce((sum, entry) => sum + entry.amount, 0);
  }
}

/** UNIQUE (order_id, product_id, kind), as MySQL reads it: rows without an order never collide. */
const movementKey = (movement: InventoryMovement): string | null =>
  movement.orderId === null
    ? null
    : JSON.stringify([movement.orderId, movement.productId, movement.kind]);

export class MemoryInventoryLedger implements InventoryLedger {
  constructor(private readonly view: MemoryView) {}

  /** Checks every row before writing any, as one multi-row INSERT fails or succeeds whole. */
  async append(movements: readonly InventoryMovement[]): Promise<void> {
    const orders = new Set(movements.map((movement) => movement.orderId));
    const taken = new Set(
      this.view
        .movements()
        .flatMap((row) => (orders.has(row.orderId) ? (movementKey(row) ?? []) : [])),
    );
    for (const movement of movements) {
      if (!Number.isSafeInteger(movement.quantity)) {
        throw new Error(`CHECK failed: quantity ${movement.quantity} is not an integer`);
      }
      if (!this.view.get('products', movement.productId)) {
        throw new Error(`FOREIGN KEY failed: product ${movement.productId}`);
      }
      if (movement.orderId !== null && !this.view.get('orders', movement.orderId)) {
        throw new Error(`FOREIGN KEY failed: order ${movement.orderId}`);
      }
      const key = movementKey(movement);
      if (key !== null && taken.has(key)) {
        throw new Error(
          `UNIQUE failed: ${movement.kind} of product ${movement.productId} in order ${movement.orderId}`,
        );
      }
      if (key !== null) taken.add(key);
    }
    this.view.appendMovements(movements);
  }

  async suppliedTotal(productId: ProductId): Promise<number> {
    return this.view
      .movements()
      .filter(
        (movement) => movement.productId === productId && SUPPLY_KINDS.includes(movement.kind),
      )
      .reduce((sum, movement) => sum + movement.quantity, 0);
  }
}
