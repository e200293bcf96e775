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

/** Reports every job whose last attempt failed; gives back the reports that threw. */
export async function reportDeadLetters(
  handlers: OrderJobHandlers,
  failures: readonly FailedJob[],
): Promise<{ failure: FailedJob; reportError: unknown }[]> {
  const reports = await Promise.allSettled(
    failures.map((failure) => handlers.deadLettered(failure.job, failure.error)),
  );
  return reports.flatMap((report, index) => {
    const failure = failures[index];
    return report.status === 'rejected' && failure
      ? [{ failure, reportError: report.reason as unknown }]
      : [];
  });
}
