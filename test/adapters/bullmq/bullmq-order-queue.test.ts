import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Job, Queue } from 'bullmq';
import {
  BullmqOrderQueue,
  bullmqJobId,
} from '../../../src/adapters/queue/bullmq/bullmq-order-queue';
import { toPayload } from '../../../src/adapters/queue/order-job-payload';
import { newJob, RecordingHandlers } from '../../contracts/order-queue.contract';
import { eventually } from '../../support/eventually';
import { silentLogger } from '../../support/silent-logger';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const retry = { maxAttempts: 2, backoffMs: 20 };

/** A local port nothing listens on: a Redis that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  if (address === null || typeof address === 'string') throw new Error('no TCP port was bound');
  return address.port;
}

/** A TCP relay to Redis that a test can cut and restore: an outage of this client's Redis only. */
class RedisRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(readonly port: number) {}

  async up(): Promise<void> {
    const { hostname, port } = new URL(redisUrl);
    const server = createServer((client) => {
      const upstream = connect(Number(port || 6379), hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => [client, upstream].forEach((end) => end.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.sockets.forEach((socket) => socket.destroy());
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

describe('BullmqOrderQueue with Redis unreachable', () => {
  it('rejects publish, depth and ping at once instead of waiting for Redis', async () => {
    const queue = BullmqOrderQueue.create({
      redisUrl: `redis://127.0.0.1:${await closedPort()}`,
      queueName: `test-orders-${randomUUID()}`,
      retry,
      logger: silentLogger,
    });
    try {
      await expect(queue.publish([newJob()])).rejects.toThrow(/not reachable/);
      await expect(queue.depth()).rejects.toThrow(/not reachable/);
      await expect(queue.ping()).rejects.toThrow();
    } finally {
      await queue.close();
    }
  }, 15_000);

  it('refuses to publish while Redis is away, resumes when it is back, and stops without it', async () => {
    const relay = new RedisRelay(await closedPort());
    await relay.up();
    const queueName = `test-orders-${randomUUID()}`;
    const queue = BullmqOrderQueue.create({
      redisUrl: `redis://127.0.0.1:${relay.port}`,
      queueName,
      retry,
      logger: silentLogger,
    });
    const inspector = new Queue(queueName, { connection: { url: redisUrl } });
    try {
      await eventually(() => queue.ping(), { timeoutMs: 5000 });
      const handlers = new RecordingHandlers();
      const consumer = await queue.consume(handlers, { concurrency: 1 });
      await relay.down();
      await eventually(() => expect(queue.publish([newJob()])).rejects.toThrow(/not reachable/));

      await relay.up();
      const job = newJob();
      await eventually(() => queue.publish([job]));
      await eventually(() => expect(handlers.handled).toStrictEqual([job]));

      await relay.down();
      await eventually(() => expect(queue.depth()).rejects.toThrow(/not reachable/));
      await consumer.stop();
      await queue.close();
    } finally {
      await relay.down();
      await inspector.obliterate({ force: true });
      await inspector.close();
    }
  });
});

describe('BullmqOrderQueue', () => {
  const queueName = `test-orders-${randomUUID()}`;
  let queue: BullmqOrderQueue;
  let inspector: Queue;

  beforeAll(async () => {
    queue = BullmqOrderQueue.create({ redisUrl, queueName, retry, logger: silentLogger });
    inspector = new Queue(queueName, { connection: { url: redisUrl } });
    await eventually(() => queue.ping(), { timeoutMs: 5000 });
  });

  afterAll(async () => {
    await queue.close();
    await inspector.obliterate({ force: true });
    await inspector.close();
  });

  it('adds a job re-published while a copy of it still waits only once', async () => {
    const job = newJob();

    await queue.republish([job]);
    await queue.republish([job]);

    expect(await inspector.getJobCountByTypes('waiting')).toBe(1);
    expect((await inspector.getJob(bullmqJobId(job)))?.data).toStrictEqual(toPayload([job]));
    await inspector.drain();
  });

  it('dead-letters a job that holds no batch of jobs (one bare job), handles nothing of it and goes on', async () => {
    const [bare, next] = [newJob(), newJob()];
    const handlers = new RecordingHandlers();
    const consumer = await queue.consume(handlers, { concurrency: 1 });
    try {
      await inspector.add(bare.kind, { kind: bare.kind, orderId: bare.orderId });
      await eventually(async () => expect(await inspector.getJobCountByTypes('failed')).toBe(1));
      await queue.publish([next]);
      await eventually(() => expect(handlers.handled).toStrictEqual([next]));
      expect(handlers.deliveries).toStrictEqual([next]);
      expect(handlers.deadLetters).toStrictEqual([]);
    } finally {
      await consumer.stop();
    }
  });

  it('retries every job of a delivery when Redis refuses to narrow it, and dead-letters only the failed', async () => {
    const [good, bad] = [newJob(), newJob()];
    const refused = jest
      .spyOn(Job.prototype, 'updateData')
      .mockRejectedValue(new Error('Redis refused the update'));
    const handlers = new RecordingHandlers(async (job) => {
      if (job.orderId === bad.orderId) throw new Error('permanent failure');
    });
    const consumer = await queue.consume(handlers, { concurrency: 2 });
    let refusals: number;
    try {
      await queue.publish([good, bad]);
      await eventually(() => expect(handlers.deadLetters).toHaveLength(1));
    } finally {
      await consumer.stop();
      refusals = refused.mock.calls.length;
      refused.mockRestore();
      await inspector.clean(0, 100, 'failed');
    }

    expect(refusals).toBe(retry.maxAttempts);
    expect(handlers.deadLetters.map((entry) => entry.job)).toStrictEqual([bad]);
    expect(handlers.deliveriesOf(good)).toBe(retry.maxAttempts);
  });

  it('keeps a job that failed every attempt in the failed set', async () => {
    const job = newJob('CANCEL');
    const handlers = new RecordingHandlers(async () => {
      throw new Error('permanent failure');
    });
    const consumer = await queue.consume(handlers, { concurrency: 1 });
    try {
      await queue.publish([job]);
      await eventually(() => expect(handlers.deadLetters).toHaveLength(1));
    } finally {
      await consumer.stop();
    }

    const failed = await inspector.getFailed();
    expect(failed.map((entry) => entry.data)).toStrictEqual([toPayload([job])]);
    expect(failed[0]?.attemptsMade).toBe(retry.maxAttempts);
  });
});
