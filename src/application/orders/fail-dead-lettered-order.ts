import { failUnprocessable } from '../../domain/order/settle-order';
import type { OrderId } from '../../domain/shared/ids';
import type { Clock } from '../ports/clock';
import type { UnitOfWork } from '../ports/unit-of-work';

/**
 * A PLACE job that failed every attempt for a reason that is not a stock or funds decision: the
 * order is marked FAILED with PROCESSING_ERROR so that it does not stay PENDING for ever.
 */
export class FailDeadLetteredOrder {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(id: OrderId): Promise<void> {
    return this.uow.run(async (tx) => {
      const order = await tx.orders.lockById(id);
      if (order?.status === 'PENDING')
        await tx.orders.update(failUnprocessable(order, this.clock.now()));
    });
  }
}
