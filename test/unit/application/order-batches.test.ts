import { ADMIN } from '../../support/tokens';
import { MemoryStore } from '../../../src/adapters/persistence/memory/memory-store';
import { CreateCustomer } from '../../../src/application/customers/create-customer';
import { AdmissionControl } from '../../../src/application/orders/admission-control';
import { PlaceOrder, type PlaceOrderInput } from '../../../src/application/orders/place-order';
import { ProcessOrderJobs } from '../../../src/application/orders/process-order-jobs';
import { PublishAfterCommit } from '../../../src/application/orders/publish-after-commit';
import { requestFingerprint } from '../../../src/application/orders/request-fingerprint';
import { IdempotencyKeyTakenError } from '../../../src/application/errors';
import { RequestCancellation } from '../../../src/application/orders/request-cancellation';
import type { IdGenerator } from '../../../src/application/ports/id-generator';
import type { OrderJob, OrderQueue } from '../../../src/application/ports/order-queue';
import { TOKENS } from '../../../src/application/ports/tokens';
import type { UnitOfWork } from '../../../src/application/ports/unit-of-work';
import { CreateProduct } from '../../../src/application/products/create-product';
import type { BatchOptions } from '../../../src/application/shared/batcher';
import { UnknownCustomerError } from '../../../src/domain/customer/customer.errors';
import type { Order } from '../../../src/domain/order/order';
import {
  IdempotencyKeyReusedError,
  OrderNotCancellableError,
} from '../../../src/domain/order/order.errors';
import { placeOrder as newOrder } from '../../../src/domain/order/place-order';
import { UnknownProductError } from '../../../src/domain/product/product.errors';
import { NotFoundError } from '../../../src/domain/shared/domain-error';
import {
  customerId,
  orderId,
  productId,
  type CustomerId,
  type OrderId,
  type ProductId,
} from '../../../src/domain/shared/ids';
import { silentLogger } from '../../support/silent-logger';
import { takePublishedJobs, useCaseHarness, type Harness } from '../../support/use-case-harness';
import { MemoryMetrics } from '../../../src/adapters/metrics/memory/memory-metrics';

/** A unit of work that records how many orders each transaction inserted. */
function countingInserts(uow: UnitOfWork, sizes: number[]): UnitOfWork {
  return {
    run: (work) =>
      uow.run((tx) => {
        const insertMany = tx.orders.insertMany.bind(tx.orders);
        tx.orders.insertMany = (orders) => {
          sizes.push(orders.length);
          return insertMany(orders);
        };
        return work(tx);
      }),
  };
}

/** A unit of work that counts its transactions. */
function countingRuns(uow: UnitOfWork, counter: { runs: number }): UnitOfWork {
  return {
    run: (work) => {
      counter.runs += 1;
      return uow.run(work);
    },
  };
}

/**
 * The use cases on a store of the test's own, so that the test can read the ledgers the ports
 * only append to. Every world built the same way gets the same ids.
 */
interface World {
  h: Harness;
  store: MemoryStore;
  shopper: CustomerId;
  widget: ProductId;
  gadget: ProductId;
  place(items: [ProductId, number][], overrides?: Partial<PlaceOrderInput>): Promise<OrderId>;
}

async function world(): Promise<World> {
  const h = await useCaseHarness();
  const store = new MemoryStore();
  h.container.rebindSync(TOKENS.UnitOfWork).toConstantValue(store.unitOfWork);
  h.container.rebindSync(TOKENS.CustomerRepository).toConstantValue(store.customers);
  h.container.rebindSync(TOKENS.ProductRepository).toConstantValue(store.products);
  h.container.rebindSync(TOKENS.OrderRepository).toConstantValue(store.orders);
  const shopper = customerId(
    (
      await h
        .get(CreateCustomer)
        .execute(ADMIN, { name: 'Ada', email: 'ada@example.com', balance: 1000 })
    ).id,
  );
  const widget = productId(
    (await h.get(CreateProduct).execute(ADMIN, { name: 'Widget', price: 300, stock: 3 })).id,
  );
  const gadget = productId(
    (await h.get(CreateProduct).execute(ADMIN, { name: 'Gadget', price: 100, stock: 10 })).id,
  );
  const place = async (items: [ProductId, number][], overrides: Partial<PlaceOrderInput> = {}) =>
    (
      await h.get(PlaceOrder).execute(ADMIN, {
        customerId: shopper,
        items: items.map(([id, quantity]) => ({ productId: id, quantity })),
        idempotencyKey: null,
        ...overrides,
      })
    ).order.id;
  return { h, store, shopper, widget, gadget, place };
}

