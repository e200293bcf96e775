import type { OrderJob } from '../../application/ports/order-queue';
import { orderId } from '../../domain/shared/ids';

/** What a broker stores for one publish: the jobs published together travel as one message. */
export interface OrderJobsPayload {
  jobs: { kind: OrderJob['kind']; orderId: string }[];
}

export function toPayload(jobs: readonly OrderJob[]): OrderJobsPayload {
  return { jobs: jobs.map((job) => ({ kind: job.kind, orderId: job.orderId })) };
}

function toOrderJob(entry: unknown): OrderJob {
  if (typeof entry === 'object' && entry !== null) {
    const { kind, orderId: id } = entry as Record<string, unknown>;
    if ((kind === 'PLACE' || kind === 'CANCEL') && typeof id === 'string' && id.length > 0) {
      return { kind, orderId: orderId(id) };
    }
  }
  throw new Error('The message is not an order job');
}

/**
 * A broker hands back whatever was stored, possibly by an older release, which stored one job
 * per message: only a payload whose every entry has a known kind and an order id becomes jobs,
 * anything else is refused whole before a handler sees it.
 */
export function toOrderJobs(payload: unknown): OrderJob[] {
  if (typeof payload === 'object' && payload !== null && 'jobs' in payload) {
    const { jobs } = payload as { jobs: unknown };
    if (Array.isArray(jobs) && jobs.length > 0) return jobs.map(toOrderJob);
    throw new Error('The message holds no order job');
  }
  return [toOrderJob(payload)];
}
