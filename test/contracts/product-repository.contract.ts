import { randomUUID } from 'node:crypto';
import { productId } from '../../src/domain/shared/ids';
import { aProduct, at, insertProducts, newestFirst, walkPages } from './store-builders';
import { useStore, type MakeStore } from './store-under-test';

export function productRepositoryContract(makeStore: MakeStore): void {
  describe('ProductRepository contract', () => {
    const store = useStore(makeStore);

    it('reads back what it stored, field for field, dates to the millisecond', async () => {
      const product = aProduct({
        name: 'Thé vert 🍵 « sencha »',
        price: Number.MAX_SAFE_INTEGER,
        stock: 0,
        createdAt: at(321),
        updatedAt: at(654),
      });
      await store().products.insert(product);

      const found = await store().products.findById(product.id);

      expect(found).toStrictEqual(product);
      expect(typeof found?.price).toBe('number');
      expect(typeof found?.stock).toBe('number');
    });

    it('answers null for an id it does not hold', async () => {
      expect(await store().products.findById(productId(randomUUID()))).toBeNull();
    });

    it('locks many in ascending id order, each once, leaving absent ids out', async () => {
      const products = await insertProducts(store(), 4);
      const absent = productId(randomUUID());
      const asked = [...products].reverse().map((product) => product.id);

      const locked = await store().unitOfWork.run((tx) =>
        tx.products.lockMany([...asked, absent, asked[0]!]),
      );

      expect(locked.map((product) => product.id)).toEqual(
        products.map((product) => product.id).sort(),
      );
      expect(locked).toEqual(expect.arrayContaining(products));
    });

    it('locks nothing for no ids or only absent ids', async () => {
      const locked = await store().unitOfWork.run(async (tx) => [
        await tx.products.lockMany([]),
        await tx.products.lockMany([productId(randomUUID())]),
      ]);

      expect(locked).toEqual([[], []]);
    });

    it('updates name, price, stock and updatedAt, and keeps createdAt', async () => {
      const [product] = await insertProducts(store(), 1);
      const changed = {
        ...product!,
        name: 'Renamed',
        price: 1,
        stock: 0,
        createdAt: at(888_888),
        updatedAt: at(99_999),
      };

      await store().products.update(changed);

      expect(await store().products.findById(product!.id)).toStrictEqual({
        ...changed,
        createdAt: product!.createdAt,
      });
    });

    it('writes nothing when updating a product it does not hold', async () => {
      const ghost = aProduct();

      await store().products.update(ghost);

      expect(await store().products.findById(ghost.id)).toBeNull();
    });

    it('updates the stock and updatedAt of many at once, and nothing else', async () => {
      const [a, b, untouched] = await insertProducts(store(), 3);
      const changed = [
        { ...b!, name: 'Ignored', price: 1, stock: 0, updatedAt: at(70_000) },
        { ...a!, stock: a!.stock + 5, updatedAt: at(80_000) },
      ];

      await store().unitOfWork.run((tx) => tx.products.updateStocks(changed));

      expect(await store().products.findById(a!.id)).toStrictEqual({
        ...a!,
        stock: a!.stock + 5,
        updatedAt: at(80_000),
      });
      expect(await store().products.findById(b!.id)).toStrictEqual({
        ...b!,
        stock: 0,
        updatedAt: at(70_000),
      });
      expect(await store().products.findById(untouched!.id)).toStrictEqual(untouched);
    });

    it('updates the stocks it holds, skips absent ids, and does nothing for none', async () => {
      const [product] = await insertProducts(store(), 1);
      const ghost = aProduct();

      await store().products.updateStocks([]);
      await store().products.updateStocks([ghost, { ...product!, stock: 1 }]);

      expect(await store().products.findById(ghost.id)).toBeNull();
      expect(await store().products.findById(product!.id)).toStrictEqual({
        ...product!,
        stock: 1,
      });
    });

    it('refuses a negative stock among many and writes none of them', async () => {
      const [a, b] = await insertProducts(store(), 2);

      await expect(
        store().unitOfWork.run((tx) =>
          tx.products.updateStocks([
            { ...a!, stock: 0 },
            { ...b!, stock: -1 },
          ]),
        ),
      ).rejects.toThrow();

      expect(await store().products.findById(a!.id)).toStrictEqual(a);
      expect(await store().products.findById(b!.id)).toStrictEqual(b);
    });

    it('refuses a negative stock or price and stores nothing', async () => {
      const negativeStock = aProduct({ stock: -1 });
      const negativePrice = aProduct({ price: -1 });

      await expect(store().products.insert(negativeStock)).rejects.toThrow();
      await expect(store().products.insert(negativePrice)).rejects.toThrow();

      expect(await store().products.findById(negativeStock.id)).toBeNull();
      expect(await store().products.findById(negativePrice.id)).toBeNull();
    });

    it('answers an empty first page when it holds nothing', async () => {
      expect(await store().products.list({ limit: 5, after: null })).toEqual({
        items: [],
        next: null,
      });
    });

    it('pages newest first, ties broken by id, with no duplicates or skips', async () => {
      const products = [0, 1, 1, 1, 2, 3, 3].map((second) =>
        aProduct({ createdAt: at(second * 1000) }),
      );
      for (const product of products) await store().products.insert(product);

      const walked = await walkPages((page) => store().products.list(page), 3);

      expect(walked).toEqual({ ids: newestFirst(products), pages: 3 });
    });

    it('gives no further page when the rows end exactly at a page boundary', async () => {
      const products = [1, 2, 3, 4].map((second) => aProduct({ createdAt: at(second * 1000) }));
      for (const product of products) await store().products.insert(product);

      const walked = await walkPages((page) => store().products.list(page), 2);

      expect(walked).toEqual({ ids: newestFirst(products), pages: 2 });
    });

    it('keeps its place when rows are inserted between pages', async () => {
      const products = [1, 2, 3, 4, 5, 6].map((second) =>
        aProduct({ createdAt: at(second * 1000) }),
      );
      for (const product of products) await store().products.insert(product);
      const expected = newestFirst(products);

      const first = await store().products.list({ limit: 2, after: null });
      const newer = aProduct({ createdAt: at(60_000) });
      const tiedWithCursor = aProduct({ createdAt: first.next!.createdAt });
      const oldest = aProduct({ createdAt: at(0) });
      for (const product of [newer, tiedWithCursor, oldest]) {
        await store().products.insert(product);
      }
      const rest = await walkPages(
        (page) => store().products.list(page.after ? page : { ...page, after: first.next }),
        2,
      );

      expect(first.items.map((product) => product.id)).toEqual(expected.slice(0, 2));
      const tiedComesAfter = tiedWithCursor.id < first.next!.id ? [tiedWithCursor.id] : [];
      expect(rest.ids).toEqual([...tiedComesAfter, ...expected.slice(2), oldest.id]);
    });
  });
}
