import { randomUUID } from 'node:crypto';
import { IdempotencyKeyTakenError } from '../../src/application/errors';
import type { InsertRefusal } from '../../src/application/ports/order-repository';
import type { Customer } from '../../src/domain/customer/customer';
import { UnknownCustomerError } from '../../src/domain/customer/customer.errors';
import type { Order } from '../../src/domain/order/order';
import type { Product } from '../../src/domain/product/product';
import { UnknownProductError } from '../../src/domain/product/product.errors';
import { DomainError } from '../../src/domain/shared/domain-error';
import { customerId, orderId, productId } from '../../src/domain/shared/ids';
import {
  anOrder,
  at,
  insertCustomer,
  insertOrders as insertAll,
  insertProducts,
  lineOf,
  newestFirst,
  walkPages,
} from './store-builders';
import { useStore, type MakeStore, type StoreUnderTest } from './store-under-test';

interface World {
  customer: Customer;
  other: Customer;
  products: Product[];
}

async function aWorld(store: StoreUnderTest): Promise<World> {
  return {
    customer: await insertCustomer(store),
    other: await insertCustomer(store),
    products: await insertProducts(store, 3),
  };
}

const FINGERPRINT = 'a'.repeat(64);

/** The details of a refusal that is an error (a taken key has none). */
const detailsOf = (refusal: InsertRefusal | null | undefined) =>
  refusal instanceof DomainError ? refusal.details : undefined;

