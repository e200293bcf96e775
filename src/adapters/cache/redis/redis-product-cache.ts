import type Redis from 'ioredis';
import type { Product } from '../../../domain/product/product';
import { productId, type ProductId } from '../../../domain/shared/ids';
import type { ProductCache, ProductCacheEntry } from '../../../application/ports/product-cache';

export interface RedisProductCacheOptions {
  /** How long an entry lives, in milliseconds. */
  ttlMs: number;
  /** Prepended to every key, so several services (or test files) can share one Redis. */
  keyPrefix: string;
}

/** The stored form: Dates travel as ISO-8601 strings, which keep millisecond precision. */
interface StoredProduct {
  id: string;
  name: string;
  price: number;
  stock: number;
  createdAt: string;
  updatedAt: string;
}

function toCached(product: Product): StoredProduct {
  return {
    id: product.id,
    name: product.name,
    price: product.price,
    stock: product.stock,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}

function fromCached(cached: StoredProduct): Product {
  return {
    id: productId(cached.id),
    name: cached.name,
    price: cached.price,
    stock: cached.stock,
    createdAt: new Date(cached.createdAt),
    updatedAt: new Date(cached.updatedAt),
  };
}

/**
 * Read-through product cache in Redis. Entries expire on their own after `ttlMs` (Redis `PX`), which
 * bounds how long a write that raced an invalidation can serve a stale product.
 */
export class RedisProductCache implements ProductCache {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisProductCacheOptions,
  ) {}

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /** GET and PTTL in one round trip; the remaining lifetime comes from Redis' own clock. */
  async get(id: ProductId): Promise<ProductCacheEntry | null> {
    const key = this.key(id);
    const replies = (await this.redis.pipeline().get(key).pttl(key).exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
    const [json, pttl] = replies.map(([, reply]) => reply);
    if (typeof json !== 'string') return null;
    // PTTL answers -2 when the key expired between the two commands: the product read is still good.
    return {
      product: fromCached(JSON.parse(json) as StoredProduct),
      expiresInMs: Math.max(0, Number(pttl)),
    };
  }

  async set(product: Product): Promise<void> {
    await this.redis.set(
      this.key(product.id),
      JSON.stringify(toCached(product)),
      'PX',
      this.options.ttlMs,
    );
  }

  async invalidate(ids: readonly ProductId[]): Promise<void> {
    // DEL with no key is a Redis syntax error.
    if (ids.length === 0) return;
    await this.redis.del(ids.map((id) => this.key(id)));
  }

  /** Resolves when Redis answers; for readiness checks. */
  async ping(): Promise<void> {
    await this.redis.ping();
  }

  private key(id: ProductId): string {
    return `${this.options.keyPrefix}product:${id}`;
  }
}
