import { connect } from 'amqplib';

import { AMQP_URL } from '../../support/brokers';

export { AMQP_URL as rabbitmqUrl, deleteRabbitmqQueues } from '../../support/brokers';

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
