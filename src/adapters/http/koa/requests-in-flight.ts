import type { Context, Middleware } from 'koa';
import { OverloadedError } from '../../../application/errors';

export interface InFlightLimits {
  /** Requests served at once. */
  requests: number;
  /** Request body bytes that may be read at once, reserved before a body is read. */
  bodyBytes: number;
}

/** The contract's body limit: what a body of undeclared size may grow to before it is refused. */
export const LARGEST_BODY_BYTES = 1024 * 1024;

/**
 * Five times what 2,000 requests a second at 100 ms each keep in flight. Sixteen bodies of the
 * largest size being read leave room in the 128 MiB heap `npm start` gives the process for the
 * one being parsed, which can take many times its size.
 */
export const DEFAULT_IN_FLIGHT_LIMITS: InFlightLimits = {
  requests: 1000,
  bodyBytes: 16 * LARGEST_BODY_BYTES,
};

/** A load balancer must still see a process that refuses work, and its operators why. */
const ALWAYS_SERVED = new Set(['/health', '/ready', '/metrics']);

const IDENTITY = new Set(['', 'identity']);

/**
 * What reading the body may cost. A chunked or compressed body is charged the body limit: its
 * declared length, if any, says nothing of its size once decoded.
 */
function bodyBytesOf(ctx: Context): number {
  const declared = ctx.request.length;
  const hasBody = (declared ?? 0) > 0 || ctx.get('Transfer-Encoding') !== '';
  if (!hasBody) return 0;
  if (declared === undefined || !IDENTITY.has(ctx.get('Content-Encoding').toLowerCase())) {
    return LARGEST_BODY_BYTES;
  }
  return Math.min(declared, LARGEST_BODY_BYTES);
}

/**
 * Refuses a request with 503 OVERLOADED, before anything is read or done for it, while
 * `limits.requests` are being served or while its body would take the bodies being read past
 * `limits.bodyBytes`.
 * Each in-flight request holds memory, and a body is held whole while it is parsed, so these two
 * bounds keep a flood of requests or of large bodies within the heap.
 */
export function requestsInFlight(limits: InFlightLimits): Middleware {
  let requests = 0;
  let bodyBytes = 0;
  return async (ctx, next) => {
    if (ALWAYS_SERVED.has(ctx.path)) return next();
    const reserved = bodyBytesOf(ctx);
    if (requests >= limits.requests) throw new OverloadedError('requests in progress');
    if (bodyBytes + reserved > limits.bodyBytes) {
      throw new OverloadedError('request bodies being read');
    }
    requests += 1;
    bodyBytes += reserved;
    try {
      await next();
    } finally {
      requests -= 1;
      bodyBytes -= reserved;
    }
  };
}
