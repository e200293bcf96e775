import { BurstyRateLimiter, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type {
  RateBucket,
  RateLimiter,
  RateLimitVerdict,
} from '../../application/ports/rate-limiter';
import { LocalAllotments, type Taken, type TakePoints } from './local-allotments';

/** One kind of bucket: `perSecond` sustained, up to `burst` at once; `perSecond` 0 turns it off. */
export interface BucketLimits {
  perSecond: number;
  burst: number;
}

export interface RateLimiterOptions {
  customer: BucketLimits;
  anonymous: BucketLimits;
  /** Prepended to every counter's key, so several deployments (or test files) can share a store. */
  keyPrefix: string;
}

/** A counter of `points` per fixed window of `duration` seconds, kept where the adapter keeps it. */
export type MakeWindow = (window: {
  points: number;
  duration: number;
  keyPrefix: string;
}) => RateLimiterAbstract;

const WINDOW_SECONDS = 1;

/**
 * A token bucket earns the burst allowance back in `(burst − perSecond) / perSecond` seconds, but a
 * fixed window hands it back all at once: a window that short would let a client burst every time
 * and double its sustained rate. Stretching the window by this factor keeps bursts from adding more
 * than its inverse to the sustained rate, at the price of a spent burst taking as many times longer
 * to return.
 */
const BURST_WINDOW_STRETCH = 10;

interface Bucket {
  perSecond: number;
  take(key: string): Promise<Taken>;
}

/**
 * How many points a process takes at once from counters kept elsewhere: a hundredth of the
 * sustained quota, so that what a window may lose to points left unused is a hundredth of it per
 * process, and a quota under 200 a second is taken point by point.
 */
export const allotmentOf = (perSecond: number) => Math.max(1, Math.floor(perSecond / 100));

function bucketOf(
  kind: RateBucket['kind'],
  { perSecond, burst }: BucketLimits,
  keyPrefix: string,
  makeWindow: MakeWindow,
  remote: boolean,
): Bucket | null {
  if (!Number.isInteger(perSecond) || perSecond < 0) {
    throw new RangeError(`${kind} rate limit: perSecond must be a whole number ≥ 0`);
  }
  if (perSecond === 0) return null;
  if (!Number.isInteger(burst) || burst < perSecond) {
    throw new RangeError(`${kind} rate limit: burst must be a whole number ≥ perSecond`);
  }
  const sustained = makeWindow({
    points: perSecond,
    duration: WINDOW_SECONDS,
    keyPrefix: `${keyPrefix}ratelimit:${kind}:sustained`,
  });
  const extra = burst - perSecond;
  const limiter =
    extra === 0
      ? sustained
      : new BurstyRateLimiter(
          sustained,
          makeWindow({
            points: extra,
            duration: Math.ceil((BURST_WINDOW_STRETCH * extra) / perSecond),
            keyPrefix: `${keyPrefix}ratelimit:${kind}:burst`,
          }),
        );
  const takePoints: TakePoints = async (key, points) => {
    try {
      return taken(true, await limiter.consume(key, points));
    } catch (refusal) {
      // The limiters refuse with a RateLimiterRes; anything else is a fault, not a verdict.
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return taken(false, refusal);
    }
  };
  const size = remote ? allotmentOf(perSecond) : 1;
  if (size === 1) return { perSecond, take: (key) => takePoints(key, 1) };
  const allotments = new LocalAllotments(size, takePoints);
  return { perSecond, take: (key) => allotments.take(key) };
}

const taken = (allowed: boolean, res: RateLimiterRes): Taken => ({
  allowed,
  remaining: res.remainingPoints,
  msBeforeNext: res.msBeforeNext,
});

/**
 * Builds a `take` over token buckets approximated by rate-limiter-flexible's BurstyRateLimiter:
 * `perSecond` per one-second window, then a burst allowance over a longer window. What a verdict
 * reports is the sustained window, so `remaining` is 0 while a client lives on its burst.
 */
export function burstyTake(
  options: RateLimiterOptions,
  makeWindow: MakeWindow,
  where: 'local' | 'remote',
): RateLimiter['take'] {
  const remote = where === 'remote';
  const { customer, anonymous, keyPrefix } = options;
  const buckets: Record<RateBucket['kind'], Bucket | null> = {
    customer: bucketOf('customer', customer, keyPrefix, makeWindow, remote),
    anonymous: bucketOf('anonymous', anonymous, keyPrefix, makeWindow, remote),
  };
  return async ({ kind, key }) => {
    const bucket = buckets[kind];
    return bucket ? verdict(bucket, await bucket.take(key)) : null;
  };
}

function verdict(bucket: Bucket, { allowed, remaining, msBeforeNext }: Taken): RateLimitVerdict {
  return {
    allowed,
    quota: bucket.perSecond,
    windowSeconds: WINDOW_SECONDS,
    remaining,
    // A refusal's msBeforeNext is when the sustained window reopens, the earliest a retry succeeds.
    resetSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)),
  };
}
