import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect } from 'amqplib';

import { AMQP_URL } from '../../support/brokers';

export { AMQP_URL as rabbitmqUrl, deleteRabbitmqQueues } from '../../support/brokers';

const run = promisify(execFile);

/** Messages ready in one queue, read through a connection of the test's own. */
export async function readyMessages(queue: string): Promise<number> {
  const connection = await connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    return messageCount;
  } finally {
    await connection.close();
  }
}

/**
 * Has the broker itself close every connection whose client named it `connectionName`, as an
 * operator or a broker restart would; returns how many it closed.
 */
export async function forceCloseConnections(connectionName: string): Promise<number> {
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
  for (const pid of pids) {
    await run('rabbitmqctl', ['close_connection', pid, 'closed by a recovery test']);
  }
  return pids.length;
}
