import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import {
  RabbitmqOrderQueue,
  rabbitmqQueueNames,
} from '../../../src/adapters/queue/rabbitmq/rabbitmq-order-queue';
import type { QueueConsumer } from '../../../src/application/ports/order-queue';
import { newJob, RecordingHandlers } from '../../contracts/order-queue.contract';
import { closeRabbitmqConnections } from '../../support/brokers';
import { eventually } from '../../support/eventually';
import { silentLogger } from '../../support/silent-logger';
import { deleteRabbitmqQueues, rabbitmqUrl, readyMessages } from './rabbitmq-broker';

describe('RabbitmqOrderQueue', () => {
  const queueName = `test-orders-${randomUUID()}`;
  const connectionName = `recovery test ${queueName}`;
  let queue: RabbitmqOrderQueue;
  let consumer: QueueConsumer | undefined;

  beforeEach(async () => {
    queue = await RabbitmqOrderQueue.connect({
      url: rabbitmqUrl,
      queueName,
      prefetch: 4,
      retry: { maxAttempts: 2, backoffMs: 20 },
      connectionName,
      logger: silentLogger,
    });
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await queue.close();
    await deleteRabbitmqQueues(queueName);
  });

  it('recovers when the broker closes its connection, and keeps delivering', async () => {
    const slow = newJob();
    let releaseSlow = () => {};
    const slowReleased = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    let slowRunning = 0;
    let slowOverlapped = false;
    const handlers = new RecordingHandlers(async (job) => {
      if (job.orderId !== slow.orderId) return;
      slowRunning += 1;
      slowOverlapped ||= slowRunning > 1;
      try {
        await slowReleased;
      } finally {
        slowRunning -= 1;
      }
    });
    consumer = await queue.consume(handlers, { concurrency: 2 });
    const before = newJob();
    await queue.publish([slow, before]);
    await eventually(() => expect(handlers.handled).toStrictEqual([before]));
    expect(handlers.deliveriesOf(slow)).toBe(1);

    expect(await closeRabbitmqConnections(connectionName)).toBe(1);

    const after = [newJob(), newJob('CANCEL')];
    // Publishing is refused while the adapter reconnects; it must succeed again by itself.
    await eventually(() => queue.publish(after));
    releaseSlow();
    await eventually(() => expect(handlers.handled).toEqual(expect.arrayContaining(after)));
    // The slow job's acknowledgement died with its channel, so the broker delivers it again:
    // only after its first run finished.
    await eventually(() => expect(handlers.deliveriesOf(slow)).toBe(2));
    expect(slowOverlapped).toBe(false);
    await expect(queue.ping()).resolves.toBeUndefined();
  });

  it('declares its queues again and resumes consuming when the broker cancels its consumer', async () => {
    const handlers = new RecordingHandlers();
    consumer = await queue.consume(handlers, { concurrency: 2 });

    // Deleting the queue cancels the consumer from the broker's side; the connection stays up.
    await deleteRabbitmqQueues(queueName);

    const job = newJob();
    await eventually(() => queue.publish([job]));
    await eventually(() => expect(handlers.handled).toStrictEqual([job]));
  });

  it('dead-letters a message that holds no batch of jobs (one bare job), handles nothing of it and goes on', async () => {
    const [bare, next] = [newJob('CANCEL'), newJob()];
    const handlers = new RecordingHandlers();
    consumer = await queue.consume(handlers, { concurrency: 1 });
    const connection = await connect(rabbitmqUrl);
    try {
      const channel = await connection.createConfirmChannel();
      channel.sendToQueue(queueName, Buffer.from(JSON.stringify(bare)), { persistent: true });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }

    await eventually(async () =>
      expect(await readyMessages(rabbitmqQueueNames(queueName).dead)).toBe(1),
    );
    await queue.publish([next]);
    await eventually(() => expect(handlers.handled).toStrictEqual([next]));
    expect(handlers.deliveries).toStrictEqual([next]);
    expect(handlers.deadLetters).toStrictEqual([]);
  });

  it('moves a job that failed every attempt to the dead-letter queue', async () => {
    const job = newJob();
    const handlers = new RecordingHandlers(async () => {
      throw new Error('permanent failure');
    });
    consumer = await queue.consume(handlers, { concurrency: 1 });

    await queue.publish([job]);

    await eventually(() => expect(handlers.deadLetters).toHaveLength(1));
    await eventually(async () =>
      expect(await readyMessages(rabbitmqQueueNames(queueName).dead)).toBe(1),
    );
    expect(await queue.depth()).toBe(0);
  });
});
