import type { Clock } from '../ports/clock';
import type { Metrics } from '../ports/metrics';
import type { OrderQueue } from '../ports/order-queue';
import type { OrderRepository } from '../ports/order-repository';

export interface RepublishOptions {
  /** Work older than this is published again. */
  stalledAfterMs: number;
  /** At most this many jobs per sweep. */
  batchSize: number;
  /**
   * At most this many jobs per publish: a delivery is retried or redelivered whole, so a sweep's
   * copies go in publishes no larger than the API's.
   */
  publishSize: number;
}

/**
 * Nothing waits for ever: orders still PENDING, and cancellations not yet applied, are published
 * again. This covers a crash between store and publish, a broker that lost its jobs, and a broker
 * that was down. Processing is idempotent, so a duplicate is harmless.
 */
export class RepublishStalledWork {
  constructor(
    private readonly orders: Pick<OrderRepository, 'findStalledWork'>,
    private readonly queue: Pick<OrderQueue, 'republish'>,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly options: RepublishOptions,
  ) {}

  async execute(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.options.stalledAfterMs);
    const jobs = await this.orders.findStalledWork(before, this.options.batchSize);
    for (let start = 0; start < jobs.length; start += this.options.publishSize) {
      const publish = jobs.slice(start, start + this.options.publishSize);
      await this.queue.republish(publish);
      this.metrics.jobsRepublished(publish.length);
    }
    return jobs.length;
  }
}
