import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateLimiter } from '../../../application/ports/rate-limiter';
import { burstyTake, type RateLimiterOptions } from '../bursty-buckets';

/**
 * Limits shared by every process through Redis. While Redis is unreachable each process counts on
 * its own (rate-limiter-flexible's insurance limiter), so an outage loosens the limits by the number
 * of processes instead of failing requests; the counts taken meanwhile stay in the process. A busy
 * key's points are taken several at a time (LocalAllotments), so most requests skip the trip.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly take: RateLimiter['take'];

  /**
   * `redis` must fail fast (createFailFastRedisClient): every request waits for its commands, so a
   * command queued or stuck while Redis is away would hold the request up.
   */
  constructor(redis: Redis, options: RateLimiterOptions) {
    this.take = burstyTake(
      options,
      (window) =>
        new RateLimiterRedis({
          ...window,
          storeClient: redis,
          // A client that is down or reconnecting goes to the insurance without trying Redis.
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory(window),
        }),
      'remote',
    );
  }
}
