import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { NearProductCache } from '../../../src/adapters/cache/near/near-product-cache';
import { RedisProductCache } from '../../../src/adapters/cache/redis/redis-product-cache';
import {
  closeFailFastRedisClient,
  createFailFastRedisClient,
} from '../../../src/adapters/redis/fail-fast-redis-client';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { eventually } from '../../support/eventually';
import { productCacheContract } from '../product-cache.contract';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `test:${randomUUID()}:`;
let redis: Redis;
const clock = new SystemClock();

beforeAll(async () => {
  redis = createFailFastRedisClient(redisUrl, () => undefined);
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

// What the service runs with Redis configured: a copy per process in front of Redis.
productCacheContract(
  ({ ttlMs }) =>
    new NearProductCache(
      new RedisProductCache(redis, { ttlMs, keyPrefix }, clock),
      { holdMs: 250, maxEntries: 100 },
      clock,
    ),
);
