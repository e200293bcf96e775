import type { LogFields, Logger } from '../../application/ports/logger';
import type { OrderJob, OrderJobHandlers } from '../../application/ports/order-queue';

export interface FailedJob {
  job: OrderJob;
  error: unknown;
}

/**
 * Bounds the handlers running at once: one delivery carries every job published with it, so the
 * broker's own limit (prefetch, worker concurrency) counts deliveries, not jobs.
 */
export class HandlerSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run(task: () => Promise<void>): Promise<void> {
    if (this.running < this.size) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      await task();
    } finally {
      // A waiter takes the slot over, so the count stays where it is.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/**
 * Hands every job of one delivery to the handler, all at once within the slots (so that the
 * worker can settle them in one transaction), and reports those that threw: only they are
 * retried or dead-lettered, the others are done.
 */
export async function handleDelivery(
  handlers: OrderJobHandlers,
  slots: HandlerSlots,
  jobs: readonly OrderJob[],
): Promise<FailedJob[]> {
  const outcomes = await Promise.allSettled(
    jobs.map((job) => slots.run(() => handlers.handle(job))),
  );
  return outcomes.flatMap((outcome, index) => {
    const job = jobs[index];
    return outcome.status === 'rejected' && job ? [{ job, error: outcome.reason as unknown }] : [];
  });
}

/**
 * Reports every job whose last attempt failed. A report that throws is logged with `context`
 * (which queue, which delivery): the order stays unsettled and the re-publisher sends it again.
 */
export async function reportDeadLetters(
  handlers: OrderJobHandlers,
  failures: readonly FailedJob[],
  logger: Logger,
  context: LogFields,
): Promise<void> {
  const reports = await Promise.allSettled(
    failures.map((failure) => handlers.deadLettered(failure.job, failure.error)),
  );
  reports.forEach((report, index) => {
    const failure = failures[index];
    if (report.status === 'fulfilled' || !failure) return;
    const reason: unknown = report.reason;
    logger.error('a dead-lettered job could not be settled; it is left to the re-publisher', {
      ...context,
      kind: failure.job.kind,
      orderId: failure.job.orderId,
      error: reason instanceof Error ? reason.message : String(reason),
    });
  });
}
