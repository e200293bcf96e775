import { randomUUID } from 'node:crypto';
import type { RateLimiterOptions } from '../../src/adapters/rate-limit/bursty-buckets';
import type {
  RateBucket,
  RateLimiter,
  RateLimitVerdict,
} from '../../src/application/ports/rate-limiter';
import { eventually } from '../support/eventually';

/** Builds a limiter with these limits; the binding adds a key prefix of its own. */
export type MakeRateLimiter = (
  limits: Omit<RateLimiterOptions, 'keyPrefix'>,
) => RateLimiter | Promise<RateLimiter>;

const CUSTOMER = { perSecond: 5, burst: 10 };
const ANONYMOUS = { perSecond: 3, burst: 6 };

/**
 * Runs `check` on a fresh key, and on another if it fails: a key's sustained window lasts a second
 * from its first take, so a machine stalled that long rolls the window over in mid-check.
 */
export async function onFreshKeys(check: (key: string) => Promise<void>): Promise<void> {
  await eventually(() => check(randomUUID()), { timeoutMs: 15_000 });
}

/** Takes from `bucket` `count` times and returns every verdict, in order. */
export async function takeTimes(
  limiter: RateLimiter,
  bucket: RateBucket,
  count: number,
): Promise<(RateLimitVerdict | null)[]> {
  const verdicts = [];
  for (let i = 0; i < count; i += 1) verdicts.push(await limiter.take(bucket));
  return verdicts;
}

export function rateLimiterContract(makeSubject: MakeRateLimiter): void {
  describe('RateLimiter contract', () => {
    let limiter: RateLimiter;

    beforeEach(async () => {
      limiter = await makeSubject({ customer: CUSTOMER, anonymous: ANONYMOUS });
    });

    it('allows a burst up to the burst size, then refuses with a retry after at least a second', async () => {
      await onFreshKeys(async (key) => {
        const burst = await takeTimes(limiter, { kind: 'customer', key }, CUSTOMER.burst);
        const next = await limiter.take({ kind: 'customer', key });

        expect(burst.map((verdict) => verdict?.allowed)).toEqual(Array(CUSTOMER.burst).fill(true));
        expect(next).toMatchObject({ allowed: false, remaining: 0 });
        expect(next?.resetSeconds).toBeGreaterThanOrEqual(1);
      });
    });

    it('counts remaining down through the sustained quota, and reports 0 while the burst lasts', async () => {
      await onFreshKeys(async (key) => {
        const verdicts = await takeTimes(limiter, { kind: 'customer', key }, CUSTOMER.burst);

        expect(verdicts.map((verdict) => verdict?.remaining)).toEqual([
          4, 3, 2, 1, 0, 0, 0, 0, 0, 0,
        ]);
      });
    });

    it('reports the sustained quota of each kind, its window, and a reset within that window', async () => {
      const customer = await limiter.take({ kind: 'customer', key: randomUUID() });
      const anonymous = await limiter.take({ kind: 'anonymous', key: randomUUID() });

      expect(customer).toMatchObject({
        allowed: true,
        quota: CUSTOMER.perSecond,
        windowSeconds: 1,
      });
      expect(anonymous).toMatchObject({
        allowed: true,
        quota: ANONYMOUS.perSecond,
        windowSeconds: 1,
      });
      expect(customer?.resetSeconds).toBeGreaterThanOrEqual(1);
      expect(customer?.resetSeconds).toBeLessThanOrEqual(customer?.windowSeconds ?? 0);
    });

    it('keeps a budget per key', async () => {
      await onFreshKeys(async (key) => {
        await takeTimes(limiter, { kind: 'customer', key }, CUSTOMER.burst + 1);

        expect(await limiter.take({ kind: 'customer', key: `${key}-other` })).toMatchObject({
          allowed: true,
          remaining: CUSTOMER.perSecond - 1,
        });
      });
    });

    it('keeps a budget per kind, even for the same key', async () => {
      await onFreshKeys(async (key) => {
        await takeTimes(limiter, { kind: 'customer', key }, CUSTOMER.burst + 1);

        expect(await limiter.take({ kind: 'anonymous', key })).toMatchObject({
          allowed: true,
          remaining: ANONYMOUS.perSecond - 1,
        });
      });
    });

    it('answers null for a kind whose limit is 0, and still limits the other', async () => {
      const halfOff = await makeSubject({
        customer: CUSTOMER,
        anonymous: { perSecond: 0, burst: 0 },
      });

      expect(await halfOff.take({ kind: 'anonymous', key: randomUUID() })).toBeNull();
      expect(await halfOff.take({ kind: 'customer', key: randomUUID() })).toMatchObject({
        allowed: true,
      });
    });

    it('refuses limits it cannot honour: a burst below the sustained rate, a fraction', async () => {
      for (const customer of [
        { perSecond: 5, burst: 4 },
        { perSecond: 2.5, burst: 5 },
      ]) {
        await expect(async () => makeSubject({ customer, anonymous: ANONYMOUS })).rejects.toThrow(
          RangeError,
        );
      }
    });

    it('refuses right after the quota when the burst is no larger', async () => {
      const noBurst = await makeSubject({
        customer: { perSecond: 3, burst: 3 },
        anonymous: ANONYMOUS,
      });
      await onFreshKeys(async (key) => {
        const verdicts = await takeTimes(noBurst, { kind: 'customer', key }, 4);

        expect(verdicts.map((verdict) => verdict?.allowed)).toEqual([true, true, true, false]);
      });
    });

    it('lets a refused client in again once the window reopens, without a fresh burst', async () => {
      await onFreshKeys(async (key) => {
        const bucket = { kind: 'customer', key } as const;
        await takeTimes(limiter, bucket, CUSTOMER.burst + 1);

        await eventually(
          async () => expect(await limiter.take(bucket)).toMatchObject({ allowed: true }),
          { timeoutMs: 5000 },
        );
        // With the take let in, a whole burst's worth: a spent burst returns no faster than the
        // sustained rate refills it.
        const rest = await takeTimes(limiter, bucket, CUSTOMER.burst - 1);

        expect(rest.at(-1)?.allowed).toBe(false);
      });
    });
  });
}
