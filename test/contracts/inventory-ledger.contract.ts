import { randomUUID } from 'node:crypto';
import type { InventoryMovement } from '../../src/domain/product/inventory-movement';
import { orderId, productId, type OrderId, type ProductId } from '../../src/domain/shared/ids';
import {
  anOrder,
  at,
  insertCustomer,
  insertOrders,
  insertProducts,
  lineOf,
} from './store-builders';
import { useStore, type MakeStore } from './store-under-test';

const movement = (
  product: ProductId,
  kind: InventoryMovement['kind'],
  quantity: number,
  order: OrderId | null = null,
  createdAt = at(2_345),
): InventoryMovement => ({ productId: product, orderId: order, kind, quantity, createdAt });

export function inventoryLedgerContract(makeStore: MakeStore): void {
  describe('InventoryLedger contract', () => {
    const store = useStore(makeStore);

    /** Two products and one order holding both. */
    async function anOrderOfTwo(): Promise<{ a: ProductId; b: ProductId; order: OrderId }> {
      const customer = await insertCustomer(store());
      const [a, b] = await insertProducts(store(), 2);
      const order = anOrder(customer.id, [lineOf(a!.id, 2), lineOf(b!.id, 3)]);
      await insertOrders(store(), [order]);
      return { a: a!.id, b: b!.id, order: order.id };
    }

    it('appends movements of every kind in one call and keeps them as given', async () => {
      const { a, b, order } = await anOrderOfTwo();
      const movements = [
        movement(a, 'INITIAL', 50, null, at(1)),
        movement(a, 'ADJUSTMENT', Number.MAX_SAFE_INTEGER - 50, null, at(22)),
        movement(a, 'ADJUSTMENT', -7, null, at(333)),
        movement(a, 'ORDER', -2, order, at(4_444)),
        movement(b, 'ORDER', -3, order, at(4_444)),
        movement(a, 'ORDER_CANCEL', 2, order, at(55_555)),
      ];

      await store().inventory.append(movements);

      expect(await store().inventoryMovements(a)).toStrictEqual(
        movements.filter((m) => m.productId === a),
      );
      expect(await store().inventoryMovements(b)).toStrictEqual([movements[4]]);
      expect(typeof (await store().inventoryMovements(a))[0]?.quantity).toBe('number');
    });

    it('writes nothing, and does not fail, for an empty list', async () => {
      const [product] = await insertProducts(store(), 1);

      await store().inventory.append([]);
      await store().unitOfWork.run((tx) => tx.inventory.append([]));

      expect(await store().inventoryMovements(product!.id)).toEqual([]);
    });

    it('refuses a second ORDER or ORDER_CANCEL of the same product in the same order', async () => {
      const { a, order } = await anOrderOfTwo();
      const taken = movement(a, 'ORDER', -2, order);
      const given = movement(a, 'ORDER_CANCEL', 2, order);
      await store().inventory.append([taken, given]);

      await expect(store().inventory.append([{ ...taken, quantity: -1 }])).rejects.toThrow();
      await expect(store().inventory.append([{ ...given, quantity: 1 }])).rejects.toThrow();

      expect(await store().inventoryMovements(a)).toStrictEqual([taken, given]);
    });

    it('refuses a whole batch that repeats a movement within itself, writing none of it', async () => {
      const { a, b, order } = await anOrderOfTwo();

      await expect(
        store().inventory.append([
          movement(b, 'ORDER', -3, order),
          movement(a, 'ORDER', -2, order),
          movement(a, 'ORDER', -2, order),
        ]),
      ).rejects.toThrow();

      expect(await store().inventoryMovements(a)).toEqual([]);
      expect(await store().inventoryMovements(b)).toEqual([]);
    });

    it('accepts one ORDER per product per order, and any number of adjustments', async () => {
      const first = await anOrderOfTwo();
      const customer = await insertCustomer(store());
      const second = anOrder(customer.id, [lineOf(first.a, 1)]);
      await insertOrders(store(), [second]);

      await store().inventory.append([
        movement(first.a, 'ORDER', -2, first.order),
        movement(first.b, 'ORDER', -3, first.order),
      ]);
      await store().inventory.append([movement(first.a, 'ORDER', -1, second.id)]);
      await store().inventory.append([movement(first.a, 'ADJUSTMENT', 5)]);
      await store().inventory.append([movement(first.a, 'ADJUSTMENT', 5)]);

      expect((await store().inventoryMovements(first.a)).map((m) => m.quantity)).toEqual([
        -2, -1, 5, 5,
      ]);
    });

    it('refuses a movement of a product or for an order it does not hold, writing nothing', async () => {
      const { a, order } = await anOrderOfTwo();

      await expect(
        store().inventory.append([
          movement(a, 'INITIAL', 1),
          movement(productId(randomUUID()), 'INITIAL', 1),
        ]),
      ).rejects.toThrow();
      await expect(
        store().inventory.append([movement(a, 'ORDER', -1, orderId(randomUUID()))]),
      ).rejects.toThrow();
      await store().inventory.append([movement(a, 'ORDER', -2, order)]);

      expect(await store().inventoryMovements(a)).toStrictEqual([movement(a, 'ORDER', -2, order)]);
    });

    it('commits movements with their transaction, and nobody sees them before', async () => {
      const { a, b, order } = await anOrderOfTwo();
      const movements = [movement(a, 'ORDER', -2, order), movement(b, 'ORDER', -3, order)];
      let seenInside: InventoryMovement[] | undefined;

      await store().unitOfWork.run(async (tx) => {
        await tx.inventory.append(movements);
        seenInside = await store().inventoryMovements(a);
      });

      expect(seenInside).toEqual([]);
      expect(await store().inventoryMovements(a)).toStrictEqual([movements[0]]);
      expect(await store().inventoryMovements(b)).toStrictEqual([movements[1]]);
    });

    it('rolls movements back with their transaction', async () => {
      const { a, order } = await anOrderOfTwo();
      const failure = new Error('the work failed');

      await expect(
        store().unitOfWork.run(async (tx) => {
          await tx.inventory.append([movement(a, 'ADJUSTMENT', 4)]);
          await tx.inventory.append([movement(a, 'ORDER', -2, order)]);
          throw failure;
        }),
      ).rejects.toBe(failure);

      expect(await store().inventoryMovements(a)).toEqual([]);
    });

    it('sums what was supplied to a product: its INITIAL and ADJUSTMENT movements only', async () => {
      const { a, b, order } = await anOrderOfTwo();
      await store().inventory.append([
        movement(a, 'INITIAL', 50),
        movement(b, 'INITIAL', 70),
        movement(a, 'ORDER', -2, order),
        movement(b, 'ORDER', -3, order),
      ]);
      await store().inventory.append([movement(a, 'ADJUSTMENT', 25)]);
      await store().inventory.append([movement(a, 'ORDER_CANCEL', 2, order)]);
      await store().inventory.append([movement(a, 'ADJUSTMENT', -30)]);

      expect(await store().inventory.suppliedTotal(a)).toBe(45);
      expect(await store().inventory.suppliedTotal(b)).toBe(70);
    });

    it('sums to 0 for a product without supplies, or one it does not hold', async () => {
      const { a, order } = await anOrderOfTwo();
      await store().inventory.append([movement(a, 'ORDER', -2, order)]);

      expect(await store().inventory.suppliedTotal(a)).toBe(0);
      expect(await store().inventory.suppliedTotal(productId(randomUUID()))).toBe(0);
    });

    it('sums up to 2^53 - 1 exactly, as a number', async () => {
      const [product] = await insertProducts(store(), 1);
      await store().inventory.append([
        movement(product!.id, 'INITIAL', Number.MAX_SAFE_INTEGER - 10),
        movement(product!.id, 'ADJUSTMENT', 9),
        movement(product!.id, 'ADJUSTMENT', 1),
      ]);

      expect(await store().inventory.suppliedTotal(product!.id)).toBe(Number.MAX_SAFE_INTEGER);
    });

    it('sums, in a transaction, its own movements; outside, only committed ones', async () => {
      const [product] = await insertProducts(store(), 1);
      const id = product!.id;
      await store().inventory.append([movement(id, 'INITIAL', 100)]);
      let seen: { inside: number; outside: number } | undefined;

      await store().unitOfWork.run(async (tx) => {
        await tx.products.lockMany([id]);
        await tx.inventory.append([movement(id, 'ADJUSTMENT', 20)]);
        seen = {
          inside: await tx.inventory.suppliedTotal(id),
          outside: await store().inventory.suppliedTotal(id),
        };
      });

      expect(seen).toEqual({ inside: 120, outside: 100 });
      expect(await store().inventory.suppliedTotal(id)).toBe(120);
    });

    it('sums, under the product lock, every change committed before the lock was granted', async () => {
      const [product] = await insertProducts(store(), 1);
      const id = product!.id;
      await store().inventory.append([movement(id, 'INITIAL', 100)]);
      const restockOne = () =>
        store().unitOfWork.run(async (tx) => {
          await tx.products.lockMany([id]);
          const before = await tx.inventory.suppliedTotal(id);
          await tx.inventory.append([movement(id, 'ADJUSTMENT', 1)]);
          return before;
        });

      const seen = await Promise.all([restockOne(), restockOne(), restockOne()]);

      expect([...seen].sort((x, y) => x - y)).toEqual([100, 101, 102]);
      expect(await store().inventory.suppliedTotal(id)).toBe(103);
    });

    it('fails the whole transaction on a duplicate ORDER, so stock is not taken twice', async () => {
      const { a, order } = await anOrderOfTwo();
      const taken = movement(a, 'ORDER', -2, order);
      await store().inventory.append([taken]);
      const before = await store().products.findById(a);

      await expect(
        store().unitOfWork.run(async (tx) => {
          const [locked] = await tx.products.lockMany([a]);
          await tx.products.update({ ...locked!, stock: locked!.stock - 2 });
          await tx.inventory.append([taken]);
        }),
      ).rejects.toThrow();

      expect(await store().products.findById(a)).toStrictEqual(before);
      expect(await store().inventoryMovements(a)).toStrictEqual([taken]);
    });
  });
}
