import type { Logger } from '../ports/logger';
import type { OrderJob, OrderQueue } from '../ports/order-queue';

/**
 * Publishes jobs for work that is already committed, without holding up the caller: the stored
 * work is what a client was promised, and the re-publisher covers a publish that fails. So neither
 * an answer nor the next batch's transaction waits for the broker's confirmation. Shutdown waits
 * for the publishes still under way (`settled`).
 */
export class PublishAfterCommit {
  private readonly underWay = new Set<Promise<void>>();

  constructor(
    private readonly queue: OrderQueue,
    private readonly logger: Logger,
  ) {}

  /** `warning` is logged, with the order ids, when the broker refuses the jobs. */
  publish(jobs: readonly OrderJob[], warning: string): void {
    if (jobs.length === 0) return;
    const publishing: Promise<void> = this.queue
      .publish(jobs)
      .catch((error: unknown) => {
        this.logger.warn(warning, {
          orderIds: jobs.map((job) => job.orderId),
          error: String(error),
        });
      })
      .finally(() => this.underWay.delete(publishing));
    this.underWay.add(publishing);
  }

  /** Resolves once every publish started so far has been confirmed or refused. */
  async settled(): Promise<void> {
    await Promise.all(this.underWay);
  }
}
