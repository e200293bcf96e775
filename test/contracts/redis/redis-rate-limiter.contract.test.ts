import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { RedisRateLimiter } from '../../../src/adapters/rate-limit/redis/redis-rate-limiter';
import {
  closeFailFastRedisClient,
  createFailFastRedisClient,
} from '../../../src/adapters/redis/fail-fast-redis-client';
import { eventually } from '../../support/eventually';
import { rateLimiterContract } from '../rate-limiter.contract';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `test:${randomUUID()}:`;
let redis: Redis;

beforeAll(async () => {
  redis = createFailFastRedisClient(redisUrl, () => undefined);
  // Without Redis the limiter would pass on its in-process insurance: fail here instead.
  await eventually(() => redis.ping(), { timeoutMs: 5000 });
});

afterAll(async () => {
  try {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(keys);
  } finally {
    await closeFailFastRedisClient(redis);
  }
});

rateLimiterContract((limits) => new RedisRateLimiter(redis, { ...limits, keyPrefix }));

describe('RedisRateLimiter key layout', () => {
  it('counts in Redis, under <prefix>ratelimit:<kind>:', async () => {
    const limiter = new RedisRateLimiter(redis, {
      customer: { perSecond: 5, burst: 10 },
      anonymous: { perSecond: 5, burst: 10 },
      keyPrefix,
    });
    const key = randomUUID();

    await limiter.take({ kind: 'anonymous', key });

    expect(await redis.get(`${keyPrefix}ratelimit:anonymous:sustained:${key}`)).toBe('1');
  });
});
