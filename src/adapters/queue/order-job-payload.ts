import type { OrderJob, OrderParties } from '../../application/ports/order-queue';
import { customerId, orderId, productId } from '../../domain/shared/ids';

/** What a broker stores for one publish: the jobs published together travel as one message. */
export interface OrderJobsPayload {
  jobs: {
    kind: OrderJob['kind'];
    orderId: string;
    customerId?: string;
    productIds?: string[];
  }[];
}

export function toPayload(jobs: readonly OrderJob[]): OrderJobsPayload {
  return {
    jobs: jobs.map(({ kind, orderId: id, parties }) =>
      parties
        ? { kind, orderId: id, customerId: parties.customerId, productIds: [...parties.productIds] }
        : { kind, orderId: id },
    ),
  };
}

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Parties are a hint (the worker checks them against the order), so malformed ones are dropped. */
function readParties(entry: Record<string, unknown>): OrderParties | undefined {
  const { customerId: customer, productIds: products } = entry;
  if (!isId(customer) || !Array.isArray(products) || !products.every(isId)) return undefined;
  return { customerId: customerId(customer), productIds: products.map((id) => productId(id)) };
}

function toOrderJob(entry: unknown): OrderJob {
  if (typeof entry === 'object' && entry !== null) {
    const fields = entry as Record<string, unknown>;
    const { kind, orderId: id } = fields;
    if ((kind === 'PLACE' || kind === 'CANCEL') && isId(id)) {
      const parties = readParties(fields);
      return parties ? { kind, orderId: orderId(id), parties } : { kind, orderId: orderId(id) };
    }
  }
  throw new Error('The message is not an order job');
}

/**
 * A broker hands back whatever was stored: only a payload whose every entry has a known kind and
 * an order id becomes jobs; anything else is refused whole before a handler sees it (and
 * dead-lettered, its orders left to the re-publisher).
 */
export function toOrderJobs(payload: unknown): OrderJob[] {
  const jobs =
    typeof payload === 'object' && payload !== null && 'jobs' in payload
      ? (payload as { jobs: unknown }).jobs
      : undefined;
  if (!Array.isArray(jobs) || jobs.length === 0) {
    throw new Error('The message holds no order job');
  }
  return jobs.map(toOrderJob);
}
