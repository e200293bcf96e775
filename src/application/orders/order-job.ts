import type { Order } from '../../domain/order/order';
import type { OrderJob, OrderJobKind } from '../ports/order-queue';

/**
 * What a log line says of a job: which order. Its parties (up to a hundred product ids) would
 * only be noise.
 */
export const describeJob = ({ kind, orderId }: OrderJob) => ({ kind, orderId });

/** The job for an order, carrying what the worker will lock besides it. */
export function orderJob(kind: OrderJobKind, order: Order): OrderJob {
  return {
    kind,
    orderId: order.id,
    parties: {
      customerId: order.customerId,
      productIds: order.items.map((item) => item.productId),
    },
  };
}
