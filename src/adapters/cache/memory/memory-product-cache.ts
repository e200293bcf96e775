import type { Product } from '../../../domain/product/product';
import type { ProductId } from '../../../domain/shared/ids';
import type { Clock } from '../../../application/ports/clock';
import type { ProductCache } from '../../../application/ports/product-cache';

/** The embedded mode's cache, with the same TTL semantics as the Redis one. */
export class MemoryProductCache implements ProductCache {
  private readonly entries = new Map<string, { product: Product; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  async get(id: ProductId): Promise<Product | null> {
    const entry = this.entries.get(id);
    if (!entry) return null;
    if (entry.expiresAt <= this.clock.now().getTime()) {
      this.entries.delete(id);
      return null;
    }
    return entry.product;
  }

  async set(product: Product): Promise<void> {
    this.entries.set(product.id, { product, expiresAt: this.clock.now().getTime() + this.ttlMs });
  }

  async invalidate(ids: readonly ProductId[]): Promise<void> {
    for (const id of ids) this.entries.delete(id);
  }
}
