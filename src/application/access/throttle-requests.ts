import type { Metrics } from '../ports/metrics';
import type { RateBucket, RateLimiter, RateLimitVerdict } from '../ports/rate-limiter';
import type { Caller } from './caller';

/**
 * Takes a request from its caller's budget: a customer's own, or its client address's when it
 * carries no valid token. Operators are never limited.
 */
export class ThrottleRequests {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly metrics: Metrics,
  ) {}

  async execute(caller: Caller | null, clientAddress: string): Promise<RateLimitVerdict | null> {
    if (caller?.role === 'admin') return null;
    const bucket: RateBucket = caller
      ? { kind: 'customer', key: caller.customerId }
      : { kind: 'anonymous', key: clientAddress };
    const verdict = await this.limiter.take(bucket);
    if (verdict && !verdict.allowed) this.metrics.requestRateLimited(bucket.kind);
    return verdict;
  }
}
