import type { Product } from '../../domain/product/product';
import { NotFoundError } from '../../domain/shared/domain-error';
import type { ProductId } from '../../domain/shared/ids';
import type { Logger } from '../ports/logger';
import type { ProductCache } from '../ports/product-cache';
import type { ProductRepository } from '../ports/product-repository';

/**
 * An entry with less than this share of its TTL left is served and refreshed in the background,
 * so a product read steadily never misses; the TTL itself still bounds staleness.
 */
const REFRESH_AHEAD_SHARE = 0.2;

/**
 * The hot read: read-through cache with refresh-ahead, and straight to the store when the cache is
 * down. At most one store read per product is in flight: concurrent misses and refreshes share it.
 */
export class GetProduct {
  private readonly loads = new Map<ProductId, Promise<Product | null>>();

  constructor(
    private readonly products: ProductRepository,
    private readonly cache: ProductCache,
    private readonly logger: Logger,
  ) {}

  async execute(id: ProductId): Promise<Product> {
    const cached = await this.cache.get(id).catch((error: unknown) => {
      this.logger.warn('product cache read failed; reading the store', { error: String(error) });
      return null;
    });
    if (cached) {
      if (cached.expiresInMs <= this.cache.ttlMs * REFRESH_AHEAD_SHARE) this.refresh(id);
      return cached.product;
    }
    const product = await this.load(id);
    if (!product) throw new NotFoundError('Product', id);
    return product;
  }

  private refresh(id: ProductId): void {
    if (this.loads.has(id)) return;
    this.load(id).catch((error: unknown) => {
      this.logger.warn('product cache refresh failed', { error: String(error) });
    });
  }

  private load(id: ProductId): Promise<Product | null> {
    let pending = this.loads.get(id);
    if (!pending) {
      pending = this.readThrough(id).finally(() => this.loads.delete(id));
      this.loads.set(id, pending);
    }
    return pending;
  }

  private async readThrough(id: ProductId): Promise<Product | null> {
    const product = await this.products.findById(id);
    if (!product) return null;
    await this.cache.set(product).catch((error: unknown) => {
      this.logger.warn('product cache write failed', { error: String(error) });
    });
    return product;
  }
}
