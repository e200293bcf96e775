import { connect } from 'amqplib';
import { Queue } from 'bullmq';
import { BullmqOrderQueue } from '../../src/adapters/queue/bullmq/bullmq-order-queue';
import { RabbitmqOrderQueue } from '../../src/adapters/queue/rabbitmq/rabbitmq-order-queue';
import type { OrderJob, OrderQueue } from '../../src/application/ports/order-queue';
import { orderId } from '../../src/domain/shared/ids';
import { AMQP_URL, REDIS_URL } from '../support/brokers';
import { eventually } from '../support/eventually';
import { silentLogger } from '../support/silent-logger';
import { DRIVERS, FaultRig, printSummary, type Driver } from './support/fault-rig';
import { placeBacklog } from './support/load';
import { seedShop } from './support/shop';

const ORDERS = 400;
const RETRY = { maxAttempts: 5, backoffMs: 200 };

afterAll(() => FaultRig.cleanupAll());

/** The broker's view of one queue: jobs not finished yet, however they are held. */
interface Broker {
  /** Drops what the API published, so that the test's pairs are all there is. */
  purge(): Promise<void>;
  /** Publishes every job twice, each copy in a message of its own right behind its original. */
  publishTwice(jobs: readonly OrderJob[]): Promise<void>;
  unfinished(): Promise<number>;
  close(): Promise<void>;
}

/** A publish is one message: one per copy, so that two workers can each take one at once. */
async function publishEachTwice(queue: OrderQueue, jobs: readonly OrderJob[]): Promise<void> {
  await Promise.all(jobs.flatMap((job) => [queue.publish([job]), queue.publish([job])]));
}

async function rabbitmqBroker(queueName: string): Promise<Broker> {
  const adapter = await RabbitmqOrderQueue.connect({
    url: AMQP_URL,
    queueName,
    prefetch: 8,
    retry: RETRY,
    connectionName: `${queueName} fault test`,
    logger: silentLogger,
  });
  const connection = await connect(AMQP_URL);
  const channel = await connection.createChannel();
  return {
    purge: async () => void (await channel.purgeQueue(queueName)),
    publishTwice: (jobs) => publishEachTwice(adapter, jobs),
    unfinished: async () => {
      const main = await channel.checkQueue(queueName);
      const dead = await channel.checkQueue(`${queueName}.dead`);
      return main.messageCount + dead.messageCount;
    },
    close: async () => {
      await adapter.close();
      await connection.close();
    },
  };
}

function bullmqBroker(queueName: string): Broker {
  const adapter = BullmqOrderQueue.create({
    redisUrl: REDIS_URL,
    queueName,
    retry: RETRY,
    logger: silentLogger,
  });
  const raw = new Queue(queueName, { connection: { url: REDIS_URL } });
  return {
    purge: () => raw.drain(),
    publishTwice: (jobs) => publishEachTwice(adapter, jobs),
    unfinished: async () => {
      const counts = await raw.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'failed',
      );
      return Object.values(counts).reduce((sum, count) => sum + count, 0);
    },
    close: async () => {
      await adapter.close();
      await raw.close();
    },
  };
}

function brokerFor(driver: Driver, queueName: string): Promise<Broker> {
  return driver === 'bullmq' ? Promise.resolve(bullmqBroker(queueName)) : rabbitmqBroker(queueName);
}

describe.each(DRIVERS)('the same job delivered twice at once to two workers (%s)', (driver) => {
  it('applies each order once', async () => {
    const rig = await FaultRig.create('duplicate', driver);
    const broker = await brokerFor(driver, rig.queueName);
    rig.onCleanup(() => broker.close());
    await rig.run(async () => {
      const api = await rig.startApi();
      // Few customers and products: the two copies of a job contend with each other and with
      // their neighbours for the same rows.
      const shop = await seedShop(rig.baseUrl, { customers: 10, products: 5, stock: 300 });
      const ids = await placeBacklog(rig.baseUrl, shop, ORDERS);
      // The API answers before its publishes are confirmed, and its shutdown waits for them:
      // once it has exited, every publish has landed and the purge leaves nothing of its own.
      expect(await api.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(await broker.unfinished()).toBeGreaterThan(0);
      await broker.purge();
      await broker.publishTwice(ids.map((id) => ({ kind: 'PLACE', orderId: orderId(id) })));
      expect(await broker.unfinished()).toBe(2 * ORDERS);

      const started = Date.now();
      await Promise.all([rig.startWorker(), rig.startWorker()]);
      await rig.probe.waitSettled(ids, 120_000);
      const settleMs = Date.now() - started;
      // Both copies of every job were delivered and acknowledged, none dead-lettered.
      await eventually(async () => expect(await broker.unfinished()).toBe(0), {
        timeoutMs: 30_000,
      });
      const audit = await rig.audit();
      printSummary({
        fault: 'duplicate-delivery-two-workers',
        driver,
        inFlight: 2 * ORDERS,
        accepted: ids.length,
        settled: ids.length,
        settleMs,
        audit,
        notes: `${2 * ORDERS} deliveries for ${ORDERS} orders; ${JSON.stringify(await rig.probe.statusCounts())}`,
      });
    });
  });
});
