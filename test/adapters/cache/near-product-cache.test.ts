import { randomUUID } from 'node:crypto';
import { MemoryProductCache } from '../../../src/adapters/cache/memory/memory-product-cache';
import { NearProductCache } from '../../../src/adapters/cache/near/near-product-cache';
import type { ProductCache } from '../../../src/application/ports/product-cache';
import type { Product } from '../../../src/domain/product/product';
import { productId } from '../../../src/domain/shared/ids';
import { ManualClock } from '../../support/fakes';

const TTL_MS = 1000;
const HOLD_MS = 250;

function aProduct(stock = 5): Product {
  const at = new Date('2026-01-01T00:00:00.000Z');
  return {
    id: productId(randomUUID()),
    name: 'Lamp',
    price: 100,
    stock,
    createdAt: at,
    updatedAt: at,
  };
}

/** A shared cache that counts the reads that reach it. */
class CountingCache implements ProductCache {
  reads = 0;
  constructor(private readonly inner: ProductCache) {}
  get ttlMs(): number {
    return this.inner.ttlMs;
  }
  get(id: Product['id']) {
    this.reads += 1;
    return this.inner.get(id);
  }
  set(product: Product) {
    return this.inner.set(product);
  }
  invalidate(ids: readonly Product['id'][]) {
    return this.inner.invalidate(ids);
  }
}

describe('NearProductCache: a copy per process in front of the shared cache', () => {
  let clock: ManualClock;
  let shared: CountingCache;
  let thisProcess: NearProductCache;
  let otherProcess: NearProductCache;

  beforeEach(() => {
    clock = new ManualClock();
    shared = new CountingCache(new MemoryProductCache(TTL_MS, clock));
    const options = { holdMs: HOLD_MS, maxEntries: 3 };
    thisProcess = new NearProductCache(shared, options, clock);
    otherProcess = new NearProductCache(shared, options, clock);
  });

  it('serves a product read within its hold without asking the shared cache', async () => {
    const product = aProduct();
    await otherProcess.set(product);

    expect((await thisProcess.get(product.id))?.product).toStrictEqual(product);
    clock.advance(HOLD_MS - 1);
    expect((await thisProcess.get(product.id))?.product).toStrictEqual(product);

    expect(shared.reads).toBe(1);
  });

  it('reports the shared entry’s remaining life, so refresh-ahead starts on time', async () => {
    const product = aProduct();
    await otherProcess.set(product);
    clock.advance(600);
    await thisProcess.get(product.id);
    clock.advance(200);

    expect((await thisProcess.get(product.id))?.expiresInMs).toBe(TTL_MS - 800);
  });

  it('shows another process’s change once its hold is over, never later', async () => {
    const product = aProduct(5);
    await otherProcess.set(product);
    await thisProcess.get(product.id);

    await otherProcess.invalidate([product.id]);
    await otherProcess.set({ ...product, stock: 3 });
    clock.advance(HOLD_MS);

    expect((await thisProcess.get(product.id))?.product.stock).toBe(3);
  });

  it('never holds a copy past the shared entry’s expiry', async () => {
    const product = aProduct();
    await otherProcess.set(product);
    clock.advance(TTL_MS - 100);
    await thisProcess.get(product.id);
    clock.advance(100);

    expect(await thisProcess.get(product.id)).toBeNull();
  });

  it('drops its own copy at once when it invalidates or sets', async () => {
    const product = aProduct(5);
    await thisProcess.set(product);
    await thisProcess.invalidate([product.id]);
    expect(await thisProcess.get(product.id)).toBeNull();

    await thisProcess.set({ ...product, stock: 1 });
    expect((await thisProcess.get(product.id))?.product.stock).toBe(1);
  });

  it('holds at most maxEntries copies, dropping the longest held first', async () => {
    const products = [aProduct(), aProduct(), aProduct(), aProduct()];
    for (const product of products) await otherProcess.set(product);
    for (const product of products) await thisProcess.get(product.id);
    shared.reads = 0;

    for (const product of products.slice(1)) await thisProcess.get(product.id);
    expect(shared.reads).toBe(0);
    await thisProcess.get(products[0]!.id);
    expect(shared.reads).toBe(1);
  });
});
