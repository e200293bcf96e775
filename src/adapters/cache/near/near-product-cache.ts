import type { Product } from '../../../domain/product/product';
import type { ProductId } from '../../../domain/shared/ids';
import type { Clock } from '../../../application/ports/clock';
import type { ProductCache, ProductCacheEntry } from '../../../application/ports/product-cache';

export interface NearProductCacheOptions {
  /**
   * How long this process serves a copy without asking the shared cache: how much later than the
   * shared cache a change can show here, once the change has been invalidated there.
   */
  holdMs: number;
  /** Most products held; past it the longest-held copy goes first, so memory stays bounded. */
  maxEntries: number;
}

interface HeldCopy {
  product: Product;
  /** When the shared cache's entry expires: a copy never outlives it. */
  expiresAt: number;
  /** When this process asks the shared cache again. */
  heldUntil: number;
}

/**
 * A process-local copy in front of a shared cache (a "near cache"): a hot product read in the
 * last `holdMs` is served without the shared cache's network round trip, the largest cost of a
 * read. A copy keeps the shared entry's expiry, so refresh-ahead and the TTL's staleness bound hold
 * as before; invalidations from other processes reach this one at most `holdMs` late.
 */
export class NearProductCache implements ProductCache {
  private readonly copies = new Map<ProductId, HeldCopy>();
  /** Reads served from this process's copies since start, for the metrics. */
  localHits = 0;

  constructor(
    private readonly shared: ProductCache,
    private readonly options: NearProductCacheOptions,
    private readonly clock: Clock,
  ) {}

  get ttlMs(): number {
    return this.shared.ttlMs;
  }

  async get(id: ProductId): Promise<ProductCacheEntry | null> {
    const now = this.clock.now().getTime();
    const copy = this.copies.get(id);
    if (copy && copy.heldUntil > now) {
      this.localHits += 1;
      return { product: copy.product, expiresInMs: copy.expiresAt - now };
    }
    this.copies.delete(id);
    const entry = await this.shared.get(id);
    if (entry) this.hold(entry.product, now + entry.expiresInMs, now);
    return entry;
  }

  async set(product: Product): Promise<void> {
    this.copies.delete(product.id);
    await this.shared.set(product);
    const now = this.clock.now().getTime();
    this.hold(product, now + this.shared.ttlMs, now);
  }

  async invalidate(ids: readonly ProductId[]): Promise<void> {
    for (const id of ids) this.copies.delete(id);
    await this.shared.invalidate(ids);
  }

  private hold(product: Product, expiresAt: number, now: number): void {
    const heldUntil = Math.min(expiresAt, now + this.options.holdMs);
    if (heldUntil <= now) return;
    if (this.copies.size >= this.options.maxEntries) {
      const longestHeld = this.copies.keys().next();
      if (!longestHeld.done) this.copies.delete(longestHeld.value);
    }
    this.copies.set(product.id, { product, expiresAt, heldUntil });
  }
}
