import { InProcessOrderQueue } from '../../../src/adapters/queue/in-process/in-process-order-queue';
import { orderQueueContract } from '../order-queue.contract';

orderQueueContract('InProcessOrderQueue', async (retry) => {
  const queue = new InProcessOrderQueue(retry);
  return { queue, dispose: () => queue.close() };
});
