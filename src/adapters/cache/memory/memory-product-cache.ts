import type { Product } from '../../../domain/product/product';
import type { ProductId } from '../../../domain/shared/ids';
import type { Clock } from '../../../application/ports/clock';
import type { ProductCache, ProductCacheEntry } from '../../../application/ports/product-cache';

/** The embedded mode's cache, with the same TTL semantics as the Redis one. */
export class MemoryProductCache implements ProductCache {
  private readonly entries = new Map<string, { product: Product; expiresAt: number }>();
  /** Lookups since start, for the metrics. */
  readonly reads = { hits: 0, misses: 0, errors: 0 };

  constructor(
    readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  async get(id: ProductId): Promise<ProductCacheEntry | null> {
    const entry = this.entries.get(id);
    const expiresInMs = entry ? entry.expiresAt - this.clock.now().getTime() : 0;
    if (!entry || expiresInMs <= 0) {
      if (entry) this.entries.delete(id);
      this.reads.misses += 1;
      return null;
    }
    this.reads.hits += 1;
    return { product: entry.product, expiresInMs };
  }

  async set(product: Product): Promise<void> {
    this.entries.set(product.id, { product, expiresAt: this.clock.now().getTime() + this.ttlMs });
  }

  async invalidate(ids: readonly ProductId[]): Promise<void> {
    for (const id of ids) this.entries.delete(id);
  }
}
