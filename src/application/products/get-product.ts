import type { Product } from '../../domain/product/product';
import { NotFoundError } from '../../domain/shared/domain-error';
import type { ProductId } from '../../domain/shared/ids';
import type { Logger } from '../ports/logger';
import type { ProductCache } from '../ports/product-cache';
import type { ProductRepository } from '../ports/product-repository';

/** The hot read: read-through cache, and straight to the store when the cache is down. */
export class GetProduct {
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
    if (cached) return cached;
    const product = await this.products.findById(id);
    if (!product) throw new NotFoundError('Product', id);
    await this.cache.set(product).catch((error: unknown) => {
      this.logger.warn('product cache write failed', { error: String(error) });
    });
    return product;
  }
}
