import type { Product } from '../../domain/product/product';
import type { ProductId } from '../../domain/shared/ids';

/**
 * A best-effort copy of hot product reads. Any method may reject when the cache is unreachable;
 * it must do so at once (no queueing, no retries), because callers fall back to the store.
 */
export interface ProductCache {
  get(id: ProductId): Promise<Product | null>;
  set(product: Product): Promise<void>;
  invalidate(ids: readonly ProductId[]): Promise<void>;
}
