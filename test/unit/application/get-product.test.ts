import { ADMIN } from '../../support/tokens';
import { MemoryProductCache } from '../../../src/adapters/cache/memory/memory-product-cache';
import type { ProductRepository } from '../../../src/application/ports/product-repository';
import { TOKENS } from '../../../src/application/ports/tokens';
import { CreateProduct } from '../../../src/application/products/create-product';
import { GetProduct } from '../../../src/application/products/get-product';
import type { Product } from '../../../src/domain/product/product';
import { NotFoundError } from '../../../src/domain/shared/domain-error';
import { productId } from '../../../src/domain/shared/ids';
import { eventually } from '../../support/eventually';
import { ManualClock } from '../../support/fakes';
import { silentLogger } from '../../support/silent-logger';
import { useCaseHarness, type Harness } from '../../support/use-case-harness';

const TTL_MS = 1000;

/** The store, counting its reads: single-flight is about how many reads reach it. */
function countingReads(store: ProductRepository): { products: ProductRepository; reads(): number } {
  let reads = 0;
  const products = Object.create(store) as ProductRepository;
  products.findById = (id) => {
    reads += 1;
    return store.findById(id);
  };
  return { products, reads: () => reads };
}

describe('GetProduct', () => {
  let h: Harness;
  let clock: ManualClock;
  let cache: MemoryProductCache;
  let store: ReturnType<typeof countingReads>;
  let getProduct: GetProduct;
  let product: Product;

  beforeEach(async () => {
    h = await useCaseHarness();
    clock = new ManualClock();
    cache = new MemoryProductCache(TTL_MS, clock);
    store = countingReads(h.container.get<ProductRepository>(TOKENS.ProductRepository));
    getProduct = new GetProduct(store.products, cache, silentLogger);
    product = await h.get(CreateProduct).execute(ADMIN, { name: 'Lamp', price: 100, stock: 1 });
  });
  afterEach(() => h.close());

  // A cached copy that differs from the store shows which of the two a read was served from.
  const cachedCopy = (): Product => ({ ...product, stock: 99 });

  it('serves a fresh entry from the cache without touching the store', async () => {
    await cache.set(cachedCopy());
    clock.advance(TTL_MS / 2);

    expect((await getProduct.execute(product.id)).stock).toBe(99);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await getProduct.execute(product.id)).stock).toBe(99);
    expect(store.reads()).toBe(0);
  });

  it('serves an entry near the end of its TTL and refreshes it from the store behind', async () => {
    await cache.set(cachedCopy());
    clock.advance(TTL_MS * 0.9);

    expect((await getProduct.execute(product.id)).stock).toBe(99);

    await eventually(async () => expect((await cache.get(product.id))?.product.stock).toBe(1));
    expect((await cache.get(product.id))?.expiresInMs).toBe(TTL_MS);
    expect((await getProduct.execute(product.id)).stock).toBe(1);
  });

  it('refreshes an entry once however many reads ask while the refresh runs', async () => {
    await cache.set(cachedCopy());
    clock.advance(TTL_MS * 0.9);

    await Promise.all(Array.from({ length: 10 }, () => getProduct.execute(product.id)));

    await eventually(async () => expect((await cache.get(product.id))?.product.stock).toBe(1));
    expect(store.reads()).toBe(1);
  });

  it('lets concurrent misses for one product share a single store read', async () => {
    const reads = await Promise.all(
      Array.from({ length: 10 }, () => getProduct.execute(product.id)),
    );

    expect(reads.map((read) => read.stock)).toEqual(Array(10).fill(1));
    expect(store.reads()).toBe(1);
    expect((await cache.get(product.id))?.product).toEqual(product);
  });

  it('reads the store again once the shared read has finished', async () => {
    await getProduct.execute(product.id);
    await cache.invalidate([product.id]);

    await getProduct.execute(product.id);

    expect(store.reads()).toBe(2);
  });

  it('answers NotFound to every concurrent miss for an absent product', async () => {
    const absent = productId('absent');
    const reads = await Promise.allSettled(
      Array.from({ length: 3 }, () => getProduct.execute(absent)),
    );

    for (const read of reads) {
      expect(read.status === 'rejected' && read.reason).toBeInstanceOf(NotFoundError);
    }
    expect(store.reads()).toBe(1);
  });
});
