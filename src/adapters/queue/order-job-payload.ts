import type { OrderJob, OrderParties } from '../../application/ports/order-queue';
import type { TraceCarrier, WorkOrigin } from '../../application/ports/tracing';
import { customerId, orderId, productId } from '../../domain/shared/ids';

/** What a broker stores for one publish: the jobs published together travel as one message. */
export interface OrderJobsPayload {
  jobs: {
    kind: OrderJob['kind'];
    orderId: string;
    customerId?: string;
    productIds?: string[];
    requestId?: string;
    /** W3C Trace Context headers of the request. */
    trace?: Record<string, string>;
  }[];
}

export function toPayload(jobs: readonly OrderJob[]): OrderJobsPayload {
  return {
    jobs: jobs.map(({ kind, orderId: id, parties, origin }) => ({
      kind,
      orderId: id,
      ...(parties && { customerId: parties.customerId, productIds: [...parties.productIds] }),
      ...(origin?.requestId && { requestId: origin.requestId }),
      ...(origin?.trace && { trace: { ...origin.trace } }),
    })),
  };
}

/** Only the Trace Context headers, each a short plain string: anything else is not ours. */
const TRACE_HEADERS = new Set(['traceparent', 'tracestate']);
const isHeaderValue = (value: unknown) =>
  typeof value === 'string' && value.length <= 512 && /^[\x20-\x7e]*$/.test(value);

/** The origin is a hint for logs and traces, so a malformed one is dropped, not refused. */
function readOrigin(entry: Record<string, unknown>): WorkOrigin | undefined {
  const { requestId, trace } = entry;
  const origin: { requestId?: string; trace?: TraceCarrier } = {};
  if (typeof requestId === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(requestId)) {
    origin.requestId = requestId;
  }
  if (typeof trace === 'object' && trace !== null) {
    const headers = Object.entries(trace as Record<string, unknown>);
    if (headers.every(([name, value]) => TRACE_HEADERS.has(name) && isHeaderValue(value))) {
      origin.trace = Object.fromEntries(headers) as Record<string, string>;
    }
  }
  return origin.requestId || origin.trace ? origin : undefined;
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
      const job: OrderJob = { kind, orderId: orderId(id) };
      const parties = readParties(fields);
      const origin = readOrigin(fields);
      if (parties) job.parties = parties;
      if (origin) job.origin = origin;
      return job;
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
