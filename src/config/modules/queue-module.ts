import type { Container } from 'inversify';
import type { HealthCheck } from '../../application/ports/health-check';
import type { Logger } from '../../application/ports/logger';
import type { OrderQueue } from '../../application/ports/order-queue';
import { TOKENS } from '../../application/ports/tokens';
import { NO_TRACING, type Tracing } from '../../application/ports/tracing';
import {
  BULLMQ_PUBLISH_COALESCING,
  BullmqOrderQueue,
} from '../../adapters/queue/bullmq/bullmq-order-queue';
import { CoalescingOrderQueue } from '../../adapters/queue/coalescing-order-queue';
import { TracedOrderQueue } from '../../adapters/queue/traced-order-queue';
import { InProcessOrderQueue } from '../../adapters/queue/in-process/in-process-order-queue';
import {
  RABBITMQ_PUBLISH_COALESCING,
  RabbitmqOrderQueue,
} from '../../adapters/queue/rabbitmq/rabbitmq-order-queue';
import type { QueueConfig, WorkerConfig } from '../config';
import type { Disposers } from '../disposers';
import type { WarmUp } from '../warm-up';
import { bindValue } from '../bindings';

/** With tracing off the broker adapter is used as it is: not even a wrapper's call is added. */
function traced(
  queue: OrderQueue,
  tracing: Tracing,
  destination: { system: string; name: string },
): OrderQueue {
  return tracing === NO_TRACING ? queue : new TracedOrderQueue(queue, tracing, destination);
}

export async function bindQueue(
  container: Container,
  config: QueueConfig,
  worker: WorkerConfig,
  logger: Logger,
  tracing: Tracing,
  disposers: Disposers,
  checks: HealthCheck[],
  warmUps: WarmUp[],
): Promise<void> {
  let queue: OrderQueue;
  switch (config.driver) {
    case 'memory':
      // A publish costs this process no more than the jobs in it: nothing to coalesce.
      queue = new InProcessOrderQueue(worker.retry, logger);
      break;
    case 'bullmq': {
      const bullmq = BullmqOrderQueue.create({
        redisUrl: config.redisUrl,
        queueName: config.queueName,
        retry: worker.retry,
        logger,
      });
      checks.push({ name: 'queue', check: () => bullmq.ping() });
      warmUps.push({ name: 'queue connection', run: () => bullmq.warm() });
      queue = new CoalescingOrderQueue(
        traced(bullmq, tracing, { system: 'bullmq', name: config.queueName }),
        BULLMQ_PUBLISH_COALESCING,
      );
      break;
    }
    case 'rabbitmq': {
      const rabbitmq = await RabbitmqOrderQueue.connect({
        url: config.url,
        queueName: config.queueName,
        prefetch: worker.concurrency,
        retry: worker.retry,
        logger,
      });
      checks.push({ name: 'queue', check: () => rabbitmq.ping() });
      queue = new CoalescingOrderQueue(
        traced(rabbitmq, tracing, { system: 'rabbitmq', name: config.queueName }),
        RABBITMQ_PUBLISH_COALESCING,
      );
      break;
    }
  }
  disposers.push(`${config.driver} queue`, () => queue.close());
  bindValue(container, TOKENS.OrderQueue, queue);
}
