import { connect } from 'amqplib';
import { Queue } from 'bullmq';
import { rabbitmqQueueNames } from '../../src/adapters/queue/rabbitmq/rabbitmq-order-queue';

/** The shared local servers, overridable for a machine that runs them elsewhere. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Removes every key BullMQ keeps for `queueName`. */
export async function obliterateBullmqQueue(queueName: string): Promise<void> {
  const leftovers = new Queue(queueName, { connection: { url: REDIS_URL } });
  try {
    await leftovers.obliterate({ force: true });
  } finally {
    await leftovers.close();
  }
}

/** Removes the main, retry and dead-letter queues an adapter declared for `queueName`. */
export async function deleteRabbitmqQueues(queueName: string): Promise<void> {
  const connection = await connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of Object.values(rabbitmqQueueNames(queueName))) {
      await channel.deleteQueue(queue);
    }
  } finally {
    await connection.close();
  }
}

export function dropQueue(driver: 'bullmq' | 'rabbitmq', queueName: string): Promise<void> {
  return driver === 'bullmq' ? obliterateBullmqQueue(queueName) : deleteRabbitmqQueues(queueName);
}
