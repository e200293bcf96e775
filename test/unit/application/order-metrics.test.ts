import type { Registry } from 'prom-client';
import type { PrometheusMetrics } from '../../../src/adapters/metrics/prometheus/prometheus-metrics';
import { startOrderWorker } from '../../../src/adapters/worker/order-worker';
import { ThrottleRequests } from '../../../src/application/access/throttle-requests';
import { CreateCustomer } from '../../../src/application/customers/create-customer';
import { FailDeadLetteredOrder } from '../../../src/application/orders/fail-dead-lettered-order';
import { GetOrder } from '../../../src/application/orders/get-order';
import { PlaceOrder } from '../../../src/application/orders/place-order';
import { ProcessOrderJobs } from '../../../src/application/orders/process-order-jobs';
import { RepublishStalledWork } from '../../../src/application/orders/republish-stalled-work';
import { RequestCancellation } from '../../../src/application/orders/request-cancellation';
import { TOKENS } from '../../../src/application/ports/tokens';
import { CreateProduct } from '../../../src/application/products/create-product';
import { customerId, productId, type OrderId } from '../../../src/domain/shared/ids';
import { eventually } from '../../support/eventually';
import { silentLogger } from '../../support/silent-logger';
import { ADMIN, asCustomer } from '../../support/tokens';
import { takePublishedJobs, useCaseHarness, type Harness } from '../../support/use-case-harness';

/** A sample's value in `registry`, 0 when the series has no such sample yet. */
async function valueOf(
  registry: Registry,
  sample: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const family = sample.replace(/_(count|sum)$/, '');
  const metric = registry.getSingleMetric(family) ?? registry.getSingleMetric(sample);
  if (!metric) throw new Error(`no series ${sample}`);
  const values = (await metric.get()).values as {
    metricName?: string;
    labels: Record<string, string | number | undefined>;
    value: number;
  }[];
  const found = values.find(
    (value) =>
      (value.metricName ?? family) === sample &&
      Object.entries(labels).every(([name, label]) => String(value.labels[name]) === label),
  );
  return found?.value ?? 0;
}

