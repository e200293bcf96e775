import { ADMIN } from '../../support/tokens';
import { CreateCustomer } from '../../../src/application/customers/create-customer';
import { GetCustomer } from '../../../src/application/customers/get-customer';
import { BacklogFullError, OverloadedError } from '../../../src/application/errors';
import { FailDeadLetteredOrder } from '../../../src/application/orders/fail-dead-lettered-order';
import { GetOrder } from '../../../src/application/orders/get-order';
import { PlaceOrder, type PlaceOrderInput } from '../../../src/application/orders/place-order';
import {
  MAX_JOBS_UNDER_WAY,
  PublishAfterCommit,
} from '../../../src/application/orders/publish-after-commit';
import { ProcessOrderJobs } from '../../../src/application/orders/process-order-jobs';
import { RepublishStalledWork } from '../../../src/application/orders/republish-stalled-work';
import { RequestCancellation } from '../../../src/application/orders/request-cancellation';
import type { OrderQueue } from '../../../src/application/ports/order-queue';
import { TOKENS } from '../../../src/application/ports/tokens';
import { CreateProduct } from '../../../src/application/products/create-product';
import { GetProduct } from '../../../src/application/products/get-product';
import { UnknownCustomerError } from '../../../src/domain/customer/customer.errors';
import {
  IdempotencyKeyReusedError,
  OrderNotCancellableError,
} from '../../../src/domain/order/order.errors';
import { UnknownProductError } from '../../../src/domain/product/product.errors';
import { customerId, productId, type OrderId } from '../../../src/domain/shared/ids';
import { takePublishedJobs, useCaseHarness, type Harness } from '../../support/use-case-harness';

