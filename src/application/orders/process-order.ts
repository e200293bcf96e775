import { cancelPending } from '../../domain/order/cancel-order';
import { settleOrder, settlementPlan } from '../../domain/order/settle-order';
import type { OrderId, ProductId } from '../../domain/shared/ids';
import { invalidateProducts } from '../products/invalidate-products';
import { lockOrderParties, writeOrderChange } from './order-transaction';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { ProductCache } from '../ports/product-cache';
import type { UnitOfWork } from '../ports/unit-of-work';

/**
 * The worker's main job. Locks the order, then its products and customer in the global lock
 * order (order-transaction.ts), and applies the domain decision in the same transaction. A second delivery finds the order no longer PENDING and changes nothing.
 */
export class ProcessOrder {
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
      const plan = settlementPlan(order);
      if (plan === 'NOTHING') return [];
      if (plan === 'CANCEL_PENDING') {
        await tx.orders.update(cancelPending(order, this.clock.now()));
        return [];
      }

      const { products, customer } = await lockOrderParties(tx, order);
      const settlement = settleOrder(order, products, customer, this.clock.now());
      if (settlement.outcome === 'FAILED') {
        await tx.orders.update(settlement.order);
        return [];
      }
      return writeOrderChange(tx, settlement);
    });
    await invalidateProducts(this.cache, this.logger, changedProducts);
  }
}
