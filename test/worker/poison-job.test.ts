import { ADMIN } from '../support/tokens';
import { connect } from 'amqplib';
import { Queue } from 'bullmq';
import { toOrderJobs } from '../../src/adapters/queue/order-job-payload';
import type { InProcessOrderQueue } from '../../src/adapters/queue/in-process/in-process-order-queue';
import { rabbitmqQueueNames } from '../../src/adapters/queue/rabbitmq/rabbitmq-order-queue';
import type { RunningWorker } from '../../src/adapters/worker/order-worker';
import { ProcessOrderJobs } from '../../src/application/orders/process-order-jobs';
import { PublishAfterCommit } from '../../src/application/orders/publish-after-commit';
import { RequestCancellation } from '../../src/application/orders/request-cancellation';
import type { OrderJob } from '../../src/application/ports/order-queue';
import { orderId } from '../../src/domain/shared/ids';
import { RecordingLogger } from '../http/http-kit';
import { AMQP_URL, dropQueue, REDIS_URL } from '../support/brokers';
import { eventually } from '../support/eventually';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { silentLogger } from '../support/silent-logger';
import {
  balanceOf,
  composeProcess,
  placeOrder,
  queueEnv,
  readOrder,
  shop,
  startWorker,
  stockOf,
  uniqueQueueName,
  type BrokerDriver,
  type QueueDriver,
  type ServiceProcess,
} from './worker-kit';

/**
 * Work that can never succeed is retried a bounded number of times, then dead-lettered where the
 * broker keeps dead letters, and its order ends FAILED; and work delivered twice at once is
 * applied once. On MariaDB, with each queue driver.
 */

const MAX_ATTEMPTS = 3;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('poison_job');
});

afterAll(async () => {
  await database?.drop();
});

/** The jobs the broker holds as dead letters for `queueName`. */
async function deadLetters(
  driver: QueueDriver,
  queueName: string,
  svc: ServiceProcess,
): Promise<{ job: OrderJob; attempts: number | null }[]> {
  switch (driver) {
    case 'bullmq': {
      const queue = new Queue(queueName, { connection: { url: REDIS_URL } });
      try {
        const failed = await queue.getFailed();
        return failed.flatMap((entry) =>
          toOrderJobs(entry.data).map((job) => ({ job, attempts: entry.attemptsMade })),
        );
      } finally {
        await queue.close();
      }
    }
    case 'rabbitmq': {
      const connection = await connect(AMQP_URL);
      try {
        const channel = await connection.createChannel();
        const letters: { job: OrderJob; attempts: number | null }[] = [];
        for (;;) {
          const message = await channel.get(rabbitmqQueueNames(queueName).dead, { noAck: false });
          if (message === false) break;
          for (const job of toOrderJobs(JSON.parse(message.content.toString('utf8')))) {
            letters.push({ job, attempts: null });
          }
        }
        // Left in place (unacknowledged, handed back on close): inspecting takes nothing away.
        return letters;
      } finally {
        await connection.close();
      }
    }
    case 'memory':
      return (svc.queue as InProcessOrderQueue).deadLetters.map((job) => ({
        job,
        attempts: null,
      }));
  }
}

describe.each<QueueDriver>(['bullmq', 'rabbitmq', 'memory'])('a poison job on %s', (driver) => {
  const queueName = uniqueQueueName(`poison-${driver}`);
  let svc: ServiceProcess;
  let worker: RunningWorker | undefined;

  afterEach(async () => {
    await worker?.stop();
    await svc?.close();
    if (driver !== 'memory') await dropQueue(driver, queueName);
  });

  it('is retried JOB_MAX_ATTEMPTS times, dead-lettered, logged and counted; its order FAILS, the others complete', async () => {
    const logger = new RecordingLogger();
    svc = await composeProcess(
      {
        DATABASE_URL: database.url,
        ...queueEnv(driver, queueName),
        JOB_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        JOB_BACKOFF_MS: '10',
      },
      logger,
    );
    const ids = await shop(svc, { balance: 10_000, price: 100, stock: 10 });
    const quantities = [1, 2, 3];
    const healthy = [await placeOrder(svc, ids, quantities[0]!)];
    const id = await placeOrder(svc, ids, 2);
    for (const quantity of quantities.slice(1)) healthy.push(await placeOrder(svc, ids, quantity));
    const real = svc.container.get(ProcessOrderJobs);
    // Every batch the poisoned job is in fails; the others in it must still complete.
    const poisonedRuns: string[][] = [];
    const poisoned = {
      execute: async (jobs: readonly OrderJob[]) => {
        if (!jobs.some((job) => job.orderId === id)) return real.execute(jobs);
        poisonedRuns.push(jobs.map((job) => job.orderId));
        throw new Error('this order cannot be processed');
      },
    } as unknown as ProcessOrderJobs;
    // One batch at a time, so that jobs delivered meanwhile share the next one.
    worker = await startWorker(
      svc,
      logger,
      { processOrderJobs: poisoned },
      { concurrency: 4, batching: { maxSize: 4, maxInFlight: 1 } },
    );

    await eventually(async () => {
      expect(await readOrder(svc, id)).toMatchObject({
        status: 'FAILED',
        failureReason: 'PROCESSING_ERROR',
        total: null,
      });
      for (const other of healthy) expect((await readOrder(svc, other)).status).toBe('COMPLETED');
    });
    // Each delivery ends with the job run on its own, whatever batch it was first part of.
    expect(poisonedRuns.filter((run) => run.length === 1)).toEqual(Array(MAX_ATTEMPTS).fill([id]));
    expect(worker.stats()).toEqual({
      processed: healthy.length,
      failed: MAX_ATTEMPTS,
      deadLettered: 1,
    });
    const job = { kind: 'PLACE', orderId: id };
    const parties = { customerId: ids.customerId, productIds: [ids.productId] };
    expect(await deadLetters(driver, queueName, svc)).toEqual([
      { job: { ...job, parties }, attempts: driver === 'bullmq' ? MAX_ATTEMPTS : null },
    ]);
    expect(logger.lines.filter((line) => line.message === 'order job dead-lettered')).toEqual([
      {
        level: 'error',
        message: 'order job dead-lettered',
        fields: {
          ...job,
          // The broker's id of the message that delivered it; the in-process queue has none.
          ...(driver !== 'memory' && { jobId: expect.any(String) }),
          error: 'Error: this order cannot be processed',
          deadLettered: 1,
        },
      },
    ]);
    expect(
      logger.lines.filter((line) => line.message === 'order job failed; it will be retried'),
    ).toHaveLength(MAX_ATTEMPTS);
    const units = quantities.reduce((sum, quantity) => sum + quantity, 0);
    expect(await balanceOf(svc, ids.customerId)).toBe(10_000 - 100 * units);
    expect(await stockOf(svc, ids.productId)).toBe(10 - units);
  });
});

