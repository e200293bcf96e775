import type { LogFields, Logger } from '../../application/ports/logger';
import type {
  DeliveryInfo,
  JobOutcome,
  OrderJob,
  OrderJobHandlers,
} from '../../application/ports/order-queue';

export interface FailedJob {
  job: OrderJob;
  error: unknown;
}

/**
 * Hands one delivery to the handler and returns the jobs that failed, each with its own error:
 * only they are retried or dead-lettered, the others are done. A handler that rejects, or gives
 * no outcome for a job, fails the jobs it did not vouch for.
 */
export async function handleDelivery(
  handlers: OrderJobHandlers,
  jobs: readonly OrderJob[],
  delivery: DeliveryInfo = {},
): Promise<FailedJob[]> {
  let outcomes: JobOutcome[];
  try {
    outcomes = await handlers.handle(jobs, delivery);
  } catch (error) {
    return jobs.map((job) => ({ job, error }));
  }
  return jobs.flatMap((job, index) => {
    const outcome = outcomes[index];
    if (outcome?.ok) return [];
    return [{ job, error: outcome ? outcome.error : new Error(`No outcome for job ${index}`) }];
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
  delivery: DeliveryInfo = {},
): Promise<void> {
  const reports = await Promise.allSettled(
    failures.map((failure) => handlers.deadLettered(failure.job, failure.error, delivery)),
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
