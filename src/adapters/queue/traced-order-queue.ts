import type {
  ConsumeOptions,
  OrderJob,
  OrderJobHandlers,
  OrderQueue,
  QueueConsumer,
} from '../../application/ports/order-queue';
import type { Tracing } from '../../application/ports/tracing';

/**
 * Puts each message sent to the broker in a PRODUCER span (the messaging conventions' "send"):
 * the child of its job's request when it carries one job, linked to each job's request when it
 * carries several. Wraps a broker adapter under the coalescing, so a span is a message.
 */
export class TracedOrderQueue implements OrderQueue {
  constructor(
    private readonly queue: OrderQueue,
    private readonly tracing: Tracing,
    private readonly destination: { system: string; name: string },
  ) {}

  publish(jobs: readonly OrderJob[]): Promise<void> {
    return this.send('publish', jobs, () => this.queue.publish(jobs));
  }

  republish(jobs: readonly OrderJob[]): Promise<void> {
    return this.send('republish', jobs, () => this.queue.republish(jobs));
  }

  consume(handlers: OrderJobHandlers, options: ConsumeOptions): Promise<QueueConsumer> {
    return this.queue.consume(handlers, options);
  }

  depth(): Promise<number> {
    return this.queue.depth();
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private send(operation: string, jobs: readonly OrderJob[], work: () => Promise<void>) {
    return this.tracing.run(
      `${operation} ${this.destination.name}`,
      'producer',
      jobs.map((job) => job.origin?.trace),
      {
        'messaging.system': this.destination.system,
        'messaging.destination.name': this.destination.name,
        'messaging.operation.type': 'send',
        'messaging.operation.name': operation,
        'messaging.batch.message_count': jobs.length,
      },
      work,
    );
  }
}
