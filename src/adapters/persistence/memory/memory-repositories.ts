import { EmailTakenError } from '../../../domain/customer/customer.errors';
import type { Customer } from '../../../domain/customer/customer';
import type { WalletEntry } from '../../../domain/customer/wallet-entry';
import type { Order } from '../../../domain/order/order';
import type { Product } from '../../../domain/product/product';
import type { CustomerId, OrderId, ProductId } from '../../../domain/shared/ids';
import { compareNewestFirst, isAfterCursor, toPage, type Page, type PageRequest } from '../../../domain/shared/page';
import { IdempotencyKeyTakenError } from '../../../application/errors';
import type { CustomerRepository } from '../../../application/ports/customer-repository';
import type { OrderJob } from '../../../application/ports/order-queue';
import type { OrderRepository } from '../../../application/ports/order-repository';
import type { ProductRepository } from '../../../application/ports/product-repository';
import type { WalletLedger } from '../../../application/ports/wallet-ledger';
import type { MemoryView } from './memory-view';

/** The store's CHECK constraints, as MySQL enforces them. */
function checkNonNegative(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`CHECK failed: ${what} >= 0`);
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

  async insert(customer: Customer): Promise<void> {
    if (this.view.rows('customers').some((row) => row.email === customer.email)) {
      throw new EmailTakenError();
    }
    checkNonNegative(customer.balance, 'balance');
    this.view.put('customers', customer);
  }

  async update(customer: Customer): Promise<void> {
    checkNonNegative(customer.balance, 'balance');
    this.view.put('customers', customer);
  }
}

export class MemoryProductRepository implements ProductRepository {
  constructor(private readonly view: MemoryView) {}

  async findById(id: ProductId): Promise<Product | null> {
    return this.view.get('products', id) ?? null;
  }

  async findExistingIds(ids: readonly ProductId[]): Promise<Set<ProductId>> {
    return new Set(ids.filter((id) => this.view.get('products', id)));
  }

  async lockMany(ids: readonly ProductId[]): Promise<Product[]> {
    return [...new Set(ids)]
      .sort()
      .flatMap((id) => this.view.get('products', id) ?? []);
  }

  async list(request: PageRequest): Promise<Page<Product>> {
    return page(this.view.rows('products'), request);
  }

  async insert(product: Product): Promise<void> {
    checkNonNegative(product.stock, 'stock');
    this.view.put('products', product);
  }

  async update(product: Product): Promise<void> {
    checkNonNegative(product.stock, 'stock');
    this.view.put('products', product);
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

  async insert(order: Order): Promise<void> {
    if (!this.view.get('customers', order.customerId)) {
      throw new Error(`FOREIGN KEY failed: customer ${order.customerId}`);
    }
    const missing = order.items.find((item) => !this.view.get('products', item.productId));
    if (missing) throw new Error(`FOREIGN KEY failed: product ${missing.productId}`);
    if (order.idempotencyKey && (await this.findByIdempotencyKey(order.customerId, order.idempotencyKey))) {
      throw new IdempotencyKeyTakenError();
    }
    this.view.put('orders', order);
  }

  async update(order: Order): Promise<void> {
    this.view.put('orders', order);
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
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(0, limit)
      .map(({ kind, orderId }) => ({ kind, orderId }));
  }
}

export class MemoryWalletLedger implements WalletLedger {
  constructor(private readonly view: MemoryView) {}

  async append(entry: WalletEntry): Promise<void> {
    const duplicate =
      entry.orderId !== null &&
      this.view.ledger().some((row) => row.orderId === entry.orderId && row.kind === entry.kind);
    if (duplicate) throw new Error(`UNIQUE failed: ${entry.kind} of order ${entry.orderId}`);
    this.view.append(entry);
  }
}
