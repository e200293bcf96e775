import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { RedisRateLimiter } from '../../../src/adapters/rate-limit/redis/redis-rate-limiter';
import {
  closeFailFastRedisClient,
  createFailFastRedisClient,
} from '../../../src/adapters/redis/fail-fast-redis-client';
import type { RateLimiter } from '../../../src/application/ports/rate-limiter';
import { onFreshKeys, takeTimes } from '../../contracts/rate-limiter.contract';
import { OwnRedis } from '../../faults/support/servers';
import { eventually } from '../../support/eventually';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMITS = { customer: { perSecond: 5, burst: 10 }, anonymous: { perSecond: 5, burst: 10 } };

/** Takes one customer's requests from `limiters` in turn until one is refused: how many got in. */
async function allowedInTurns(limiters: RateLimiter[], key: string): Promise<number> {
  for (let allowed = 0; allowed < 10_000; allowed += 1) {
    const limiter = limiters[allowed % limiters.length]!;
    if (!(await limiter.take({ kind: 'customer', key }))?.allowed) return allowed;
  }
  throw new Error('never refused');
}

/** A fail-fast client that is connected, as an API process's is once it has started. */
async function readyClient(url: string, onError: (error: Error) => void = () => undefined) {
  const redis = createFailFastRedisClient(url, onError);
  await eventually(() => redis.ping(), { timeoutMs: 5000 });
  return redis;
}

describe('RedisRateLimiter in several processes', () => {
  const keyPrefix = `test:${randomUUID()}:`;
  const clients: Redis[] = [];
  let first: RedisRateLimiter;
  let second: RedisRateLimiter;

  beforeAll(async () => {
    clients.push(await readyClient(redisUrl), await readyClient(redisUrl));
    first = new RedisRateLimiter(clients[0]!, { ...LIMITS, keyPrefix });
    second = new RedisRateLimiter(clients[1]!, { ...LIMITS, keyPrefix });
  });

  afterAll(async () => {
    try {
      const keys = await clients[0]!.keys(`${keyPrefix}*`);
      if (keys.length > 0) await clients[0]!.del(keys);
    } finally {
      await Promise.all(clients.map(closeFailFastRedisClient));
    }
  });

  it('share one budget per customer', async () => {
    await onFreshKeys(async (key) => {
      expect(await allowedInTurns([first, second], key)).toBe(LIMITS.customer.burst);
    });
  });

  it('share a busy budget taken ten points at a time, never beyond it', async () => {
    const busy = { perSecond: 1000, burst: 1000 };
    const limits = { customer: busy, anonymous: busy, keyPrefix };
    const [one, two] = clients.map((client) => new RedisRateLimiter(client, limits));
    const counted = (key: string) =>
      clients[0]!.get(`${keyPrefix}ratelimit:customer:sustained:${key}`);

    await onFreshKeys(async (key) => {
      await takeTimes(one!, { kind: 'customer', key }, 11);
      const afterEleven = await counted(key);
      await one!.take({ kind: 'customer', key });

      // One point to learn the count, then ten; the twelfth take needs ten more.
      expect([afterEleven, await counted(key)]).toEqual(['11', '21']);
    });
    await onFreshKeys(async (key) => {
      const allowed = await allowedInTurns([one!, two!], key);

      // Each process may lose what it still held, at most 9 points, when the other was refused.
      expect(allowed).toBeLessThanOrEqual(busy.perSecond);
      expect(allowed).toBeGreaterThanOrEqual(busy.perSecond - 2 * 9);
    });
  });

  it('keep the budgets of another deployment, with another prefix, apart', async () => {
    const otherPrefix = `test:${randomUUID()}:`;
    const other = new RedisRateLimiter(clients[1]!, { ...LIMITS, keyPrefix: otherPrefix });
    try {
      await onFreshKeys(async (key) => {
        await takeTimes(first, { kind: 'customer', key }, LIMITS.customer.burst + 1);

        expect(await other.take({ kind: 'customer', key })).toMatchObject({ allowed: true });
      });
    } finally {
      const keys = await clients[0]!.keys(`${otherPrefix}*`);
      if (keys.length > 0) await clients[0]!.del(keys);
    }
  });
});

// Its own redis-server, killed and restarted: never the shared one.
describe('RedisRateLimiter when Redis goes down', () => {
  const keyPrefix = `test:${randomUUID()}:`;
  const dir = mkdtempSync(join(tmpdir(), 'rate-limit-redis-'));
  const errors: Error[] = [];
  const clients: Redis[] = [];
  let redis: OwnRedis;
  let first: RedisRateLimiter;
  let second: RedisRateLimiter;

  beforeAll(async () => {
    redis = await OwnRedis.start(dir);
    const onError = (error: Error) => errors.push(error);
    clients.push(await readyClient(redis.url, onError), await readyClient(redis.url, onError));
    first = new RedisRateLimiter(clients[0]!, { ...LIMITS, keyPrefix });
    second = new RedisRateLimiter(clients[1]!, { ...LIMITS, keyPrefix });
  });

  afterAll(async () => {
    await Promise.all(clients.map(closeFailFastRedisClient));
    await redis.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares the budget while Redis is up', async () => {
    await onFreshKeys(async (key) => {
      expect(await allowedInTurns([first, second], key)).toBe(LIMITS.customer.burst);
    });
  });

  it('falls back to limits of each process, without rejecting, once Redis is gone', async () => {
    await redis.kill();
    // Past the first failed reconnects, the clients are no longer connected at all.
    await eventually(() => expect(errors.length).toBeGreaterThan(2), { timeoutMs: 10_000 });

    await onFreshKeys(async (key) => {
      const bucket = { kind: 'customer', key } as const;
      const byFirst = await takeTimes(first, bucket, LIMITS.customer.burst + 1);
      const bySecond = await takeTimes(second, bucket, LIMITS.customer.burst + 1);

      for (const verdicts of [byFirst, bySecond]) {
        expect(verdicts.map((verdict) => verdict?.allowed)).toEqual([
          ...Array<boolean>(LIMITS.customer.burst).fill(true),
          false,
        ]);
      }
    });
  });

  it('shares the budget again once Redis is back', async () => {
    await redis.restart();
    await eventually(
      () => expect(clients.map((client) => client.status)).toEqual(['ready', 'ready']),
      {
        timeoutMs: 10_000,
      },
    );

    await onFreshKeys(async (key) => {
      expect(await allowedInTurns([first, second], key)).toBe(LIMITS.customer.burst);
    });
  });
});
