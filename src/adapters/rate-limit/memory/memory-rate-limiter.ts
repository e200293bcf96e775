import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RateLimiter } from '../../../application/ports/rate-limiter';
import { burstyTake, type RateLimiterOptions } from '../bursty-buckets';

/** Limits counted in this process: the embedded mode's, and each API process's own without Redis. */
export class MemoryRateLimiter implements RateLimiter {
  readonly take: RateLimiter['take'];

  constructor(options: RateLimiterOptions) {
    this.take = burstyTake(options, (window) => new RateLimiterMemory(window), 'local');
  }
}
