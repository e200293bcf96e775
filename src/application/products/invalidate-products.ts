import type { ProductId } from '../../domain/shared/ids';
import type { Logger } from '../ports/logger';
import type { ProductCache } from '../ports/product-cache';

/**
 * Drops changed products from the cache after a commit. A failure only delays freshness until
 * the cache entry's short TTL ends, so it is logged, not raised.
 */
export async function invalidateProducts(
  cache: ProductCache,
  logger: Logger,
  ids: readonly ProductId[],
): Promise<void> {
  if (ids.length === 0) return;
  await cache.invalidate(ids).catch((error: unknown) => {
    logger.warn('product cache invalidation failed', { error: String(error) });
  });
}
