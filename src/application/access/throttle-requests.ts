import type { RateLimiter, RateLimitVerdict } from '../ports/rate-limiter';
import type { Caller } from './caller';

/**
 * Takes a request from its caller's budget: a customer's own, or its client address's when it
 * carries no valid token. Operators are never limited.
 */
export class ThrottleRequests {
  constructor(private readonly limiter: RateLimiter) {}

  execute(caller: Caller | null, clientAddress: string): Promise<RateLimitVerdict | null> {
    if (caller?.role === 'admin') return Promise.resolve(null);
    return this.limiter.take(
      caller
        ? { kind: 'customer', key: caller.customerId }
        : { kind: 'anonymous', key: clientAddress },
    );
  }
}
