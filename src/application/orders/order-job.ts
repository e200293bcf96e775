import type { Order } from '../../domain/order/order';
import type { OrderJob, OrderJobKind } from '../ports/order-queue';
import type { Tracing, WorkOrigin } from '../ports/tracing';

/**
 * What a log line says of a job: which order, and which request asked for it. Its parties (up to
 * a hundred product ids) would only be noise.
 */
export const describeJob = ({ kind, orderId, origin }: OrderJob) => ({
  kind,
  orderId,
  requestId: origin?.requestId,
});

/** The job for an order, carrying what the worker will lock besides it and where it came from. */
export function orderJob(kind: OrderJobKind, order: Order, origin?: WorkOrigin): OrderJob {
  const job: OrderJob = {
    kind,
    orderId: order.id,
    parties: {
      customerId: order.customerId,
      productIds: order.items.map((item) => item.productId),
    },
  };
  if (origin) job.origin = origin;
  return job;
}

/** The request that asks for work: its id, and its trace context when tracing is on. */
export function workOrigin(
  requestId: string | undefined,
  tracing: Tracing,
): WorkOrigin | undefined {
  const trace = tracing.capture();
  if (!requestId && !trace) return undefined;
  return { ...(requestId && { requestId }), ...(trace && { trace }) };
}