/** Everything a batch of jobs can change, without times. */
function snapshot({ store }: World) {
  return {
    stock: [...store.tables.products.values()].map(({ id, stock }) => ({ id, stock })),
    balances: [...store.tables.customers.values()].map(({ id, balance }) => ({ id, balance })),
    orders: [...store.tables.orders.values()].map(({ id, status, failureReason, total }) => ({
      id,
      status,
      failureReason,
      total,
    })),
    ledger: store.tables.ledger.map(({ orderId, kind, amount }) => ({ orderId, kind, amount })),
    movements: store.tables.inventory.map(({ productId, orderId, kind, quantity }) => ({
      productId,
      orderId,
      kind,
      quantity,
    })),
  };
}

const ledgerOf = ({ store }: World, id: OrderId) =>
  store.tables.ledger
    .filter((entry) => entry.orderId === id)
    .map(({ kind, amount }) => ({ kind, amount }));
const stockOf = ({ store }: World, id: ProductId) => store.tables.products.get(id)?.stock;
const balanceOf = ({ store }: World, id: CustomerId) => store.tables.customers.get(id)?.balance;
const orderOf = ({ store }: World, id: OrderId) => store.tables.orders.get(id);

describe('ProcessOrderJobs with several jobs in one call', () => {
  let w: World;

  beforeEach(async () => {
    w = await world();
  });
  afterEach(() => w.h.close());

  const runJobs = (jobs: OrderJob[], on: World = w) => on.h.get(ProcessOrderJobs).execute(jobs);

  it('decides exactly as the same jobs would one call each, in the same order', async () => {
    const oneByOne = await world();
    try {
      const orders: [ProductId, number][][] = [
        [[w.widget, 2]],
        [[w.widget, 1]],
        [[w.gadget, 2]],
        [[w.widget, 1]],
        [[w.gadget, 1]],
      ];
      const ids: OrderId[] = [];
      for (const items of orders) ids.push(await w.place(items));
      for (const items of orders) await oneByOne.place(items);
      // Not in id order, so that a batch applied in lock order would decide otherwise.
      const jobs = [3, 0, 2, 1, 4].map((index): OrderJob => ({
        kind: 'PLACE',
        orderId: ids[index] as OrderId,
      }));

      await runJobs(jobs);
      for (const job of jobs) await runJobs([job], oneByOne);

      expect(snapshot(w)).toEqual(snapshot(oneByOne));
      expect(ids.map((id) => orderOf(w, id)?.status)).toEqual([
        'COMPLETED',
        'FAILED',
        'FAILED',
        'COMPLETED',
        'COMPLETED',
      ]);
      expect(ids.map((id) => orderOf(w, id)?.failureReason)).toEqual([
        null,
        'INSUFFICIENT_STOCK',
        'INSUFFICIENT_FUNDS',
        null,
        null,
      ]);
      expect(stockOf(w, w.widget)).toBe(0);
      expect(stockOf(w, w.gadget)).toBe(9);
      expect(balanceOf(w, w.shopper)).toBe(0);
    } finally {
      await oneByOne.h.close();
    }
  });

  it('completes an order once when its PLACE job comes twice in one call', async () => {
    const id = await w.place([[w.widget, 2]]);
    await runJobs([
      { kind: 'PLACE', orderId: id },
      { kind: 'PLACE', orderId: id },
    ]);
    expect(orderOf(w, id)).toMatchObject({ status: 'COMPLETED', total: 600 });
    expect(balanceOf(w, w.shopper)).toBe(400);
    expect(stockOf(w, w.widget)).toBe(1);
    expect(ledgerOf(w, id)).toEqual([{ kind: 'ORDER_DEBIT', amount: -600 }]);
    expect(w.store.tables.inventory.filter((m) => m.orderId === id)).toHaveLength(1);
  });

  it('reverses a completed order once when its PLACE and CANCEL jobs come in one call', async () => {
    const id = await w.place([[w.widget, 2]]);
    await runJobs([{ kind: 'PLACE', orderId: id }]);
    await w.h.get(RequestCancellation).execute(ADMIN, id);
    await runJobs([
      { kind: 'PLACE', orderId: id },
      { kind: 'CANCEL', orderId: id },
      { kind: 'PLACE', orderId: id },
      { kind: 'CANCEL', orderId: id },
    ]);
    expect(orderOf(w, id)?.status).toBe('CANCELLED');
    expect(balanceOf(w, w.shopper)).toBe(1000);
    expect(stockOf(w, w.widget)).toBe(3);
    expect(ledgerOf(w, id)).toEqual([
      { kind: 'ORDER_DEBIT', amount: -600 },
      { kind: 'ORDER_REFUND', amount: 600 },
    ]);
  });

  it('cancels a pending order whose cancellation was requested, with nothing applied', async () => {
    const id = await w.place([[w.widget, 2]]);
    await w.h.get(RequestCancellation).execute(ADMIN, id);
    await runJobs([
      { kind: 'CANCEL', orderId: id },
      { kind: 'PLACE', orderId: id },
    ]);
    expect(orderOf(w, id)).toMatchObject({ status: 'CANCELLED', total: null });
    expect(balanceOf(w, w.shopper)).toBe(1000);
    expect(stockOf(w, w.widget)).toBe(3);
    expect(ledgerOf(w, id)).toEqual([]);
    expect(w.store.tables.inventory.filter((m) => m.orderId === id)).toEqual([]);
  });

  it('skips a job for an order that does not exist, and still applies the others', async () => {
    const id = await w.place([[w.gadget, 1]]);
    const before = snapshot(w);
    const nowhere = orderId('no-such-order');
    await expect(
      runJobs([
        { kind: 'PLACE', orderId: nowhere },
        { kind: 'CANCEL', orderId: nowhere },
      ]),
    ).resolves.toBeUndefined();
    expect(snapshot(w)).toEqual(before);

    await runJobs([
      { kind: 'CANCEL', orderId: nowhere },
      { kind: 'PLACE', orderId: id },
    ]);
    expect(orderOf(w, id)?.status).toBe('COMPLETED');
    expect(w.store.tables.orders.has(nowhere)).toBe(false);
  });
});

