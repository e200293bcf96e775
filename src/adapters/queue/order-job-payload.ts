import type { OrderJob } from '../../application/ports/order-queue';
import { orderId } from '../../domain/shared/ids';

/**
 * A broker hands back whatever was stored, possibly by an older release: only a payload with a
 * known kind and an order id becomes a job, anything else is refused before a handler sees it.
 */
export function toOrderJob(payload: unknown): OrderJob {
  if (typeof payload === 'object' && payload !== null) {
    const { kind, orderId: id } = payload as Record<string, unknown>;
    if ((kind === 'PLACE' || kind === 'CANCEL') && typeof id === 'string' && id.length > 0) {
      return { kind, orderId: orderId(id) };
    }
  }
  throw new Error('The message is not an order job');
}
