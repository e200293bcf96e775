import { cancellationPlan, cancelPending, reverseCompleted } from '../../domain/order/cancel-order';
import type { OrderId, ProductId } from '../../domain/shared/ids';
import { invalidateProducts } from '../products/invalidate-products';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { ProductCache } from '../ports/product-cache';
import type { UnitOfWork } from '../ports/unit-of-work';

/**
 * Applies a requested cancellation exactly once: a PENDING order is cancelled with nothing to
 * undo; a COMPLETED one gets its stock back and its total refunded. Any later delivery finds the
 * order CANCELLED and changes nothing.
 */
export class ProcessCancellation {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cache: ProductCache,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async execute(id: OrderId): Promise<void> {
    const changedProducts = await this.uow.run(async (tx): Promise<ProductId[]> => {
      const order = await tx.orders.lockById(id);
      if (!order) {
        this.logger.warn('job names an order that does not exist', { orderId: id });
        return [];
      }
      const plan = cancellationPlan(order);
      if (plan === 'NOTHING') return [];
      if (plan === 'CANCEL_PENDING') {
        await tx.orders.update(cancelPending(order, this.clock.now()));
        return [];
      }

      const products = await tx.products.lockMany(order.items.map((item) => item.productId));
      const customer = await tx.customers.lockById(order.customerId);
      if (!customer) throw new Error(`Customer ${order.customerId} of order ${id} is missing`);
      const reversal = reverseCompleted(order, products, customer, this.clock.now());
      await tx.products.updateStocks(reversal.products);
      await tx.customers.update(reversal.customer);
      await tx.ledger.append(reversal.walletEntry);
      await tx.inventory.append(reversal.movements);
      await tx.orders.update(reversal.order);
      return reversal.products.map((product) => product.id);
    });
    await invalidateProducts(this.cache, this.logger, changedProducts);
  }
}
