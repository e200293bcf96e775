import type { Logger } from '../ports/logger';
import type { OrderJob, OrderQueue } from '../ports/order-queue';

/**
 * Jobs beyond this many, committed but not yet confirmed by the broker, make the caller wait: a
 * broker that confirms slowly then slows the callers down instead of piling up unconfirmed jobs
 * (which the queue's depth, read by back-pressure, does not count yet). Half a second of work at
 * 1,000 orders and 1,000 cancellations a second. (A bound of 8 publishes, of a few jobs each, was
 * met at every turn on RabbitMQ, which confirms durable messages tens of milliseconds apart under
 * load, and held the API's batches up.)
 */
export const MAX_JOBS_UNDER_WAY = 1_000;

/**
 * Publishes sent and not yet confirmed. The jobs committed meanwhile go together in the next one:
 * the broker and the worker pay per message, so under load fewer, fuller messages cost less, and a
 * job waits at most about one confirmation before it is sent.
 */
export const MAX_PUBLISHES_IN_FLIGHT = 2;

interface Part {
  jobs: readonly OrderJob[];
  /** Logged with the part's order ids when its publish is refused. */
  warning: string;
}

/**
 * Publishes jobs for work that is already committed, without holding up the caller: the stored
 * work is what a client was promised, and the re-publisher covers a publish that fails. So neither
 * an answer nor the next batch's transaction waits for the broker's confirmation, unless more than
 * MAX_JOBS_UNDER_WAY jobs are still unconfirmed. Shutdown waits for them (`settled`).
 */
export class PublishAfterCommit {
  private readonly inFlight = new Set<Promise<void>>();
  private waiting: Part[] = [];
  private jobsUnderWay = 0;

  /** `maxJobsPerPublish`: the most jobs sent together; no caller hands over more at once. */
  constructor(
    private readonly queue: OrderQueue,
    private readonly logger: Logger,
    private readonly maxJobsPerPublish: number,
  ) {}

  /**
   * Hands the jobs on and resolves at once, or, when too many jobs are under way, once enough of
   * them were confirmed. `warning` is logged, with the order ids, when the broker refuses them.
   */
  async publish(jobs: readonly OrderJob[], warning: string): Promise<void> {
    if (jobs.length === 0) return;
    this.waiting.push({ jobs, warning });
    this.jobsUnderWay += jobs.length;
    this.sendWaiting();
    while (this.jobsUnderWay > MAX_JOBS_UNDER_WAY) await Promise.race(this.inFlight);
  }

  /** Resolves once no job is under way, including those handed on while it waited. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private sendWaiting(): void {
    while (this.inFlight.size < MAX_PUBLISHES_IN_FLIGHT && this.waiting.length > 0) {
      const parts = this.takeWaiting();
      const jobs = parts.flatMap((part) => part.jobs);
      const publishing: Promise<void> = this.queue
        .publish(jobs)
        .catch((error: unknown) => {
          for (const part of parts) {
            this.logger.warn(part.warning, {
              orderIds: part.jobs.map((job) => job.orderId),
              error: String(error),
            });
          }
        })
        .finally(() => {
          this.jobsUnderWay -= jobs.length;
          this.inFlight.delete(publishing);
          this.sendWaiting();
        });
      this.inFlight.add(publishing);
    }
  }

  /** The oldest waiting parts that fit in one publish; always at least one. */
  private takeWaiting(): Part[] {
    let count = 0;
    let taken = 0;
    for (const part of this.waiting) {
      if (taken > 0 && count + part.jobs.length > this.maxJobsPerPublish) break;
      count += part.jobs.length;
      taken += 1;
    }
    return this.waiting.splice(0, taken);
  }
}