describe('order use cases', () => {
  let h: Harness;
  let shopper: string;
  let widget: string;

  beforeEach(async () => {
    h = await useCaseHarness();
    shopper = (
      await h
        .get(CreateCustomer)
        .execute(ADMIN, { name: 'Ada', email: 'ada@example.com', balance: 1000 })
    ).id;
    widget = (await h.get(CreateProduct).execute(ADMIN, { name: 'Widget', price: 300, stock: 3 }))
      .id;
  });
  afterEach(() => h.close());

  const place = (overrides: Partial<PlaceOrderInput> = {}) =>
    h.get(PlaceOrder).execute(ADMIN, {
      customerId: customerId(shopper),
      items: [{ productId: productId(widget), quantity: 2 }],
      idempotencyKey: null,
      ...overrides,
    });
  const orderOf = (id: OrderId) => h.get(GetOrder).execute(ADMIN, id);
  const balance = async () =>
    (await h.get(GetCustomer).execute(ADMIN, customerId(shopper))).balance;
  const stock = async () => (await h.get(GetProduct).execute(productId(widget))).stock;

  it('stores a PENDING order and publishes one PLACE job, checking nothing else', async () => {
    const { order, replayed } = await place();
    expect(replayed).toBe(false);
    expect(await orderOf(order.id)).toMatchObject({ status: 'PENDING', total: null });
    expect(await takePublishedJobs(h)).toEqual([
      {
        kind: 'PLACE',
        orderId: order.id,
        parties: { customerId: shopper, productIds: [widget] },
      },
    ]);
  });

  it('refuses an unknown customer or product before storing anything', async () => {
    await expect(place({ customerId: customerId('nobody') })).rejects.toBeInstanceOf(
      UnknownCustomerError,
    );
    const error = await place({
      items: [
        { productId: productId(widget), quantity: 1 },
        { productId: productId('nothing'), quantity: 1 },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownProductError);
    expect((error as UnknownProductError).details).toEqual([
      { path: 'items.1.productId', message: 'names no existing product' },
    ]);
    expect(await h.queue.depth()).toBe(0);
  });

  it('replays an idempotent request and refuses the key with another body', async () => {
    const first = await place({ idempotencyKey: 'k-1' });
    const again = await place({ idempotencyKey: 'k-1' });
    expect(again).toEqual({ order: first.order, replayed: true });
    await expect(
      place({ idempotencyKey: 'k-1', items: [{ productId: productId(widget), quantity: 1 }] }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('creates one order for concurrent requests with the same key', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => place({ idempotencyKey: 'same' })),
    );
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it('keeps the order when publishing fails: the re-publisher finds it later', async () => {
    const failing: OrderQueue = {
      publish: async () => Promise.reject(new Error('broker down')),
      republish: async () => Promise.reject(new Error('broker down')),
      consume: async () => ({ isConsuming: () => true, stop: async () => {} }),
      depth: async () => 0,
      close: async () => {},
    };
    h.container.rebindSync(TOKENS.OrderQueue).toConstantValue(failing);
    const { order } = await place();
    expect((await orderOf(order.id)).status).toBe('PENDING');
  });

  it('refuses new orders and cancellations while too many jobs wait for the broker, keeping each order it took', async () => {
    let confirming = false;
    const confirms: (() => void)[] = [];
    const stalled: OrderQueue = {
      publish: () =>
        confirming ? Promise.resolve() : new Promise<void>((resolve) => confirms.push(resolve)),
      republish: async () => {},
      consume: async () => ({ isConsuming: () => true, stop: async () => {} }),
      depth: async () => 0,
      close: async () => {},
    };
    h.container.rebindSync(TOKENS.OrderQueue).toConstantValue(stalled);

    const accepted = await Promise.all(
      Array.from({ length: MAX_JOBS_UNDER_WAY }, async () => (await place()).order),
    );

    await expect(place()).rejects.toBeInstanceOf(OverloadedError);
    await expect(h.get(RequestCancellation).execute(ADMIN, accepted[0]!.id)).rejects.toBeInstanceOf(
      OverloadedError,
    );
    for (const order of accepted) expect((await orderOf(order.id)).status).toBe('PENDING');
    confirming = true;
    for (const confirm of confirms) confirm();
    await h.get(PublishAfterCommit).settled();
    await expect(place()).resolves.toMatchObject({ replayed: false });
  });

  it('refuses new orders while the backlog is full', async () => {
    const full = await useCaseHarness({ MAX_BACKLOG: '1' });
    try {
      const c = await full
        .get(CreateCustomer)
        .execute(ADMIN, { name: 'B', email: 'b@example.com', balance: 0 });
      const p = await full.get(CreateProduct).execute(ADMIN, { name: 'P', price: 1, stock: 1 });
      const input = {
        customerId: customerId(c.id),
        items: [{ productId: productId(p.id), quantity: 1 }],
        idempotencyKey: null,
      };
      await full.get(PlaceOrder).execute(ADMIN, input);
      full.clock.advance(1000);
      await expect(full.get(PlaceOrder).execute(ADMIN, input)).rejects.toBeInstanceOf(
        BacklogFullError,
      );
    } finally {
      await full.close();
    }
  });

  it('completes an order once, however often its job is delivered', async () => {
    const { order } = await place();
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order.id }]);
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order.id }]);
    expect(await orderOf(order.id)).toMatchObject({
      status: 'COMPLETED',
      total: 600,
      items: [{ productId: widget, quantity: 2, unitPrice: 300 }],
    });
    expect(await balance()).toBe(400);
    expect(await stock()).toBe(1);
  });

  it('fails an order that lacks stock, and one that lacks funds, changing nothing', async () => {
    const tooMany = await place({ items: [{ productId: productId(widget), quantity: 4 }] });
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: tooMany.order.id }]);
    expect(await orderOf(tooMany.order.id)).toMatchObject({
      status: 'FAILED',
      failureReason: 'INSUFFICIENT_STOCK',
    });

    const gold = (
      await h.get(CreateProduct).execute(ADMIN, { name: 'Gold', price: 5000, stock: 9 })
    ).id;
    const tooDear = await place({ items: [{ productId: productId(gold), quantity: 1 }] });
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: tooDear.order.id }]);
    expect(await orderOf(tooDear.order.id)).toMatchObject({
      status: 'FAILED',
      failureReason: 'INSUFFICIENT_FUNDS',
    });
    expect(await balance()).toBe(1000);
    expect(await stock()).toBe(3);
  });

  it('shows the new stock on the cached read path once an order completes', async () => {
    expect(await stock()).toBe(3);
    const { order } = await place();
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order.id }]);
    expect(await stock()).toBe(1);
  });

  it('cancels a pending order with nothing applied, even if its PLACE job runs later', async () => {
    const { order } = await place();
    await h.get(RequestCancellation).execute(ADMIN, order.id);
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order.id }]);
    await h.get(ProcessOrderJobs).execute([{ kind: 'CANCEL', orderId: order.id }]);
    expect((await orderOf(order.id)).status).toBe('CANCELLED');
    expect(await balance()).toBe(1000);
    expect(await stock()).toBe(3);
  });

  it('refunds and restocks a completed order exactly once', async () => {
    const { order } = await place();
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order.id }]);
    await Promise.all([
      h.get(RequestCancellation).execute(ADMIN, order.id),
      h.get(RequestCancellation).execute(ADMIN, order.id),
    ]);
    await Promise.all([
      h.get(ProcessOrderJobs).execute([{ kind: 'CANCEL', orderId: order.id }]),
      h.get(ProcessOrderJobs).execute([{ kind: 'CANCEL', orderId: order.id }]),
    ]);
    expect((await orderOf(order.id)).status).toBe('CANCELLED');
    expect(await balance()).toBe(1000);
    expect(await stock()).toBe(3);
    await expect(h.get(RequestCancellation).execute(ADMIN, order.id)).rejects.toBeInstanceOf(
      OrderNotCancellableError,
    );
  });

  it('refuses to cancel a failed order', async () => {
    const { order } = await place({ items: [{ productId: productId(widget), quantity: 4 }] });
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order.id }]);
    await expect(h.get(RequestCancellation).execute(ADMIN, order.id)).rejects.toBeInstanceOf(
      OrderNotCancellableError,
    );
  });

  it('re-publishes work that has waited longer than the threshold, and only that', async () => {
    const old = await place();
    const completed = await place({ items: [{ productId: productId(widget), quantity: 1 }] });
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: completed.order.id }]);
    await h.get(RequestCancellation).execute(ADMIN, completed.order.id);
    await takePublishedJobs(h);
    h.clock.advance(10_000);
    const fresh = await place();
    await takePublishedJobs(h);

    expect(await h.get(RepublishStalledWork).execute()).toBe(2);
    const jobs = await takePublishedJobs(h);
    expect(jobs).toEqual(
      expect.arrayContaining([
        { kind: 'PLACE', orderId: old.order.id },
        { kind: 'CANCEL', orderId: completed.order.id },
      ]),
    );
    expect(jobs).not.toContainEqual({ kind: 'PLACE', orderId: fresh.order.id });
  });

  it('marks a dead-lettered pending order FAILED with PROCESSING_ERROR, and nothing else', async () => {
    const { order } = await place();
    await h.get(FailDeadLetteredOrder).execute(order.id);
    expect(await orderOf(order.id)).toMatchObject({
      status: 'FAILED',
      failureReason: 'PROCESSING_ERROR',
    });

    const done = await place({ items: [{ productId: productId(widget), quantity: 1 }] });
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: done.order.id }]);
    await h.get(FailDeadLetteredOrder).execute(done.order.id);
    expect((await orderOf(done.order.id)).status).toBe('COMPLETED');
  });
});
