import { randomUUID } from 'node:crypto';
import type { ProductCache } from '../../src/application/ports/product-cache';
import type { Product } from '../../src/domain/product/product';
import { productId } from '../../src/domain/shared/ids';
import { eventually } from '../support/eventually';

/** Builds a cache whose entries live `ttlMs`; caches from one binding may share a backing store. */
export type MakeProductCache = (options: { ttlMs: number }) => ProductCache | Promise<ProductCache>;

const LONG_TTL_MS = 60_000;
const SHORT_TTL_MS = 150;

// Random ids keep tests independent when a binding shares one store between them.
function aProduct(overrides: Partial<Product> = {}): Product {
  return {
    id: productId(randomUUID()),
    name: 'Café crème — 250 g',
    price: 1299,
    stock: 7,
    createdAt: new Date('2024-05-06T07:08:09.123Z'),
    updatedAt: new Date('2024-06-07T08:09:10.456Z'),
    ...overrides,
  };
}

export function productCacheContract(makeSubject: MakeProductCache): void {
  describe('ProductCache contract', () => {
    let cache: ProductCache;

    beforeEach(async () => {
      cache = await makeSubject({ ttlMs: LONG_TTL_MS });
    });

    it('answers null for a product it never saw', async () => {
      expect(await cache.get(productId(randomUUID()))).toBeNull();
    });

    it('returns what was set, field for field, with Dates as Dates', async () => {
      const product = aProduct();
      await cache.set(product);

      const cached = (await cache.get(product.id))?.product;

      expect(cached).toStrictEqual(product);
      expect(cached?.createdAt).toBeInstanceOf(Date);
      expect(cached?.updatedAt).toBeInstanceOf(Date);
    });

    it('keeps a product whose stock and price are zero', async () => {
      const product = aProduct({ price: 0, stock: 0 });
      await cache.set(product);

      expect((await cache.get(product.id))?.product).toStrictEqual(product);
    });

    it('replaces an entry when the same product is set again', async () => {
      const product = aProduct();
      const changed = { ...product, stock: 3, updatedAt: new Date('2024-07-01T00:00:00.001Z') };
      await cache.set(product);
      await cache.set(changed);

      expect((await cache.get(product.id))?.product).toStrictEqual(changed);
    });

    it('tells its TTL and how long an entry has left, at most that TTL', async () => {
      const product = aProduct();
      await cache.set(product);

      const entry = await cache.get(product.id);

      expect(cache.ttlMs).toBe(LONG_TTL_MS);
      // Most of the TTL is left right after a set, or callers would refresh on every read.
      expect(entry?.expiresInMs).toBeGreaterThan(LONG_TTL_MS * 0.8);
      expect(entry?.expiresInMs).toBeLessThanOrEqual(LONG_TTL_MS);
    });

    it('forgets an invalidated product', async () => {
      const product = aProduct();
      await cache.set(product);

      await cache.invalidate([product.id]);

      expect(await cache.get(product.id)).toBeNull();
    });

    it('invalidates several products in one call and leaves the others', async () => {
      const [first, second, kept] = [aProduct(), aProduct(), aProduct()];
      for (const product of [first, second, kept]) await cache.set(product);

      await cache.invalidate([first.id, second.id]);

      expect(await cache.get(first.id)).toBeNull();
      expect(await cache.get(second.id)).toBeNull();
      expect((await cache.get(kept.id))?.product).toStrictEqual(kept);
    });

    it('accepts an empty list and ids it does not hold', async () => {
      await expect(cache.invalidate([])).resolves.toBeUndefined();
      await expect(cache.invalidate([productId(randomUUID())])).resolves.toBeUndefined();
    });

    it('lets an entry expire after its TTL, while a longer-lived entry stays', async () => {
      const shortLived = await makeSubject({ ttlMs: SHORT_TTL_MS });
      const expiring = aProduct();
      const lasting = aProduct();
      await shortLived.set(expiring);
      await cache.set(lasting);

      await eventually(async () => expect(await shortLived.get(expiring.id)).toBeNull(), {
        timeoutMs: 5000,
      });

      expect((await cache.get(lasting.id))?.product).toStrictEqual(lasting);
    });
  });
}
