import { randomUUID } from 'node:crypto';
import { BullmqOrderQueue } from '../../../src/adapters/queue/bullmq/bullmq-order-queue';
import { obliterateBullmqQueue, REDIS_URL as redisUrl } from '../../support/brokers';
import { eventually } from '../../support/eventually';
import { silentLogger } from '../../support/silent-logger';
import { orderQueueContract } from '../order-queue.contract';

orderQueueContract('BullmqOrderQueue', async (retry) => {
  const queueName = `test-orders-${randomUUID()}`;
  const queue = BullmqOrderQueue.create({ redisUrl, queueName, retry, logger: silentLogger });
  // Publishing refuses until Redis answers; fail here, clearly, if it never does.
  await eventually(() => queue.ping(), { timeoutMs: 5000 });
  return {
    queue,
    dispose: async () => {
      await queue.close();
      await obliterateBullmqQueue(queueName);
    },
  };
});
