import type { Logger } from '../ports/logger';
import type { OrderJob, OrderQueue } from '../ports/order-queue';

/**
 * Jobs beyond this many, published but not yet confirmed, wait before another batch goes on: a
 * broker that confirms slowly then slows the callers down again instead of piling up unconfirmed
 * jobs (which the queue's depth, read by back-pressure, does not count yet). Half a second of work
 * at 1,000 orders and 1,000 cancellations a second: RabbitMQ confirms durable messages in batches,
 * tens of milliseconds apart under load, so a bound in publishes (of a few jobs each under load)
 * was met at every batch and held the API's batches up; counted in jobs, it bounds what is at stake.
 */
export const MAX_JOBS_UNDER_WAY = 1_000;

/**
 * Publishes jobs for work that is already committed, without holding up the caller: the stored
 * work is what a client was promised, and the re-publisher covers a publish that fails. So neither
 * an answer nor the next batch's transaction waits for the broker's confirmation, unless more than
 * MAX_JOBS_UNDER_WAY jobs are still unconfirmed. Shutdown waits for them (`settled`).
 */
export class PublishAfterCommit {
  private readonly underWay = new Set<Promise<void>>();
  private jobsUnderWay = 0;

  constructor(
    private readonly queue: OrderQueue,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts the publish and resolves at once, or once enough of the publishes before it settled
   * when too many jobs are under way. `warning` is logged, with the order ids, when the broker
   * refuses.
   */
  async publish(jobs: readonly OrderJob[], warning: string): Promise<void> {
    if (jobs.length === 0) return;
    this.jobsUnderWay += jobs.length;
    const publishing: Promise<void> = this.queue
      .publish(jobs)
      .catch((error: unknown) => {
        this.logger.warn(warning, {
          orderIds: jobs.map((job) => job.orderId),
          error: String(error),
        });
      })
      .finally(() => {
        this.jobsUnderWay -= jobs.length;
        this.underWay.delete(publishing);
      });
    this.underWay.add(publishing);
    while (this.jobsUnderWay > MAX_JOBS_UNDER_WAY) await Promise.race(this.underWay);
  }

  /** Resolves once no publish is under way, including those started while it waited. */
  async settled(): Promise<void> {
    while (this.underWay.size > 0) await Promise.all(this.underWay);
  }
}
