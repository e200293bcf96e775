import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import {
  closeFailFastRedisClient,
  createFailFastRedisClient,
} from '../../../src/adapters/redis/fail-fast-redis-client';
import { NearProductCache } from '../../../src/adapters/cache/near/near-product-cache';
import { RedisProductCache } from '../../../src/adapters/cache/redis/redis-product-cache';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { productId } from '../../../src/domain/shared/ids';
import { eventually } from '../../support/eventually';
import { productCacheContract } from '../product-cache.contract';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `test:${randomUUID()}:`;
let redis: Redis;
const clock = new SystemClock();

beforeAll(async () => {
  redis = createFailFastRedisClient(redisUrl, () => undefined);
  // The client rejects commands until its first connection is ready; fail if it never is.
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

describe('RedisProductCache', () => {
  productCacheContract(({ ttlMs }) => new RedisProductCache(redis, { ttlMs, keyPrefix }, clock));
});

// What the service runs with Redis configured: a copy per process in front of Redis.
describe('NearProductCache in front of RedisProductCache', () => {
  productCacheContract(
    ({ ttlMs }) =>
      new NearProductCache(
        new RedisProductCache(redis, { ttlMs, keyPrefix }, clock),
        { holdMs: 250, maxEntries: 100 },
        clock,
      ),
  );
});

describe('RedisProductCache key layout', () => {
  it('stores a product under <prefix>product:<id> with its TTL', async () => {
    const cache = new RedisProductCache(redis, { ttlMs: 60_000, keyPrefix }, clock);
    const now = new Date();
    const product = { id: productId(randomUUID()), name: 'Layout', price: 1, stock: 1 };
    await cache.set({ ...product, createdAt: now, updatedAt: now });

    const ttl = await redis.pttl(`${keyPrefix}product:${product.id}`);

    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('reads an entry written without its expiry as due for a refresh, and serves it', async () => {
    const cache = new RedisProductCache(redis, { ttlMs: 60_000, keyPrefix }, clock);
    const id = productId(randomUUID());
    const stored = {
      id,
      name: 'Older release',
      price: 5,
      stock: 2,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
    };
    await redis.set(`${keyPrefix}product:${id}`, JSON.stringify(stored), 'PX', 60_000);

    const entry = await cache.get(id);

    expect(entry?.product).toStrictEqual({
      ...stored,
      createdAt: new Date(stored.createdAt),
      updatedAt: new Date(stored.updatedAt),
    });
    expect(entry?.expiresInMs).toBe(0);
  });

  it('answers ping', async () => {
    const cache = new RedisProductCache(redis, { ttlMs: 60_000, keyPrefix }, clock);
    await expect(cache.ping()).resolves.toBeUndefined();
  });
});
