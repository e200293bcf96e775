import { requestCancellation } from '../../domain/order/cancel-order';
import type { Order } from '../../domain/order/order';
import { NotFoundError } from '../../domain/shared/domain-error';
import type { OrderId } from '../../domain/shared/ids';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { OrderQueue } from '../ports/order-queue';
import type { UnitOfWork } from '../ports/unit-of-work';

/** Records the request durably, publishes it, and answers without waiting for the worker. */
export class RequestCancellation {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly queue: OrderQueue,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async execute(id: OrderId): Promise<Order> {
    const order = await this.uow.run(async (tx) => {
      const current = await tx.orders.lockById(id);
      if (!current) throw new NotFoundError('Order', id);
      const requested = requestCancellation(current, this.clock.now());
      if (requested !== current) await tx.orders.update(requested);
      return requested;
    });
    await this.queue.publish([{ kind: 'CANCEL', orderId: id }]).catch((error: unknown) => {
      this.logger.warn('cancellation stored but not published; the re-publisher will retry', {
        orderId: id,
        error: String(error),
      });
    });
    return order;
  }
}
