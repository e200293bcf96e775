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
 * At most this many publishes are sent and not yet confirmed; the jobs handed on meanwhile go
 * together in the next one. The broker and the worker pay per message, so under load fewer,
 * fuller messages cost less.
 */
export const MAX_PUBLISHES_IN_FLIGHT = 2;

/**
 * A publish starts at most this often, in ms; the jobs handed on meanwhile go together in the next
 * one, and a lone job still goes at once: a broker that confirms at once would otherwise get one
 * small message per API batch, and it and the worker pay per message (BENCHMARKS.md).
 */
export const MIN_PUBLISH_INTERVAL_MS = 20;

/**
 * The most jobs one publish holds: the publishes in flight can then carry every job under way.
 */
export const MAX_JOBS_PER_PUBLISH = MAX_JOBS_UNDER_WAY / MAX_PUBLISHES_IN_FLIGHT;

/** The jobs of one call, published whole. */
interface Handover {
  jobs: readonly OrderJob[];
  /** Logged with the order ids when their publish is refused. */
  warning: string;
}

/**
 * Publishes jobs for work that is already committed, without holding up the caller: the stored
 * work is what a client was promised, and the re-publisher covers a publish that fails. So neither
 * an answer nor the next batch's transaction waits for the broker's confirmation; past
 * MAX_JOBS_UNDER_WAY unconfirmed jobs, new work is refused before it is stored. Shutdown waits
 * for them (`settled`).
 */
export class PublishAfterCommit {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiting: Handover[] = [];
  private jobsUnderWay = 0;
  /** Set from a publish's start until MIN_PUBLISH_INTERVAL_MS later, or until it is cut short. */
  private interval: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly queue: OrderQueue,
    private readonly logger: Logger,
    private readonly minIntervalMs = MIN_PUBLISH_INTERVAL_MS,
  ) {}

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
   * Hands the jobs on; never waits for the broker. `warning` is logged, with the order ids, when
   * the broker refuses them.
   */
  publish(jobs: readonly OrderJob[], warning: string): void {
    if (jobs.length === 0) return;
    this.waiting.push({ jobs, warning });
    this.jobsUnderWay += jobs.length;
    // So many jobs do not wait out the interval.
    if (this.jobsUnderWay >= MAX_JOBS_UNDER_WAY) this.endInterval();
    else this.sendWaiting();
  }

  /**
   * Resolves once no job is under way, including those handed on while it waited. Jobs waiting out
   * the interval are sent at once: this is how shutdown waits for them.
   */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0 || this.waiting.length > 0) {
      this.endInterval();
      await Promise.all(this.inFlight);
    }
    // Nothing is left for it to release, and it would hold a process that is shutting down.
    this.cancelInterval();
  }

  private endInterval(): void {
    this.cancelInterval();
    this.sendWaiting();
  }

  private cancelInterval(): void {
    if (this.interval !== null) clearTimeout(this.interval);
    this.interval = null;
  }

  private sendWaiting(): void {
    while (
      this.interval === null &&
      this.inFlight.size < MAX_PUBLISHES_IN_FLIGHT &&
      this.waiting.length > 0
    ) {
      if (this.minIntervalMs > 0) {
        this.interval = setTimeout(() => this.endInterval(), this.minIntervalMs);
      }
      const handovers = this.takeWaiting();
      const jobs = handovers.flatMap((handover) => handover.jobs);
      // An adapter that throws instead of rejecting is refused like the others.
      const publishing: Promise<void> = new Promise<void>((resolve) =>
        resolve(this.queue.publish(jobs)),
      )
        .catch((error: unknown) => {
          for (const { jobs: refused, warning } of handovers) {
            this.logger.warn(warning, {
              orderIds: refused.map((job) => job.orderId),
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

  /** The oldest waiting handovers that fit in one publish together; always at least one. */
  private takeWaiting(): Handover[] {
    let count = 0;
    let taken = 0;
    for (const { jobs } of this.waiting) {
      if (taken > 0 && count + jobs.length > MAX_JOBS_PER_PUBLISH) break;
      count += jobs.length;
      taken += 1;
    }
    return this.waiting.splice(0, taken);
  }
}
