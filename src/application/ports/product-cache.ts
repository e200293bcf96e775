import type { Product } from '../../domain/product/product';
import type { ProductId } from '../../domain/shared/ids';

/** A cached product and how long it has left before the cache drops it. */
export interface ProductCacheEntry {
  product: Product;
  expiresInMs: number;
}

/**
 * A best-effort copy of hot product reads. Any method may reject when the cache is unreachable;
 * it must do so at once (no queueing, no retries), because callers fall back to the store.
 */
export interface ProductCache {
  /** How long an entry lives after `set`; it bounds how stale a served product can be. */
  readonly ttlMs: number;
  get(id: ProductId): Promise<ProductCacheEntry | null>;
  set(product: Product): Promise<void>;
  invalidate(ids: readonly ProductId[]): Promise<void>;
}
