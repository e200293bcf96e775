import type { Customer } from '../../domain/customer/customer';
import type { WalletEntry } from '../../domain/customer/wallet-entry';
import type { Order } from '../../domain/order/order';
import type { InventoryMovement } from '../../domain/product/inventory-movement';
import type { Product } from '../../domain/product/product';
import type { CustomerId, OrderId, ProductId } from '../../domain/shared/ids';
import type { OrderJob } from '../ports/order-queue';
import type { Transaction } from '../ports/unit-of-work';

/** What completing or reversing one order changes: every part of it in one transaction. */
interface OrderChange {
  order: Order;
  products: readonly Product[];
  customer: Customer;
  walletEntry: WalletEntry;
  movements: readonly InventoryMovement[];
}

/** Whether the worker may still move stock or money for the order. */
function mayMoveStockOrMoney(order: Order): boolean {
  return order.status === 'PENDING' || (order.status === 'COMPLETED' && !!order.cancelRequestedAt);
}

/**
 * The rows a batch of order jobs works on, read under lock, and what the batch did to them so far.
 * Each job's decision is made on the rows as the jobs before it in the batch left them, so a batch
 * decides exactly as the same jobs would one transaction each, in the same order.
 *
 * The one global lock order: order rows, then their products, then their customers, each in
 * ascending id order. Every transaction that moves stock or money takes its locks this way, so
 * two of them wait for each other instead of deadlocking; the one exception is a job that names
 * its order's parties wrongly (see lock). Products and customers are asked for
 * together, in that order, so that a store may fetch both in one round trip.
 */
export class LockedOrderRows {
  private readonly changedOrders = new Map<OrderId, Order>();
  private readonly changedProducts = new Map<ProductId, Product>();
  private readonly changedCustomers = new Map<CustomerId, Customer>();
  private readonly walletEntries: WalletEntry[] = [];
  private readonly movements: InventoryMovement[] = [];

  private constructor(
    private readonly orders: Map<OrderId, Order>,
    private readonly products: Map<ProductId, Product>,
    private readonly customers: Map<CustomerId, Customer>,
  ) {}

  /**
   * When every job names its order's parties, they are asked for together with the orders, in the
   * lock order, so that a store may lock all in one round trip; otherwise they are read off the
   * locked orders first. Parties the jobs did not name (a job published wrong) are locked after
   * the rest: out of the lock order, so at worst a deadlock that the unit of work retries.
   */
  static async lock(tx: Transaction, jobs: readonly OrderJob[]): Promise<LockedOrderRows> {
    const ids = jobs.map((job) => job.orderId);
    const namedParties = jobs.flatMap((job) => (job.parties ? [job.parties] : []));
    const [orders, products, customers] =
      namedParties.length === jobs.length
        ? await Promise.all([
            tx.orders.lockMany(ids),
            tx.products.lockMany(namedParties.flatMap((parties) => parties.productIds)),
            tx.customers.lockMany(namedParties.map((parties) => parties.customerId)),
          ])
        : [await tx.orders.lockMany(ids), [], []];
    const rows = new LockedOrderRows(
      new Map(orders.map((order) => [order.id, order])),
      new Map(products.map((product) => [product.id, product])),
      new Map(customers.map((customer) => [customer.id, customer])),
    );
    await rows.lockPartiesNotYetLocked(tx, orders.filter(mayMoveStockOrMoney));
    return rows;
  }

  private async lockPartiesNotYetLocked(tx: Transaction, open: readonly Order[]): Promise<void> {
    const productIds = open
      .flatMap((order) => order.items.map((item) => item.productId))
      .filter((id) => !this.products.has(id));
    const customerIds = open
      .map((order) => order.customerId)
      .filter((id) => !this.customers.has(id));
    if (productIds.length === 0 && customerIds.length === 0) return;
    const [products, customers] = await Promise.all([
      tx.products.lockMany(productIds),
      tx.customers.lockMany(customerIds),
    ]);
    for (const product of products) this.products.set(product.id, product);
    for (const customer of customers) this.customers.set(customer.id, customer);
  }

  order(id: OrderId): Order | null {
    return this.orders.get(id) ?? null;
  }

  /** The order's products and customer as they stand now. */
  partiesOf(order: Order): { products: Product[]; customer: Customer } {
    const customer = this.customers.get(order.customerId);
    if (!customer) throw new Error(`Customer ${order.customerId} of order ${order.id} is missing`);
    const products = order.items.flatMap((item) => this.products.get(item.productId) ?? []);
    return { products, customer };
  }

  setOrder(order: Order): void {
    this.orders.set(order.id, order);
    this.changedOrders.set(order.id, order);
  }

  apply(change: OrderChange): void {
    this.setOrder(change.order);
    for (const product of change.products) {
      this.products.set(product.id, product);
      this.changedProducts.set(product.id, product);
    }
    this.customers.set(change.customer.id, change.customer);
    this.changedCustomers.set(change.customer.id, change.customer);
    this.walletEntries.push(change.walletEntry);
    this.movements.push(...change.movements);
  }

  /** Writes everything changed, a few statements for the whole batch; returns the stale products. */
  async write(tx: Transaction): Promise<ProductId[]> {
    const products = [...this.changedProducts.values()];
    await tx.products.updateStocks(products);
    await tx.customers.updateMany([...this.changedCustomers.values()]);
    await tx.ledger.appendMany(this.walletEntries);
    await tx.inventory.append(this.movements);
    await tx.orders.updateMany([...this.changedOrders.values()]);
    return products.map((product) => product.id);
  }
}
