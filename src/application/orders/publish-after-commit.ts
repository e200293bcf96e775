import type { Logger } from '../ports/logger';
import type { OrderJob, OrderQueue } from '../ports/order-queue';

/**
 * Publishes beyond this many wait before another batch goes on: a broker that confirms slowly
 * then slows the callers down again instead of piling up unconfirmed jobs (which the queue's depth,
 * read by back-pressure, does not count yet).
 */
export const MAX_PUBLISHES_UNDER_WAY = 8;

/**
 * Publishes jobs for work that is already committed, without holding up the caller: the stored
 * work is what a client was promised, and the re-publisher covers a publish that fails. So neither
 * an answer nor the next batch's transaction waits for the broker's confirmation, unless
 * MAX_PUBLISHES_UNDER_WAY are still unconfirmed. Shutdown waits for them (`settled`).
 */
export class PublishAfterCommit {
  private readonly underWay = new Set<Promise<void>>();

  constructor(
    private readonly queue: OrderQueue,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts the publish and resolves at once, or once one of the publishes before it settled when
   * too many are under way. `warning` is logged, with the order ids, when the broker refuses.
   */
  async publish(jobs: readonly OrderJob[], warning: string): Promise<void> {
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
    if (this.underWay.size > MAX_PUBLISHES_UNDER_WAY) await Promise.race(this.underWay);
  }

  /** Resolves once no publish is under way, including those started while it waited. */
  async settled(): Promise<void> {
    while (this.underWay.size > 0) await Promise.all(this.underWay);
  }
}
