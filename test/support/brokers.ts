import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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

const run = promisify(execFile);

/**
 * Has the broker itself close, all at once, every connection whose client named it
 * `connectionName`, as an operator or a broker fail-over would; returns how many it closed. Only
 * the test's own connections carry the name: the shared broker and its other clients go on.
 */
export async function closeRabbitmqConnections(connectionName: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', [
    '-q',
    'list_connections',
    'pid',
    'client_properties',
  ]);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0] ?? '');
  await Promise.all(
    pids.map((pid) => run('rabbitmqctl', ['close_connection', pid, 'closed by a test'])),
  );
  return pids.length;
}
