import { randomUUID } from 'node:crypto';
import { RabbitmqOrderQueue } from '../../../src/adapters/queue/rabbitmq/rabbitmq-order-queue';
import { deleteRabbitmqQueues, rabbitmqUrl } from '../../adapters/rabbitmq/rabbitmq-broker';
import { silentLogger } from '../../support/silent-logger';
import { orderQueueContract } from '../order-queue.contract';

orderQueueContract('RabbitmqOrderQueue', async (retry) => {
  const queueName = `test-orders-${randomUUID()}`;
  const queue = await RabbitmqOrderQueue.connect({
    url: rabbitmqUrl,
    queueName,
    prefetch: 10,
    retry,
    logger: silentLogger,
  });
  return {
    queue,
    dispose: async () => {
      await queue.close();
      await deleteRabbitmqQueues(queueName);
    },
  };
});
