import type {
  ConsumeOptions,
  OrderJob,
  OrderJobHandlers,
  OrderQueue,
  QueueConsumer,
} from '../../application/ports/order-queue';
import { Batcher, failed, succeeded, type Outcome } from '../../application/shared/batcher';

/** How a broker's publishes are coalesced: each broker's adapter states its own. */
export interface PublishCoalescing {
  /** The most jobs one publish holds; a larger call still goes whole, alone. */
  maxJobs: number;
  /** Publishes under way at once; the calls made meanwhile wait and go together in the next. */
  inFlight: number;
  /** A publish holds its place at least this long after it started, in ms. */
  minIntervalMs: number;
}

/**
 * Publishes the jobs of calls made while earlier publishes are under way together, as one message:
 * a broker and the worker pay per message, so under load fewer, fuller messages cost less. A lone
 * call still goes at once. Each call resolves once the publish that carried it was confirmed.
 * Everything else is the wrapped queue's.
 */
export class CoalescingOrderQueue implements OrderQueue {
  private readonly publishes: Batcher<readonly OrderJob[], void>;

  constructor(
    private readonly queue: OrderQueue,
    private readonly coalescing: PublishCoalescing,
  ) {
    this.publishes = new Batcher(
      (calls) => this.send(calls),
      { maxSize: coalescing.maxJobs, maxInFlight: coalescing.inFlight },
      (jobs) => jobs.length,
    );
  }

  async publish(jobs: readonly OrderJob[]): Promise<void> {
    if (jobs.length > 0) await this.publishes.submit(jobs);
  }

  /** Not coalesced: the re-publisher sends its work in publishes of its own size. */
  republish(jobs: readonly OrderJob[]): Promise<void> {
    return this.queue.republish(jobs);
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

  /** One publish for every call in it, which all share its outcome. */
  private async send(calls: readonly (readonly OrderJob[])[]): Promise<Outcome<void>[]> {
    const { minIntervalMs } = this.coalescing;
    const interval =
      minIntervalMs > 0 && new Promise((resolve) => setTimeout(resolve, minIntervalMs));
    let outcome: Outcome<void>;
    try {
      await this.queue.publish(calls.flat());
      outcome = succeeded(undefined);
    } catch (error) {
      outcome = failed(error);
    }
    await interval;
    return calls.map(() => outcome);
  }
}
