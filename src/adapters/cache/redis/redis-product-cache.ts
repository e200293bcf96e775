import type Redis from 'ioredis';
import type { Product } from '../../../domain/product/product';
import { productId, type ProductId } from '../../../domain/shared/ids';
import type { Clock } from '../../../application/ports/clock';
import type { ProductCache, ProductCacheEntry } from '../../../application/ports/product-cache';

export interface RedisProductCacheOptions {
  /** How long an entry lives, in milliseconds. */
  ttlMs: number;
  /** Prepended to every key, so several services (or test files) can share one Redis. */
  keyPrefix: string;
}

/**
 * The stored form: Dates travel as ISO-8601 strings, which keep millisecond precision. The entry
 * carries its own expiry (epoch ms), so a read is one GET: asking Redis for the key's PTTL too
 * took a pipeline per read, the largest allocation on the hot read path. Redis' PX still evicts.
 */
interface StoredProduct {
  id: string;
  name: string;
  price: number;
  stock: number;
  createdAt: string;
  updatedAt: string;
  expiresAt?: number;
}

function toCached(product: Product, expiresAt: number): StoredProduct {
  return {
    id: product.id,
    name: product.name,
    price: product.price,
    stock: product.stock,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
    expiresAt,
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
  /** Lookups since start, for the metrics; an error is a lookup Redis did not answer. */
  readonly reads = { hits: 0, misses: 0, errors: 0 };

  /**
   * `clock` stamps and reads each entry's expiry: the service's processes must agree on the time
   * (NTP) for refresh-ahead to start on time; Redis' PX evicts on its own clock whatever they say.
   */
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisProductCacheOptions,
    private readonly clock: Clock,
  ) {}

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  async get(id: ProductId): Promise<ProductCacheEntry | null> {
    let json: string | null;
    try {
      json = await this.redis.get(this.key(id));
    } catch (error) {
      this.reads.errors += 1;
      throw error;
    }
    if (json === null) {
      this.reads.misses += 1;
      return null;
    }
    this.reads.hits += 1;
    const cached = JSON.parse(json) as StoredProduct;
    // An entry written without its expiry (by an older release) counts as due for a refresh.
    const expiresAt = typeof cached.expiresAt === 'number' ? cached.expiresAt : 0;
    return {
      product: fromCached(cached),
      expiresInMs: Math.min(
        this.options.ttlMs,
        Math.max(0, expiresAt - this.clock.now().getTime()),
      ),
    };
  }

  async set(product: Product): Promise<void> {
    await this.redis.set(
      this.key(product.id),
      JSON.stringify(toCached(product, this.clock.now().getTime() + this.options.ttlMs)),
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
