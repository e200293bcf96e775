import { OverloadedError } from '../errors';
import type { Logger } from '../ports/logger';
import type { OrderJob, OrderQueue } from '../ports/order-queue';

/**
 * While this many jobs are committed but not yet confirmed by the broker, new work is refused
 * (`checkRoom`): a broker that confirms slowly, or not at all, then has callers refused instead
 * of unconfirmed jobs piling up where back-pressure, which reads the queue's depth, cannot see them.
 */
export const MAX_JOBS_UNDER_WAY = 1_000;

/**
 * Publishes jobs for work that is already committed, without holding up the caller: the stored
 * work is what a client was promised, and the re-publisher covers a publish that fails. So neither
 * an answer nor the next batch's transaction waits for the broker's confirmation; past
 * MAX_JOBS_UNDER_WAY unconfirmed jobs, new work is refused before it is stored. Shutdown waits
 * for them (`settled`).
 */
export class PublishAfterCommit {
  private readonly underWay = new Set<Promise<void>>();
  private jobsUnderWay = 0;

  constructor(
    private readonly queue: Pick<OrderQueue, 'publish'>,
    private readonly logger: Logger,
  ) {}

  /** Jobs handed to the queue and not yet confirmed (or refused) by the broker. */
  get pending(): number {
    return this.jobsUnderWay;
  }

  /**
   * Throws OverloadedError while MAX_JOBS_UNDER_WAY jobs are unconfirmed. Asked before new work is
   * stored: work already stored is never refused, and nothing waits for the broker, whose stalls
   * would otherwise hold every answer.
   */
  checkRoom(): void {
    if (this.jobsUnderWay >= MAX_JOBS_UNDER_WAY) {
      throw new OverloadedError('jobs waiting for the broker');
    }
  }

  /**
   * Hands the jobs to the queue; never waits for the broker. `warning` is logged, with the order
   * ids, when the broker refuses them.
   */
  publish(jobs: readonly OrderJob[], warning: string): void {
    if (jobs.length === 0) return;
    this.jobsUnderWay += jobs.length;
    // A queue that throws instead of rejecting is refused like the others.
    const publishing: Promise<void> = new Promise<void>((resolve) =>
      resolve(this.queue.publish(jobs)),
    )
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
  }

  /** Resolves once no job is under way, including those handed on while it waited. */
  async settled(): Promise<void> {
    while (this.underWay.size > 0) await Promise.all(this.underWay);
  }
}