describe('the metrics after a known sequence of orders', () => {
  let h: Harness;
  let registry: Registry;
  let rich: string;
  let poor: string;
  let lamp: string;

  beforeAll(async () => {
    h = await useCaseHarness({ JOB_MAX_ATTEMPTS: '2', JOB_BACKOFF_MS: '1' });
    registry = h.container.get<PrometheusMetrics>(TOKENS.Metrics).registry;
    const customer = (name: string, balance: number) =>
      h
        .get(CreateCustomer)
        .execute(ADMIN, { name, email: `${name}@example.com`, balance })
        .then((created) => created.id);
    rich = await customer('rich', 1_000_000);
    poor = await customer('poor', 0);
    lamp = (await h.get(CreateProduct).execute(ADMIN, { name: 'Lamp', price: 100, stock: 5 })).id;
  });
  afterAll(() => h.close());

  const place = async (who: string, quantity: number, idempotencyKey: string | null = null) =>
    (
      await h.get(PlaceOrder).execute(ADMIN, {
        customerId: customerId(who),
        items: [{ productId: productId(lamp), quantity }],
        idempotencyKey,
      })
    ).order.id;
  const settleEverything = async () => h.get(ProcessOrderJobs).execute(await takePublishedJobs(h));
  const statusOf = async (id: OrderId) => (await h.get(GetOrder).execute(ADMIN, id)).status;

  it('counts each order accepted once, and each settled by status and reason, timed from acceptance', async () => {
    const completed = await place(rich, 1, 'key-1');
    await place(rich, 1, 'key-1');
    const outOfStock = await place(rich, 50);
    const unpaid = await place(poor, 1);
    const cancelledPending = await place(rich, 1);
    await h.get(RequestCancellation).execute(ADMIN, cancelledPending);
    h.clock.advance(1500);
    await settleEverything();
    await h.get(RequestCancellation).execute(ADMIN, completed);
    await settleEverything();
    await settleEverything();

    expect(await statusOf(completed)).toBe('CANCELLED');
    expect(await statusOf(outOfStock)).toBe('FAILED');
    expect(await statusOf(unpaid)).toBe('FAILED');
    expect(await statusOf(cancelledPending)).toBe('CANCELLED');
    expect(await valueOf(registry, 'orders_accepted_total')).toBe(4);
    const settled = (status: string, reason: string) =>
      valueOf(registry, 'orders_settled_total', { status, reason });
    expect(await settled('COMPLETED', 'none')).toBe(1);
    expect(await settled('FAILED', 'INSUFFICIENT_STOCK')).toBe(1);
    expect(await settled('FAILED', 'INSUFFICIENT_FUNDS')).toBe(1);
    // One cancelled while pending, one reversed once completed.
    expect(await settled('CANCELLED', 'none')).toBe(2);
    // Timed: the four that left PENDING, each 1.5 s after acceptance; the reversal is not.
    const timed = (status: string, sample: 'count' | 'sum') =>
      valueOf(registry, `order_settle_duration_seconds_${sample}`, { status });
    expect(await timed('COMPLETED', 'count')).toBe(1);
    expect(await timed('FAILED', 'count')).toBe(2);
    expect(await timed('CANCELLED', 'count')).toBe(1);
    expect(await timed('FAILED', 'sum')).toBeCloseTo(3, 6);
  });

  it('counts stalled work re-published and a dead-lettered order failed', async () => {
    const stalled = await place(rich, 1);
    await takePublishedJobs(h);
    h.clock.advance(60_000);

    expect(await h.get(RepublishStalledWork).execute()).toBe(1);
    await h.get(FailDeadLetteredOrder).execute(stalled);
    await h.get(FailDeadLetteredOrder).execute(stalled);

    expect(await valueOf(registry, 'republished_jobs_total')).toBe(1);
    expect(
      await valueOf(registry, 'orders_settled_total', {
        status: 'FAILED',
        reason: 'PROCESSING_ERROR',
      }),
    ).toBe(1);
  });

  it('counts job attempts by kind and result, and dead letters, as the worker reports them', async () => {
    await takePublishedJobs(h);
    const metrics = h.container.get<PrometheusMetrics>(TOKENS.Metrics);
    let attempts = 0;
    const worker = await startOrderWorker(
      {
        queue: h.queue,
        processOrderJobs: {
          execute: async () => {
            attempts += 1;
            if (attempts > 1) throw new Error('poisoned');
          },
        } as unknown as ProcessOrderJobs,
        failDeadLetteredOrder: h.get(FailDeadLetteredOrder),
        republishStalledWork: h.get(RepublishStalledWork),
        logger: silentLogger,
        metrics,
      },
      {
        concurrency: 1,
        batching: { maxSize: 1, maxInFlight: 1 },
        republishIntervalMs: 3_600_000,
      },
    );
    try {
      await place(rich, 1);
      await eventually(async () => expect(attempts).toBe(1));
      const poisoned = await place(rich, 1);
      await eventually(async () =>
        expect(await valueOf(registry, 'dead_letters_total', { kind: 'PLACE' })).toBe(1),
      );
      await eventually(async () => expect(await statusOf(poisoned)).toBe('FAILED'));
    } finally {
      await worker.stop();
    }

    const jobs = (result: string) =>
      valueOf(registry, 'order_jobs_total', { kind: 'PLACE', result });
    expect(await jobs('processed')).toBe(1);
    expect(await jobs('failed')).toBe(2);
  });

  it('counts requests refused by a rate limit, by kind of caller', async () => {
    const throttle = new ThrottleRequests(
      {
        take: async (bucket) => ({
          allowed: bucket.kind === 'customer',
          quota: 1,
          windowSeconds: 1,
          remaining: 0,
          resetSeconds: 1,
        }),
      },
      h.container.get(TOKENS.Metrics),
    );
    await throttle.execute(null, '10.0.0.1');
    await throttle.execute(null, '10.0.0.2');
    await throttle.execute(asCustomer(rich), '10.0.0.3');
    await throttle.execute(ADMIN, '10.0.0.4');

    expect(await valueOf(registry, 'rate_limit_rejections_total', { kind: 'anonymous' })).toBe(2);
    expect(await valueOf(registry, 'rate_limit_rejections_total', { kind: 'customer' })).toBe(0);
  });
});
