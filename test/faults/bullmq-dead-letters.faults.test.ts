import { adminToken, bearer } from '../support/tokens';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { REDIS_URL } from '../support/brokers';
import { idToBinary } from '../../src/adapters/persistence/mysql/binary-id';
import { eventually } from '../support/eventually';
import { httpClient } from '../support/http-client';
import { FaultRig, printSummary } from './support/fault-rig';
import { placeBacklog } from './support/load';
import { seedShop } from './support/shop';

const DEAD_LETTERS = 200;

/** Starts the rig's API and seeds it with one customer and one product. */
async function apiWithOneItemShop(rig: FaultRig) {
  const request = httpClient(rig.baseUrl, bearer(adminToken()));
  await rig.startApi();
  const shop = await seedShop(rig.baseUrl, { customers: 1, products: 1 });
  const [customer] = shop.customers;
  const [product] = shop.products;
  if (!customer || !product) throw new Error('the shop is empty');
  return { request, customer, product };
}

/**
 * Has the stalled-job checker count two stalls for the job: a row lock on the product keeps the
 * job running (waiting for the lock) while its worker is SIGKILLed, twice. The next worker's
 * checker then fails it.
 */
async function stallTwice(rig: FaultRig, queue: Queue, jobId: string, productId: string) {
  const blocker = await rig.probe.pool.getConnection();
  rig.onCleanup(async () => blocker.destroy());
  await blocker.beginTransaction();
  await blocker.query('SELECT id FROM products WHERE id = ? FOR UPDATE', [idToBinary(productId)]);
  const runningAfterStalls = (stalls: number) =>
    eventually(
      async () => {
        const job = await queue.getJob(jobId);
        expect(await job?.getState()).toBe('active');
        expect(job?.stalledCounter).toBe(stalls);
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
  for (let stalls = 0; stalls < 2; stalls += 1) {
    const worker = await rig.startWorker();
    await runningAfterStalls(stalls);
    worker.process.kill('SIGKILL');
    await worker.process.exited;
  }
  await blocker.rollback();
  blocker.release();
}

afterAll(() => FaultRig.cleanupAll());

/**
 * The ways an order's job ends in BullMQ's failed set while the order is still PENDING: the
 * dead letter must not stand in the way of the re-publisher's copy.
 */
describe('bullmq: a job in the failed set whose order is still PENDING', () => {
  it('a dead letter never settled (its process died first) does not keep its orders from settling', async () => {
    const rig = await FaultRig.create('dead_letter', 'bullmq');
    const queue = new Queue(rig.queueName, { connection: { url: REDIS_URL } });
    rig.onCleanup(() => queue.close());
    await rig.run(async () => {
      await rig.startApi();
      const shop = await seedShop(rig.baseUrl, { customers: 10, products: 10 });
      const ids = await placeBacklog(rig.baseUrl, shop, DEAD_LETTERS);

      // Moves every job to the failed set and settles nothing, as a worker SIGKILLed right
      // after BullMQ recorded the failures would leave them.
      const dying = new Worker(
        rig.queueName,
        async () => {
          throw new UnrecoverableError('the process died before it settled the order');
        },
        { connection: { url: REDIS_URL, maxRetriesPerRequest: null }, concurrency: 8 },
      );
      await eventually(
        async () => {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
          expect({ ...counts, failed: (counts.failed ?? 0) > 0 }).toEqual({
            waiting: 0,
            active: 0,
            delayed: 0,
            failed: true,
          });
        },
        { timeoutMs: 30_000 },
      );
      await dying.close();
      expect((await rig.probe.progress(ids)).unsettled).toBe(DEAD_LETTERS);

      const started = Date.now();
      await rig.startWorker();
      await rig.probe.waitSettled(ids, 60_000);
      const settleMs = Date.now() - started;
      const audit = await rig.audit();
      printSummary({
        fault: 'bullmq-unsettled-dead-letters',
        driver: 'bullmq',
        inFlight: DEAD_LETTERS,
        accepted: ids.length,
        settled: ids.length,
        settleMs,
        audit,
        notes: JSON.stringify(await rig.probe.statusCounts()),
      });
    });
  });

  it('a job the stalled-job checker fails (its worker SIGKILLed twice) still settles its order', async () => {
    const rig = await FaultRig.create('stalled_twice', 'bullmq');
    const queue = new Queue(rig.queueName, { connection: { url: REDIS_URL } });
    rig.onCleanup(() => queue.close());
    await rig.run(async () => {
      const { request, customer, product } = await apiWithOneItemShop(rig);

      const placed = await request('POST', '/orders', {
        customerId: customer.id,
        items: [{ productId: product.id, quantity: 1 }],
      });
      expect(placed.status).toBe(202);
      const id: string = placed.body.id;
      // The order's own job, the only one until a worker runs (whose re-publisher then adds
      // copies while this one is held).
      const jobId = await eventually(async () => {
        const jobs = await queue.getJobs(['waiting']);
        expect(jobs.map((job) => job.data)).toEqual([
          {
            jobs: [
              {
                kind: 'PLACE',
                orderId: id,
                customerId: customer.id,
                productIds: [product.id],
                requestId: expect.any(String),
              },
            ],
          },
        ]);
        return jobs[0]?.id ?? '';
      });
      await stallTwice(rig, queue, jobId, product.id);
      const started = Date.now();
      await rig.startWorker();
      await rig.probe.waitSettled([id], 90_000);
      const settleMs = Date.now() - started;
      const audit = await rig.audit();
      const settled = await request('GET', `/orders/${id}`);
      printSummary({
        fault: 'bullmq-stalled-twice',
        driver: 'bullmq',
        inFlight: 1,
        accepted: 1,
        settled: 1,
        settleMs,
        audit,
        notes: `order ${settled.body.status} ${settled.body.failureReason ?? ''}`.trim(),
      });
    });
  });

  it('a job of several orders that the stalled-job checker fails goes on as one job per order', async () => {
    // No re-publisher copies: the orders can settle only through what becomes of the job.
    const rig = await FaultRig.create('stalled_batch', 'bullmq', {
      env: { REPUBLISH_AFTER_MS: '86400000' },
    });
    const queue = new Queue(rig.queueName, { connection: { url: REDIS_URL } });
    rig.onCleanup(() => queue.close());
    await rig.run(async () => {
      const { request, customer, product } = await apiWithOneItemShop(rig);
      const ids: string[] = [];
      for (let i = 0; i < 2; i += 1) {
        const placed = await request('POST', '/orders', {
          customerId: customer.id,
          items: [{ productId: product.id, quantity: 1 }],
        });
        expect(placed.status).toBe(202);
        ids.push(placed.body.id);
      }
      // The two orders' jobs, published apart, become one job holding both, as one API batch's.
      const published = await eventually(async () => {
        const jobs = await queue.getJobs(['waiting']);
        expect(jobs).toHaveLength(2);
        return jobs;
      });
      await Promise.all(published.map((job) => job.remove()));
      const batch = await queue.add('order-jobs', {
        jobs: ids.map((orderId) => ({ kind: 'PLACE', orderId })),
      });

      const batchId = batch.id;
      if (!batchId) throw new Error('BullMQ gave the batch no id');
      await stallTwice(rig, queue, batchId, product.id);
      const started = Date.now();
      await rig.startWorker();
      await rig.probe.waitSettled(ids, 90_000);
      const settleMs = Date.now() - started;

      const statuses = await rig.probe.statuses(ids);
      expect([...statuses.values()]).toEqual(['COMPLETED', 'COMPLETED']);
      // Its orders went on, so the split job is no dead letter.
      await eventually(async () => expect(await queue.getJob(batchId)).toBeUndefined());
      const audit = await rig.audit();
      printSummary({
        fault: 'bullmq-stalled-twice-batch',
        driver: 'bullmq',
        inFlight: 2,
        accepted: 2,
        settled: 2,
        settleMs,
        audit,
        notes: JSON.stringify(await rig.probe.statusCounts()),
      });
    });
  });
});
