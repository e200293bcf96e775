import { InProcessOrderQueue } from '../../../src/adapters/queue/in-process/in-process-order-queue';
import { silentLogger } from '../../support/silent-logger';
import { orderQueueContract } from '../order-queue.contract';

orderQueueContract('InProcessOrderQueue', async (retry) => {
  const queue = new InProcessOrderQueue(retry, silentLogger);
  return { queue, dispose: () => queue.close() };
});
