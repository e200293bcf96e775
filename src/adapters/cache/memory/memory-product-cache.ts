import type { Product } from '../../../domain/product/product';
import type { ProductId } from '../../../domain/shared/ids';
import type { Clock } from '../../../application/ports/clock';
import type { ProductCache, ProductCacheEntry } from '../../../application/ports/product-cache';

/** The embedded mode's cache, with the same TTL semantics as the Redis one. */
export class MemoryProductCache implements ProductCache {
  private readonly entries = new Map<string, { product: Product; expiresAt: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  async get(id: ProductId): Promise<ProductCacheEntry | null> {
    const entry = this.entries.get(id);
    if (!entry) return null;
    const expiresInMs = entry.expiresAt - this.clock.now().getTime();
    if (expiresInMs <= 0) {
      this.entries.delete(id);
      return null;
    }
    return { product: entry.product, expiresInMs };
  }

  async set(product: Product): Promise<void> {
    this.entries.set(product.id, { product, expiresAt: this.clock.now().getTime() + this.ttlMs });
  }

  async invalidate(ids: readonly ProductId[]): Promise<void> {
    for (const id of ids) this.entries.delete(id);
  }
}