describe.each<BrokerDriver>(['bullmq', 'rabbitmq'])(
  'the same job twice at once on %s',
  (driver) => {
    const queueName = uniqueQueueName(`twice-${driver}`);
    const processes: ServiceProcess[] = [];
    const workers: RunningWorker[] = [];

    afterAll(async () => {
      for (const worker of workers) await worker.stop();
      for (const svc of processes) await svc.close();
      await dropQueue(driver, queueName);
    });

    const newProcess = async () => {
      const svc = await composeProcess({
        DATABASE_URL: database.url,
        ...queueEnv(driver, queueName),
      });
      processes.push(svc);
      return svc;
    };

    /**
     * A second copy of each job, in a message of its own, so that another worker can take it: one
     * call at a time, since the calls made while a publish is under way go together.
     */
    const publishCopies = async (svc: ServiceProcess, jobs: OrderJob[]) => {
      for (const job of jobs) await svc.queue.publish([job]);
    };

    it('is applied once: two workers each take a copy, stock and balance change once', async () => {
      const api = await newProcess();
      const ids = await shop(api, { balance: 1_000_000, price: 250, stock: 100 });
      const quantities = [1, 2, 3, 1, 2, 3, 1, 2];
      const orderIds: string[] = [];
      for (const quantity of quantities) orderIds.push(await placeOrder(api, ids, quantity));
      // The API may have sent several of its jobs in one message.
      await api.container.get(PublishAfterCommit).settled();
      const published = await api.queue.depth();
      expect(published).toBeGreaterThanOrEqual(1);
      expect(published).toBeLessThanOrEqual(orderIds.length);
      await publishCopies(
        api,
        orderIds.map((id) => ({ kind: 'PLACE', orderId: orderId(id) })),
      );
      await eventually(async () =>
        expect(await api.queue.depth()).toBe(published + orderIds.length),
      );

      const [one, two] = await Promise.all([newProcess(), newProcess()]);
      workers.push(
        ...(await Promise.all(
          [one, two].map((svc) =>
            startWorker(svc as ServiceProcess, silentLogger, {}, { concurrency: 4 }),
          ),
        )),
      );

      await eventually(async () => {
        for (const id of orderIds) expect((await readOrder(api, id)).status).toBe('COMPLETED');
        const handled = workers.reduce((sum, worker) => sum + worker.stats().processed, 0);
        expect(handled).toBe(2 * orderIds.length);
      });
      const units = quantities.reduce((sum, quantity) => sum + quantity, 0);
      expect(await stockOf(api, ids.productId)).toBe(100 - units);
      expect(await balanceOf(api, ids.customerId)).toBe(1_000_000 - 250 * units);
      const debits = await database.query(
        "SELECT order_id, amount FROM wallet_ledger WHERE customer_id = ? AND kind = 'ORDER_DEBIT'",
        [ids.customerId],
      );
      expect(debits).toHaveLength(orderIds.length);
      for (const worker of workers) expect(worker.stats().deadLettered).toBe(0);

      // Cancelling: each CANCEL job twice as well; every refund and restock happens once.
      const cancelled = orderIds.slice(0, 4);
      for (const id of cancelled)
        await api.container.get(RequestCancellation).execute(ADMIN, orderId(id));
      await publishCopies(
        api,
        cancelled.map((id) => ({ kind: 'CANCEL', orderId: orderId(id) })),
      );
      await eventually(async () => {
        for (const id of cancelled) expect((await readOrder(api, id)).status).toBe('CANCELLED');
        const handled = workers.reduce((sum, worker) => sum + worker.stats().processed, 0);
        expect(handled).toBe(2 * (orderIds.length + cancelled.length));
      });
      const kept = quantities.slice(cancelled.length).reduce((sum, quantity) => sum + quantity, 0);
      expect(await stockOf(api, ids.productId)).toBe(100 - kept);
      expect(await balanceOf(api, ids.customerId)).toBe(1_000_000 - 250 * kept);
      const refunds = await database.query(
        "SELECT order_id FROM wallet_ledger WHERE customer_id = ? AND kind = 'ORDER_REFUND'",
        [ids.customerId],
      );
      expect(refunds).toHaveLength(cancelled.length);
    });
  },
);
