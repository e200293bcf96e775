import { failUnprocessable } from '../../domain/order/settle-order';
import type { OrderId } from '../../domain/shared/ids';
import type { Clock } from '../ports/clock';
import type { Metrics } from '../ports/metrics';
import type { UnitOfWork } from '../ports/unit-of-work';

/**
 * A PLACE job that failed every attempt for a reason that is not a stock or funds decision: the
 * order is marked FAILED with PROCESSING_ERROR so that it does not stay PENDING for ever.
 */
export class FailDeadLetteredOrder {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async execute(id: OrderId): Promise<void> {
    const failed = await this.uow.run(async (tx) => {
      const order = await tx.orders.lockById(id);
      if (order?.status !== 'PENDING') return null;
      const now = this.clock.now();
      await tx.orders.update(failUnprocessable(order, now));
      return { reason: 'PROCESSING_ERROR' as const, ms: now.getTime() - order.createdAt.getTime() };
    });
    if (failed) this.metrics.orderSettled('FAILED', failed.reason, failed.ms);
  }
}
