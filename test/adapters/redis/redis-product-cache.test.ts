import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type Redis from 'ioredis';
import {
  closeFailFastRedisClient,
  createFailFastRedisClient,
} from '../../../src/adapters/redis/fail-fast-redis-client';
import { RedisProductCache } from '../../../src/adapters/cache/redis/redis-product-cache';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import type { Product } from '../../../src/domain/product/product';
import { productId } from '../../../src/domain/shared/ids';
import { eventually } from '../../support/eventually';

const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

/** A port that nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  await new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  return address.port;
}

/** Opens `port` as a relay to the real Redis: from the client's side, Redis comes up there. */
async function relayToRedis(port: number, sockets: Socket[]): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(Number(redisUrl.port || 6379), redisUrl.hostname);
    sockets.push(client, upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

function aProduct(): Product {
  const now = new Date();
  return {
    id: productId(randomUUID()),
    name: 'Offline',
    price: 1,
    stock: 1,
    createdAt: now,
    updatedAt: now,
  };
}

describe('RedisProductCache when Redis is unreachable', () => {
  const keyPrefix = `test:${randomUUID()}:`;
  const errors: Error[] = [];
  const relaySockets: Socket[] = [];
  let port: number;
  let redis: Redis;
  let cache: RedisProductCache;
  let relay: Server | undefined;

  beforeAll(async () => {
    port = await closedPort();
    redis = createFailFastRedisClient(`redis://127.0.0.1:${port}`, (error) => errors.push(error));
    cache = new RedisProductCache(redis, { ttlMs: 1000, keyPrefix }, new SystemClock());
  });

  afterAll(async () => {
    await closeFailFastRedisClient(redis);
    for (const socket of relaySockets) socket.destroy();
    await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
  });

  it('rejects a read instead of queueing it, so the caller can fall back to the store', async () => {
    await expect(cache.get(productId(randomUUID()))).rejects.toThrow();
  });

  it('rejects writes and invalidations too', async () => {
    const product = aProduct();
    await expect(cache.set(product)).rejects.toThrow();
    await expect(cache.invalidate([product.id])).rejects.toThrow();
  });

  it('fails its readiness ping', async () => {
    await expect(cache.ping()).rejects.toThrow();
  });

  it('still rejects after failed reconnect attempts, and reports them', async () => {
    await eventually(() => expect(errors.length).toBeGreaterThan(1), { timeoutMs: 5000 });

    await expect(cache.get(productId(randomUUID()))).rejects.toThrow();
  });

  it('recovers on its own once Redis is reachable', async () => {
    relay = await relayToRedis(port, relaySockets);

    await eventually(() => cache.ping(), { timeoutMs: 10_000 });

    const product = aProduct();
    await cache.set(product);
    expect((await cache.get(product.id))?.product).toStrictEqual(product);
    await cache.invalidate([product.id]);
  });
});

describe('closeFailFastRedisClient', () => {
  it('ends a client that cannot reach Redis, which stops its reconnects', async () => {
    const redis = createFailFastRedisClient(
      `redis://127.0.0.1:${await closedPort()}`,
      () => undefined,
    );

    await closeFailFastRedisClient(redis);

    await eventually(() => expect(redis.status).toBe('end'));
  });

  it('quits a connected client', async () => {
    const redis = createFailFastRedisClient(redisUrl.href, () => undefined);
    await eventually(() => redis.ping(), { timeoutMs: 5000 });

    await closeFailFastRedisClient(redis);

    await eventually(() => expect(redis.status).toBe('end'));
  });
});