export function orderRepositoryContract(makeStore: MakeStore): void {
  describe('OrderRepository contract', () => {
    const store = useStore(makeStore);
    let world: World;

    beforeEach(async () => {
      world = await aWorld(store());
    });

    const pendingOrder = (overrides: Partial<Order> = {}): Order =>
      anOrder(world.customer.id, [lineOf(world.products[0]!.id)], overrides);

    const insertOrders = (orders: Order[]): Promise<Order[]> => insertAll(store(), orders);

    it('reads back a new order with its items in the order given, nulls as nulls', async () => {
      const [a, b, c] = world.products;
      const items = [lineOf(c!.id, 3), lineOf(a!.id, 1), lineOf(b!.id, 1000)];
      const order = anOrder(world.customer.id, items, { createdAt: at(11), updatedAt: at(12) });
      await insertOrders([order]);

      expect(await store().orders.findById(order.id)).toStrictEqual(order);
    });

    it('reads back every field when none is null', async () => {
      const [a, b] = world.products;
      const order = anOrder(
        world.customer.id,
        [
          { productId: b!.id, quantity: 2, unitPrice: 250 },
          { productId: a!.id, quantity: 1, unitPrice: 0 },
        ],
        {
          status: 'COMPLETED',
          total: 500,
          failureReason: 'PROCESSING_ERROR',
          idempotencyKey: `key 🔑 ${randomUUID()}`,
          requestFingerprint: FINGERPRINT,
          cancelRequestedAt: at(7_007),
          createdAt: at(5_005),
          updatedAt: at(9_009),
        },
      );
      await insertOrders([order]);

      expect(await store().orders.findById(order.id)).toStrictEqual(order);
    });

    it('reads an order with its items under lock inside a transaction', async () => {
      const [a, b, c] = world.products;
      const ids = [a!.id, b!.id, c!.id].sort().reverse();
      const [order] = await insertOrders([pendingOrder({ items: ids.map((id) => lineOf(id)) })]);

      const locked = await store().unitOfWork.run((tx) => tx.orders.lockById(order!.id));

      expect(locked).toStrictEqual(order);
    });

    it('answers null for orders it does not hold', async () => {
      const absent = orderId(randomUUID());

      expect(await store().orders.findById(absent)).toBeNull();
      expect(await store().unitOfWork.run((tx) => tx.orders.lockById(absent))).toBeNull();
      expect(await store().orders.findByIdempotencyKey(world.customer.id, 'never-used')).toBeNull();
    });

    it('finds an order by its customer and idempotency key, with its items', async () => {
      const key = `key-${randomUUID()}`;
      const [order] = await insertOrders([
        pendingOrder({ idempotencyKey: key, requestFingerprint: FINGERPRINT }),
      ]);

      expect(await store().orders.findByIdempotencyKey(world.customer.id, key)).toStrictEqual(
        order,
      );
      expect(await store().orders.findByIdempotencyKey(world.other.id, key)).toBeNull();
      expect(await store().orders.findByIdempotencyKey(world.customer.id, `${key}-x`)).toBeNull();
    });

    it('reports a second order with the same key for the same customer as taken by the first, and keeps the first', async () => {
      const key = `key-${randomUUID()}`;
      const [first] = await insertOrders([
        pendingOrder({ idempotencyKey: key, requestFingerprint: FINGERPRINT }),
      ]);
      const second = pendingOrder({ idempotencyKey: key });

      expect(await store().orders.insertMany([second])).toStrictEqual([{ takenBy: first }]);

      expect(await store().orders.findById(second.id)).toBeNull();
      expect((await store().orders.findByIdempotencyKey(world.customer.id, key))?.id).toBe(
        first!.id,
      );
    });

    it('accepts the same key for another customer, and any number of orders without a key', async () => {
      const key = `key-${randomUUID()}`;
      const orders = await insertOrders([
        pendingOrder({ idempotencyKey: key }),
        anOrder(world.other.id, [lineOf(world.products[0]!.id)], { idempotencyKey: key }),
        pendingOrder(),
        pendingOrder(),
      ]);

      for (const order of orders) {
        expect(await store().orders.findById(order.id)).toStrictEqual(order);
      }
      expect((await store().orders.findByIdempotencyKey(world.other.id, key))?.id).toBe(
        orders[1]!.id,
      );
    });

    it('lets exactly one of two concurrent orders with the same key win; the other learns it, now or on its next call', async () => {
      const key = `key-${randomUUID()}`;
      const contenders = [
        pendingOrder({ idempotencyKey: key }),
        pendingOrder({ idempotencyKey: key }),
      ];

      const outcomes = await Promise.allSettled(
        contenders.map((order) => store().unitOfWork.run((tx) => tx.orders.insertMany([order]))),
      );

      const winner = await store().orders.findByIdempotencyKey(world.customer.id, key);
      const won = contenders.findIndex((order) => order.id === winner?.id);
      expect(outcomes[won]).toEqual({ status: 'fulfilled', value: [null] });
      const lost = 1 - won;
      const loser = outcomes[lost];
      if (loser?.status === 'rejected') {
        // The loser checked the key before the winner committed; its next call sees the winner.
        expect(loser.reason).toBeInstanceOf(IdempotencyKeyTakenError);
        expect(await store().orders.insertMany([contenders[lost]!])).toStrictEqual([
          { takenBy: winner },
        ]);
      } else {
        expect(loser).toStrictEqual({ status: 'fulfilled', value: [{ takenBy: winner }] });
      }
      expect(await store().orders.findById(contenders[lost]!.id)).toBeNull();
    });

    it('refuses an order for a customer or product it does not hold, and stores nothing', async () => {
      const unknownCustomer = anOrder(customerId(randomUUID()), [lineOf(world.products[0]!.id)]);
      const unknownProduct = pendingOrder({
        items: [
          lineOf(productId(randomUUID())),
          lineOf(world.products[0]!.id),
          lineOf(productId(randomUUID())),
        ],
      });
      const unknownBoth = anOrder(customerId(randomUUID()), [lineOf(productId(randomUUID()))]);

      const [customerError] = await store().orders.insertMany([unknownCustomer]);
      expect(customerError).toBeInstanceOf(UnknownCustomerError);
      expect(detailsOf(customerError)).toEqual([
        { path: 'customerId', message: 'names no existing customer' },
      ]);
      const [productError] = await store().orders.insertMany([unknownProduct]);
      expect(productError).toBeInstanceOf(UnknownProductError);
      expect(detailsOf(productError)).toEqual([
        { path: 'items.0.productId', message: 'names no existing product' },
        { path: 'items.2.productId', message: 'names no existing product' },
      ]);
      const [bothError] = await store().orders.insertMany([unknownBoth]);
      expect(bothError).toBeInstanceOf(UnknownProductError);

      expect(await store().orders.findById(unknownCustomer.id)).toBeNull();
      expect(await store().orders.findById(unknownProduct.id)).toBeNull();
      expect(await store().orders.findById(unknownBoth.id)).toBeNull();
    });

    it('refuses a second order with the same id, and keeps the first', async () => {
      const [first] = await insertOrders([pendingOrder()]);

      await expect(
        store().orders.insertMany([pendingOrder({ id: first!.id, createdAt: at(50) })]),
      ).rejects.toThrow();

      expect(await store().orders.findById(first!.id)).toStrictEqual(first);
    });

    it('updates status, total, failure reason, cancel request, updatedAt and unit prices only', async () => {
      const [a, b] = world.products;
      const key = `key-${randomUUID()}`;
      const [order] = await insertOrders([
        anOrder(world.customer.id, [lineOf(b!.id, 2), lineOf(a!.id, 1)], {
          idempotencyKey: key,
          requestFingerprint: FINGERPRINT,
        }),
      ]);

      await store().orders.update({
        ...order!,
        status: 'COMPLETED',
        total: 2 * 300 + 100,
        failureReason: 'INSUFFICIENT_FUNDS',
        cancelRequestedAt: at(40_000),
        updatedAt: at(41_000),
        customerId: world.other.id,
        idempotencyKey: 'changed',
        requestFingerprint: 'b'.repeat(64),
        createdAt: at(99_000),
        items: [
          { productId: a!.id, quantity: 999, unitPrice: 100 },
          { productId: b!.id, quantity: 999, unitPrice: 300 },
        ],
      });

      expect(await store().orders.findById(order!.id)).toStrictEqual({
        ...order!,
        status: 'COMPLETED',
        total: 700,
        failureReason: 'INSUFFICIENT_FUNDS',
        cancelRequestedAt: at(40_000),
        updatedAt: at(41_000),
        items: [
          { productId: b!.id, quantity: 2, unitPrice: 300 },
          { productId: a!.id, quantity: 1, unitPrice: 100 },
        ],
      });
    });

    it('writes nulls back as nulls on update', async () => {
      const [order] = await insertOrders([
        pendingOrder({
          status: 'COMPLETED',
          total: 1299,
          items: [{ productId: world.products[0]!.id, quantity: 1, unitPrice: 1299 }],
          cancelRequestedAt: at(100),
        }),
      ]);

      const cleared: Order = {
        ...order!,
        total: null,
        cancelRequestedAt: null,
        items: [lineOf(world.products[0]!.id)],
      };
      await store().orders.update(cleared);

      expect(await store().orders.findById(order!.id)).toStrictEqual(cleared);
    });

    it('keeps the unit price of an item the update does not mention', async () => {
      const [a, b] = world.products;
      const [order] = await insertOrders([
        pendingOrder({
          items: [
            { productId: a!.id, quantity: 1, unitPrice: 10 },
            { productId: b!.id, quantity: 1, unitPrice: 20 },
          ],
        }),
      ]);

      await store().orders.update({
        ...order!,
        items: [{ productId: b!.id, quantity: 1, unitPrice: 21 }],
      });

      expect((await store().orders.findById(order!.id))?.items).toEqual([
        { productId: a!.id, quantity: 1, unitPrice: 10 },
        { productId: b!.id, quantity: 1, unitPrice: 21 },
      ]);
    });

    it('writes nothing when updating an order it does not hold', async () => {
      const ghost = pendingOrder();

      await store().orders.update(ghost);

      expect(await store().orders.findById(ghost.id)).toBeNull();
    });

    it("pages a customer's orders newest first with their items, and no one else's", async () => {
      const mine = [0, 1, 1, 2, 3].map((second) =>
        anOrder(
          world.customer.id,
          [lineOf(world.products[1]!.id, 2), lineOf(world.products[0]!.id)],
          {
            createdAt: at(second * 1000),
          },
        ),
      );
      const theirs = anOrder(world.other.id, [lineOf(world.products[0]!.id)], {
        createdAt: at(1500),
      });
      await insertOrders([...mine, theirs]);

      const walked = await walkPages(
        (page) => store().orders.listByCustomer(world.customer.id, page),
        2,
      );
      const firstPage = await store().orders.listByCustomer(world.customer.id, {
        limit: 10,
        after: null,
      });

      expect(walked).toEqual({ ids: newestFirst(mine), pages: 3 });
      expect(firstPage.next).toBeNull();
      expect(firstPage.items).toEqual(
        newestFirst(mine).map((id) => mine.find((order) => order.id === id)),
      );
      expect(
        await store().orders.listByCustomer(customerId(randomUUID()), { limit: 5, after: null }),
      ).toEqual({ items: [], next: null });
    });

    it("keeps its place in a customer's orders when orders are placed between pages", async () => {
      const orders = [1, 2, 3, 4, 5].map((second) =>
        pendingOrder({ createdAt: at(second * 1000) }),
      );
      await insertOrders(orders);
      const expected = newestFirst(orders);

      const first = await store().orders.listByCustomer(world.customer.id, {
        limit: 2,
        after: null,
      });
      await insertOrders([
        pendingOrder({ createdAt: at(90_000) }),
        pendingOrder({ createdAt: at(95_000) }),
      ]);
      const rest = await walkPages(
        (page) =>
          store().orders.listByCustomer(
            world.customer.id,
            page.after ? page : { ...page, after: first.next },
          ),
        2,
      );

      expect(first.items.map((order) => order.id)).toEqual(expected.slice(0, 2));
      expect(rest.ids).toEqual(expected.slice(2));
    });

    describe('insertMany', () => {
      it('stores several orders together, each readable after with its items', async () => {
        const [a, b, c] = world.products;
        const orders = [
          anOrder(world.customer.id, [lineOf(c!.id, 3), lineOf(a!.id)], { createdAt: at(10) }),
          anOrder(world.other.id, [lineOf(b!.id, 7)], {
            idempotencyKey: `key-${randomUUID()}`,
            requestFingerprint: FINGERPRINT,
          }),
          anOrder(world.customer.id, [lineOf(a!.id, 2), lineOf(b!.id), lineOf(c!.id)]),
        ];

        expect(await store().orders.insertMany(orders)).toEqual([null, null, null]);

        for (const order of orders) {
          expect(await store().orders.findById(order.id)).toStrictEqual(order);
        }
      });

      it('refuses an unknown product or customer with its own error and stores the others', async () => {
        const [a, b] = world.products;
        const stored = [pendingOrder(), anOrder(world.other.id, [lineOf(b!.id, 2)])];
        const unknownProduct = pendingOrder({
          items: [lineOf(a!.id), lineOf(productId(randomUUID()))],
        });
        const unknownCustomer = anOrder(customerId(randomUUID()), [lineOf(a!.id)]);

        const outcomes = await store().orders.insertMany([
          stored[0]!,
          unknownProduct,
          unknownCustomer,
          stored[1]!,
        ]);

        expect(outcomes).toHaveLength(4);
        expect(outcomes[0]).toBeNull();
        expect(outcomes[1]).toBeInstanceOf(UnknownProductError);
        expect(detailsOf(outcomes[1])).toEqual([
          { path: 'items.1.productId', message: 'names no existing product' },
        ]);
        expect(outcomes[2]).toBeInstanceOf(UnknownCustomerError);
        expect(detailsOf(outcomes[2])).toEqual([
          { path: 'customerId', message: 'names no existing customer' },
        ]);
        expect(outcomes[3]).toBeNull();
        for (const order of stored) {
          expect(await store().orders.findById(order.id)).toStrictEqual(order);
        }
        expect(await store().orders.findById(unknownProduct.id)).toBeNull();
        expect(await store().orders.findById(unknownCustomer.id)).toBeNull();
      });

      it('reports an order whose key is already taken, and stores the rest of the list', async () => {
        const key = `key-${randomUUID()}`;
        const [first] = await insertOrders([pendingOrder({ idempotencyKey: key })]);
        const fresh = pendingOrder();
        const again = pendingOrder({ idempotencyKey: key });
        const keyed = pendingOrder({ idempotencyKey: `key-${randomUUID()}` });

        expect(await store().orders.insertMany([fresh, again, keyed])).toStrictEqual([
          null,
          { takenBy: first },
          null,
        ]);

        expect(await store().orders.findById(fresh.id)).toStrictEqual(fresh);
        expect(await store().orders.findById(keyed.id)).toStrictEqual(keyed);
        expect(await store().orders.findById(again.id)).toBeNull();
        expect((await store().orders.findByIdempotencyKey(world.customer.id, key))?.id).toBe(
          first!.id,
        );
      });

      it('stores the first of two orders of the list that share a customer and key, and reports the second as taken by it', async () => {
        const key = `key-${randomUUID()}`;
        const [plain, first, second] = [
          pendingOrder(),
          pendingOrder({ idempotencyKey: key, requestFingerprint: FINGERPRINT }),
          pendingOrder({ idempotencyKey: key }),
        ];
        const otherCustomers = anOrder(world.other.id, [lineOf(world.products[1]!.id)], {
          idempotencyKey: key,
        });

        expect(
          await store().unitOfWork.run((tx) =>
            tx.orders.insertMany([plain!, first!, second!, otherCustomers]),
          ),
        ).toStrictEqual([null, null, { takenBy: first }, null]);

        for (const order of [plain!, first!, otherCustomers]) {
          expect(await store().orders.findById(order.id)).toStrictEqual(order);
        }
        expect(await store().orders.findById(second!.id)).toBeNull();
        expect(await store().orders.findByIdempotencyKey(world.customer.id, key)).toStrictEqual(
          first,
        );
      });

      it('reports a taken key before an unknown product or customer', async () => {
        const key = `key-${randomUUID()}`;
        const [first] = await insertOrders([pendingOrder({ idempotencyKey: key })]);
        const unknownProduct = pendingOrder({
          idempotencyKey: key,
          items: [lineOf(productId(randomUUID()))],
        });

        expect(await store().orders.insertMany([unknownProduct])).toStrictEqual([
          { takenBy: first },
        ]);
      });

      it('lets an order refused for an unknown product leave its key free for the next', async () => {
        const key = `key-${randomUUID()}`;
        const refused = pendingOrder({
          idempotencyKey: key,
          items: [lineOf(productId(randomUUID()))],
        });
        const next = pendingOrder({ idempotencyKey: key });

        const outcomes = await store().orders.insertMany([refused, next]);

        expect(outcomes[0]).toBeInstanceOf(UnknownProductError);
        expect(outcomes[1]).toBeNull();
        expect(await store().orders.findByIdempotencyKey(world.customer.id, key)).toStrictEqual(
          next,
        );
      });

      it('answers an empty list with an empty list, inside and outside a transaction', async () => {
        expect(await store().orders.insertMany([])).toEqual([]);
        expect(await store().unitOfWork.run((tx) => tx.orders.insertMany([]))).toEqual([]);
        expect(
          await store().orders.listByCustomer(world.customer.id, { limit: 5, after: null }),
        ).toEqual({ items: [], next: null });
      });
    });

    describe('lockMany', () => {
      it('reads the orders with their items under lock, once each, in ascending id order', async () => {
        const [a, b, c] = world.products;
        const asked = [
          pendingOrder({ items: [lineOf(c!.id, 2), lineOf(a!.id)] }),
          anOrder(world.other.id, [lineOf(b!.id, 5)], { status: 'COMPLETED', total: 10 }),
          pendingOrder({ items: [lineOf(b!.id), lineOf(c!.id), lineOf(a!.id, 3)] }),
        ];
        await insertOrders([...asked, pendingOrder()]);
        const absent = orderId(randomUUID());
        const ascending = asked.sort((x, y) => (x.id < y.id ? -1 : 1));
        const [low, middle, high] = ascending.map((order) => order.id);

        const locked = await store().unitOfWork.run((tx) =>
          tx.orders.lockMany([high!, absent, middle!, high!, low!, middle!]),
        );

        expect(locked).toStrictEqual(ascending);
      });

      it('reads items in line order, not in the order of their product ids', async () => {
        const descending = [...world.products].sort((x, y) => (x.id < y.id ? 1 : -1));
        const [order] = await insertOrders([
          pendingOrder({
            items: descending.map((product, index) => lineOf(product.id, index + 1)),
          }),
        ]);

        const [locked] = await store().unitOfWork.run((tx) => tx.orders.lockMany([order!.id]));

        expect(locked?.items).toStrictEqual(order!.items);
        expect((await store().orders.findById(order!.id))?.items).toStrictEqual(order!.items);
      });

      it('answers [] for no ids, or only ids it does not hold', async () => {
        await insertOrders([pendingOrder()]);

        const locked = await store().unitOfWork.run(async (tx) => ({
          none: await tx.orders.lockMany([]),
          absent: await tx.orders.lockMany([orderId(randomUUID()), orderId(randomUUID())]),
        }));

        expect(locked).toEqual({ none: [], absent: [] });
      });

      it('serializes concurrent transactions that lock the same orders, named in any order', async () => {
        const [x, y] = await insertOrders([
          pendingOrder({ status: 'COMPLETED', total: 0 }),
          pendingOrder({ status: 'COMPLETED', total: 0 }),
        ]);
        const namings = [
          [x!.id, y!.id],
          [y!.id, x!.id],
        ];

        await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            store().unitOfWork.run(async (tx) => {
              const locked = await tx.orders.lockMany(namings[index % 2]!);
              await tx.orders.updateMany(
                locked.map((order) => ({ ...order, total: order.total! + 1 })),
              );
            }),
          ),
        );

        expect((await store().orders.findById(x!.id))?.total).toBe(8);
        expect((await store().orders.findById(y!.id))?.total).toBe(8);
      });
    });

    describe('updateMany', () => {
      it('writes several orders in one call, each with its own values, and no other order', async () => {
        const [a, b] = world.products;
        const [toComplete, toFail, toCancel, toClear, untouched] = await insertOrders([
          anOrder(world.customer.id, [lineOf(b!.id, 2), lineOf(a!.id, 1)]),
          pendingOrder(),
          anOrder(world.other.id, [lineOf(a!.id, 4)]),
          pendingOrder({
            status: 'COMPLETED',
            total: 1299,
            items: [{ productId: a!.id, quantity: 1, unitPrice: 1299 }],
            cancelRequestedAt: at(100),
          }),
          pendingOrder({ items: [{ productId: a!.id, quantity: 1, unitPrice: 5 }] }),
        ]);
        const completed: Order = {
          ...toComplete!,
          status: 'COMPLETED',
          total: 2 * 300 + 100,
          updatedAt: at(41_000),
          items: [
            { productId: b!.id, quantity: 2, unitPrice: 300 },
            { productId: a!.id, quantity: 1, unitPrice: 100 },
          ],
        };
        const failedOrder: Order = {
          ...toFail!,
          status: 'FAILED',
          failureReason: 'INSUFFICIENT_FUNDS',
          updatedAt: at(42_000),
        };
        const cancelled: Order = {
          ...toCancel!,
          status: 'CANCELLED',
          cancelRequestedAt: at(43_000),
          updatedAt: at(43_500),
        };
        const cleared: Order = {
          ...toClear!,
          total: null,
          cancelRequestedAt: null,
          updatedAt: at(44_000),
          items: [lineOf(a!.id)],
        };

        await store().orders.updateMany([
          { ...completed, customerId: world.other.id, idempotencyKey: 'changed', createdAt: at(9) },
          failedOrder,
          { ...cancelled, items: [{ productId: a!.id, quantity: 999, unitPrice: null }] },
          cleared,
        ]);

        expect(await store().orders.findById(completed.id)).toStrictEqual(completed);
        expect(await store().orders.findById(failedOrder.id)).toStrictEqual(failedOrder);
        expect(await store().orders.findById(cancelled.id)).toStrictEqual(cancelled);
        expect(await store().orders.findById(cleared.id)).toStrictEqual(cleared);
        expect(await store().orders.findById(untouched!.id)).toStrictEqual(untouched);
      });

      it('writes nothing for an order it does not hold, and still writes the others', async () => {
        const [order] = await insertOrders([pendingOrder()]);
        const ghost = pendingOrder();
        const failedOrder: Order = {
          ...order!,
          status: 'FAILED',
          failureReason: 'INSUFFICIENT_STOCK',
          updatedAt: at(50_000),
        };

        await store().orders.updateMany([ghost, failedOrder]);

        expect(await store().orders.findById(ghost.id)).toBeNull();
        expect(await store().orders.findById(order!.id)).toStrictEqual(failedOrder);
      });

      it('changes nothing, and does not fail, for an empty list', async () => {
        const [order] = await insertOrders([pendingOrder()]);

        await store().orders.updateMany([]);
        await store().unitOfWork.run((tx) => tx.orders.updateMany([]));

        expect(await store().orders.findById(order!.id)).toStrictEqual(order);
      });
    });

    describe('findStalledWork', () => {
      const cutoff = at(10_000);

      it('finds placements and cancellations older than the cutoff, oldest first', async () => {
        const [placeA, cancelPending, placeB, cancelCompleted] = await insertOrders([
          pendingOrder({ createdAt: at(1_000) }),
          pendingOrder({ createdAt: at(100), cancelRequestedAt: at(2_000) }),
          pendingOrder({ createdAt: at(3_000) }),
          pendingOrder({
            status: 'COMPLETED',
            total: 1,
            createdAt: at(200),
            cancelRequestedAt: at(4_000),
          }),
          // Not stalled: too recent, already settled, or cancelled with nothing left to do.
          pendingOrder({ createdAt: at(20_000) }),
          pendingOrder({ status: 'COMPLETED', total: 1, createdAt: at(500) }),
          pendingOrder({
            status: 'FAILED',
            failureReason: 'INSUFFICIENT_STOCK',
            createdAt: at(600),
          }),
          pendingOrder({ status: 'CANCELLED', createdAt: at(700), cancelRequestedAt: at(800) }),
          pendingOrder({
            status: 'COMPLETED',
            total: 1,
            createdAt: at(300),
            cancelRequestedAt: at(15_000),
          }),
          // Its cancellation is recent: neither a placement nor a cancellation is due yet.
          pendingOrder({ createdAt: at(400), cancelRequestedAt: at(12_000) }),
        ]);

        expect(await store().orders.findStalledWork(cutoff, 10)).toEqual([
          { kind: 'PLACE', orderId: placeA!.id },
          { kind: 'CANCEL', orderId: cancelPending!.id },
          { kind: 'PLACE', orderId: placeB!.id },
          { kind: 'CANCEL', orderId: cancelCompleted!.id },
        ]);
      });

      it('returns at most `limit` jobs, the oldest', async () => {
        const [a, b] = await insertOrders([
          pendingOrder({ createdAt: at(1_000) }),
          pendingOrder({ createdAt: at(100), cancelRequestedAt: at(2_000) }),
          pendingOrder({ createdAt: at(3_000) }),
          pendingOrder({ createdAt: at(200), cancelRequestedAt: at(4_000) }),
        ]);

        expect(await store().orders.findStalledWork(cutoff, 2)).toEqual([
          { kind: 'PLACE', orderId: a!.id },
          { kind: 'CANCEL', orderId: b!.id },
        ]);
      });

      it('orders jobs of the same instant by order id', async () => {
        const orders = await insertOrders([
          pendingOrder({ createdAt: at(1_000) }),
          pendingOrder({ createdAt: at(1_000) }),
          pendingOrder({ createdAt: at(0), cancelRequestedAt: at(1_000) }),
        ]);

        const jobs = await store().orders.findStalledWork(cutoff, 10);

        expect(jobs.map((job) => job.orderId)).toEqual(orders.map((order) => order.id).sort());
      });

      it('excludes work at exactly the cutoff', async () => {
        await insertOrders([
          pendingOrder({ createdAt: cutoff }),
          pendingOrder({ createdAt: at(0), cancelRequestedAt: cutoff }),
        ]);

        expect(await store().orders.findStalledWork(cutoff, 10)).toEqual([]);
      });
    });
  });
}
