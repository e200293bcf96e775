import { requestCancellation } from '../../domain/order/cancel-order';
import type { Order } from '../../domain/order/order';
import { DomainError, NotFoundError } from '../../domain/shared/domain-error';
import type { OrderId } from '../../domain/shared/ids';
import { authorise, reaches } from '../access/access-policy';
import type { Caller } from '../access/caller';
import type { Clock } from '../ports/clock';
import { NO_TRACING, type Tracing, type WorkOrigin } from '../ports/tracing';
import type { UnitOfWork } from '../ports/unit-of-work';
import { Batcher, failed, succeeded, type BatchOptions, type Outcome } from '../shared/batcher';
import { orderJob, workOrigin } from './order-job';
import type { PublishAfterCommit } from './publish-after-commit';

interface CancellationRequest {
  caller: Caller;
  id: OrderId;
  origin: WorkOrigin | undefined;
}

/**
 * Records the request durably and answers without waiting for the worker or for the publish (see
 * PublishAfterCommit), which refuses a request before it is recorded while too many jobs wait for
 * the broker. Requests made at the same time are recorded in one transaction and published
 * together (see Batcher).
 */
export class RequestCancellation {
  private readonly requests: Batcher<CancellationRequest, Order>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly publisher: PublishAfterCommit,
    private readonly clock: Clock,
    batching: BatchOptions,
    private readonly tracing: Tracing = NO_TRACING,
  ) {
    this.requests = new Batcher((requests) => this.recordAndPublish(requests), batching);
  }

  /** `requestId` names the HTTP request, for the worker's log lines about the cancellation. */
  async execute(caller: Caller, id: OrderId, requestId?: string): Promise<Order> {
    authorise(caller, 'cancelOrder');
    this.publisher.checkRoom();
    return this.requests.submit({ caller, id, origin: workOrigin(requestId, this.tracing) });
  }

  /** Traced like PlaceOrder's batches: a child of its one request, or linked to each. */
  private recordAndPublish(requests: readonly CancellationRequest[]): Promise<Outcome<Order>[]> {
    return this.tracing.run(
      'record cancellations',
      'internal',
      requests.map(({ origin }) => origin?.trace),
      { 'orders.count': requests.length },
      () => this.record(requests),
    );
  }

  private async record(requests: readonly CancellationRequest[]): Promise<Outcome<Order>[]> {
    const ids = requests.map((request) => request.id);
    const outcomes = await this.uow.run(async (tx) => {
      const orders = new Map((await tx.orders.lockMany(ids)).map((order) => [order.id, order]));
      const changed = new Map<OrderId, Order>();
      const now = this.clock.now();
      const results = requests.map(({ caller, id }): Outcome<Order> => {
        const order = orders.get(id);
        if (!order || !reaches(caller, 'cancelOrder', order.customerId)) {
          return failed(new NotFoundError('Order', id));
        }
        try {
          const requested = requestCancellation(order, now);
          orders.set(id, requested);
          if (requested !== order) changed.set(id, requested);
          return succeeded(requested);
        } catch (error) {
          if (error instanceof DomainError) return failed(error);
          throw error;
        }
      });
      await tx.orders.updateMany([...changed.values()]);
      return results;
    });

    const requested = new Map<OrderId, { order: Order; origin: WorkOrigin | undefined }>();
    outcomes.forEach((outcome, index) => {
      const origin = requests[index]?.origin;
      if (outcome.ok) requested.set(outcome.value.id, { order: outcome.value, origin });
    });
    this.publisher.publish(
      [...requested.values()].map(({ order, origin }) => orderJob('CANCEL', order, origin)),
      'cancellations stored but not published; the re-publisher will retry',
    );
    return outcomes;
  }
}