describe('PlaceOrder under concurrent calls', () => {
  let w: World;
  let inserts: number[];
  let placeOrder: PlaceOrder;

  beforeEach(async () => {
    w = await world();
    inserts = [];
    // One transaction at a time, so that every call made meanwhile waits and joins the next batch.
    const batching: BatchOptions = { maxSize: 100, maxInFlight: 1 };
    placeOrder = new PlaceOrder(
      countingInserts(w.store.unitOfWork, inserts),
      w.h.get(PublishAfterCommit),
      w.h.get(AdmissionControl),
      w.h.container.get<IdGenerator>(TOKENS.IdGenerator),
      w.h.clock,
      new MemoryMetrics(),
      batching,
    );
  });
  afterEach(() => w.h.close());

  const place = (overrides: Partial<PlaceOrderInput> = {}) =>
    placeOrder.execute(ADMIN, {
      customerId: w.shopper,
      items: [{ productId: w.widget, quantity: 1 }],
      idempotencyKey: null,
      ...overrides,
    });

  /** Batches of more than one formed: the test would prove nothing about batching otherwise. */
  function expectBatchesFormed(calls: number): void {
    expect(inserts.reduce((sum, size) => sum + size, 0)).toBe(calls);
    expect(Math.max(...inserts)).toBeGreaterThan(1);
  }

  it('stores and publishes each of many concurrent orders exactly once', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => place()));

    const ids = results.map((result) => result.order.id);
    expect(new Set(ids).size).toBe(50);
    expect(results.every((result) => !result.replayed)).toBe(true);
    expect([...w.store.tables.orders.keys()].sort()).toEqual([...ids].sort());
    const jobs = await takePublishedJobs(w.h);
    expect(jobs).toHaveLength(50);
    expect(jobs.map((job) => job.orderId).sort()).toEqual([...ids].sort());
    expect(jobs.every((job) => job.kind === 'PLACE')).toBe(true);
    expectBatchesFormed(50);
  });

  it('answers once the orders are stored, without waiting for the broker to confirm', async () => {
    const published: OrderJob[][] = [];
    const unconfirming = {
      publish: (jobs: readonly OrderJob[]) => {
        published.push([...jobs]);
        return new Promise<void>(() => undefined);
      },
    } as unknown as OrderQueue;
    const unconfirmed = new PlaceOrder(
      w.store.unitOfWork,
      new PublishAfterCommit(unconfirming, silentLogger),
      w.h.get(AdmissionControl),
      w.h.container.get<IdGenerator>(TOKENS.IdGenerator),
      w.h.clock,
      new MemoryMetrics(),
      { maxSize: 100, maxInFlight: 1 },
    );
    const input = { customerId: w.shopper, items: [{ productId: w.widget, quantity: 1 }] };

    // One batch at a time: the second could not start if the first still waited for the broker.
    const first = await unconfirmed.execute(ADMIN, { ...input, idempotencyKey: null });
    const second = await unconfirmed.execute(ADMIN, { ...input, idempotencyKey: null });

    expect([...w.store.tables.orders.keys()].sort()).toEqual(
      [first.order.id, second.order.id].sort(),
    );
    const parties = { customerId: w.shopper, productIds: [w.widget] };
    expect(published).toEqual([
      [{ kind: 'PLACE', orderId: first.order.id, parties }],
      [{ kind: 'PLACE', orderId: second.order.id, parties }],
    ]);
  });

  it('refuses only the orders naming an unknown product or customer', async () => {
    const settled = await Promise.allSettled([
      place(),
      place(),
      place({ items: [{ productId: productId('no-such-product'), quantity: 1 }] }),
      place(),
      place({ customerId: customerId('no-such-customer') }),
      place(),
    ]);

    const reasons = settled.map((result) => (result.status === 'rejected' ? result.reason : null));
    expect(reasons[2]).toBeInstanceOf(UnknownProductError);
    expect(reasons[4]).toBeInstanceOf(UnknownCustomerError);
    const placed = settled.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value.order] : [],
    );
    expect(placed).toHaveLength(4);
    expect([...w.store.tables.orders.keys()].sort()).toEqual(
      placed.map((order) => order.id).sort(),
    );
    expect((await takePublishedJobs(w.h)).map((job) => job.orderId).sort()).toEqual(
      placed.map((order) => order.id).sort(),
    );
    expectBatchesFormed(6);
  });

  it('creates one order for concurrent calls with the same idempotency key and body', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => place({ idempotencyKey: 'same' })),
    );

    const [stored, ...others] = [...w.store.tables.orders.values()];
    expect(others).toEqual([]);
    expect(results.map((result) => result.order.id)).toEqual(Array(10).fill(stored?.id));
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(await takePublishedJobs(w.h)).toEqual([
      {
        kind: 'PLACE',
        orderId: stored?.id,
        parties: {
          customerId: stored?.customerId,
          productIds: stored?.items.map((i) => i.productId),
        },
      },
    ]);
  });

  it('answers a key repeated in the batch of its first call from that call, refusing no batch', async () => {
    await place();
    const results = await Promise.all([
      place(),
      ...Array.from({ length: 5 }, () => place({ idempotencyKey: 'same' })),
      ...Array.from({ length: 9 }, () => place()),
    ]);

    const keyed = results.slice(1, 6);
    expect(new Set(keyed.map((result) => result.order.id)).size).toBe(1);
    expect(keyed.filter((result) => result.replayed)).toHaveLength(4);
    expect(results.filter((result) => result.replayed)).toHaveLength(4);
    expect(w.store.tables.orders.size).toBe(12);
    // After the first, every call, the key's first and its repeats, shared one insert: no batch
    // was refused and re-run order by order.
    expect(inserts).toEqual([1, 1, 14]);
    expect(await takePublishedJobs(w.h)).toHaveLength(12);
  });

  describe('when another process stores a key after the store checked it', () => {
    const items = () => [{ productId: w.widget, quantity: 1 }];
    /** An order another process placed under `key`, for the same body unless `quantity` differs. */
    const rivalOrder = (key: string, quantity = 1): Order => {
      const lines = [{ productId: w.widget, quantity }];
      return newOrder({
        id: orderId(`rival-${key}`),
        customerId: w.shopper,
        lines,
        idempotencyKey: key,
        requestFingerprint: requestFingerprint(w.shopper, lines),
        now: w.h.clock.now(),
      });
    };

    /**
     * Each rival is committed by "another process" just before the next insert naming its key,
     * which then fails on the unique key as MySQL's does (see mysql-order-idempotency.test.ts).
     */
    function racedBy(rivals: Order[]): PlaceOrder {
      const uow: UnitOfWork = {
        run: (work) =>
          w.store.unitOfWork.run((tx) => {
            const insertMany = tx.orders.insertMany.bind(tx.orders);
            tx.orders.insertMany = async (orders) => {
              const rival = rivals[0];
              if (rival && orders.some((o) => o.idempotencyKey === rival.idempotencyKey)) {
                rivals.shift();
                w.store.tables.orders.set(rival.id, rival);
                throw new IdempotencyKeyTakenError();
              }
              sizes.push(orders.length);
              return insertMany(orders);
            };
            return work(tx);
          }),
      };
      const sizes = inserts;
      return new PlaceOrder(
        uow,
        w.h.get(PublishAfterCommit),
        w.h.get(AdmissionControl),
        w.h.container.get<IdGenerator>(TOKENS.IdGenerator),
        w.h.clock,
        new MemoryMetrics(),
        { maxSize: 100, maxInFlight: 1 },
      );
    }

    const placeOn = (placing: PlaceOrder, overrides: Partial<PlaceOrderInput> = {}) =>
      placing.execute(ADMIN, {
        customerId: w.shopper,
        items: items(),
        idempotencyKey: null,
        ...overrides,
      });

    it('answers the raced key with the other process order, and stores the rest of its batch once', async () => {
      const rival = rivalOrder('raced');
      const placing = racedBy([rival]);
      await placeOn(placing);

      const [first, ...batch] = await Promise.all([
        placeOn(placing),
        placeOn(placing),
        placeOn(placing, { idempotencyKey: 'raced' }),
        placeOn(placing),
      ]);

      expect(batch[1]).toEqual({ order: rival, replayed: true });
      const stored = [first!, batch[0]!, batch[2]!].map((result) => result.order.id);
      expect(w.store.tables.orders.size).toBe(5);
      expect(stored.every((id) => w.store.tables.orders.has(id))).toBe(true);
      const published = (await takePublishedJobs(w.h)).map((job) => job.orderId);
      // Each stored order once, and the first call's; never the other process's order.
      expect(published).toHaveLength(stored.length + 1);
      expect(published).toEqual(expect.arrayContaining(stored));
      // The raced batch was inserted once more, whole, in a new transaction.
      expect(inserts).toEqual([1, 1, 3]);
    });

    it('refuses the raced key when the other process placed another body under it', async () => {
      const placing = racedBy([rivalOrder('raced', 2)]);

      const [, raced, plain] = await Promise.allSettled([
        placeOn(placing),
        placeOn(placing, { idempotencyKey: 'raced' }),
        placeOn(placing),
      ]);

      expect(raced).toMatchObject({
        status: 'rejected',
        reason: expect.any(IdempotencyKeyReusedError),
      });
      expect(plain).toMatchObject({ status: 'fulfilled', value: { replayed: false } });
    });

    it('answers each order alone when the batch is raced again on its second insert', async () => {
      const rivals = [rivalOrder('raced-a'), rivalOrder('raced-b')];
      const placing = racedBy([...rivals]);
      await placeOn(placing);

      const [first, a, plain, b] = await Promise.all([
        placeOn(placing),
        placeOn(placing, { idempotencyKey: 'raced-a' }),
        placeOn(placing),
        placeOn(placing, { idempotencyKey: 'raced-b' }),
      ]);

      expect(a).toEqual({ order: rivals[0], replayed: true });
      expect(b).toEqual({ order: rivals[1], replayed: true });
      const stored = [first!.order.id, plain!.order.id];
      expect(w.store.tables.orders.size).toBe(5);
      const published = (await takePublishedJobs(w.h)).map((job) => job.orderId);
      // Each stored order once, and the first call's; never the other process's order.
      expect(published).toHaveLength(stored.length + 1);
      expect(published).toEqual(expect.arrayContaining(stored));
      // The Batcher ran the raced batch again one order at a time.
      expect(inserts).toEqual([1, 1, 1, 1, 1]);
    });
  });
});

