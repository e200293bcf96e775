import type { ServerOptions } from 'node:http';

export interface SlowClientLimits {
  /** The request line and headers must arrive within this long. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this long. */
  requestTimeoutMs: number;
}

/**
 * The contract's idle keep-alive limit, advertised as `Keep-Alive: timeout=5`; Node keeps the
 * socket a little longer, so that a client reusing it at the last moment does not meet a close.
 */
const KEEP_ALIVE_TIMEOUT_MS = 5000;

/** How often, at most, Node looks for requests past their limits. */
const LONGEST_CHECK_INTERVAL_MS = 1000;

/**
 * Options for the node:http server that serves the app. Node checks the two timeouts only every
 * `connectionsCheckingInterval` (30 s unless set), so a trickled request would outlive its limit
 * by that much: checked at a tenth of the smaller limit, or every second, it is cut soon after.
 * Answers to requests cut short: see unparsable-requests.ts.
 */
export function serverOptions(limits: SlowClientLimits): ServerOptions {
  const smaller = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: Math.min(LONGEST_CHECK_INTERVAL_MS, Math.ceil(smaller / 10)),
  };
}