describe('RequestCancellation under concurrent calls', () => {
  let w: World;
  let transactions: { runs: number };
  let requestCancellation: RequestCancellation;

  beforeEach(async () => {
    w = await world();
    transactions = { runs: 0 };
    requestCancellation = new RequestCancellation(
      countingRuns(w.store.unitOfWork, transactions),
      w.h.get(PublishAfterCommit),
      w.h.clock,
      { maxSize: 100, maxInFlight: 1 },
    );
  });
  afterEach(() => w.h.close());

  it('answers each request on its own: unknown, not cancellable, or recorded and published', async () => {
    const pendingA = await w.place([[w.gadget, 1]]);
    const pendingB = await w.place([[w.gadget, 2]]);
    const failedId = await w.place([[w.widget, 4]]);
    await w.h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: failedId }]);
    const completed = await w.place([[w.widget, 1]]);
    await w.h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: completed }]);
    await takePublishedJobs(w.h);
    w.h.clock.advance(5000);
    const requestedAt = w.h.clock.now();

    const ids = [pendingA, orderId('no-such-order'), failedId, pendingB, completed];
    const [a, unknown, refused, b, done] = await Promise.allSettled(
      ids.map((id) => requestCancellation.execute(ADMIN, id)),
    );

    expect(unknown).toMatchObject({ status: 'rejected', reason: expect.any(NotFoundError) });
    expect(refused).toMatchObject({
      status: 'rejected',
      reason: expect.any(OrderNotCancellableError),
    });
    expect(orderOf(w, failedId)?.cancelRequestedAt).toBeNull();
    const accepted = [pendingA, pendingB, completed];
    for (const [id, result] of [
      [pendingA, a],
      [pendingB, b],
      [completed, done],
    ] as const) {
      expect(result).toMatchObject({
        status: 'fulfilled',
        value: { id, cancelRequestedAt: requestedAt },
      });
      expect(orderOf(w, id)?.cancelRequestedAt).toEqual(requestedAt);
    }
    const jobs = await takePublishedJobs(w.h);
    expect(jobs.every((job) => job.kind === 'CANCEL')).toBe(true);
    expect(jobs.map((job) => job.orderId).sort()).toEqual(accepted.sort());
    expect(transactions.runs).toBeLessThan(ids.length);
  });

  it('answers two concurrent requests for one order with the same request time', async () => {
    const other = await w.place([[w.gadget, 1]]);
    const id = await w.place([[w.widget, 1]]);
    await takePublishedJobs(w.h);

    const [, once, twice] = await Promise.all([
      requestCancellation.execute(ADMIN, other),
      requestCancellation.execute(ADMIN, id),
      requestCancellation.execute(ADMIN, id),
    ]);

    expect(once.cancelRequestedAt).not.toBeNull();
    expect(twice.cancelRequestedAt).toEqual(once.cancelRequestedAt);
    expect(orderOf(w, id)?.cancelRequestedAt).toEqual(once.cancelRequestedAt);
    expect(await takePublishedJobs(w.h)).toContainEqual({
      kind: 'CANCEL',
      orderId: id,
      parties: { customerId: w.shopper, productIds: [w.widget] },
    });
    expect(transactions.runs).toBe(2);
  });
});
