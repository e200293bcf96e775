import { isTransient } from '../../application/errors';
import type { FailDeadLetteredOrder } from '../../application/orders/fail-dead-lettered-order';
import { describeJob } from '../../application/orders/order-job';
import type { ProcessOrderJobs } from '../../application/orders/process-order-jobs';
import type { RepublishStalledWork } from '../../application/orders/republish-stalled-work';
import type { Logger } from '../../application/ports/logger';
import type { Metrics } from '../../application/ports/metrics';
import type {
  DeliveryInfo,
  JobOutcome,
  OrderJob,
  OrderQueue,
} from '../../application/ports/order-queue';
import { NO_TRACING, type Tracing } from '../../application/ports/tracing';
import { Batcher, failed, succeeded, type BatchOptions } from '../../application/shared/batcher';

export interface OrderWorkerDependencies {
  queue: OrderQueue;
  processOrderJobs: ProcessOrderJobs;
  failDeadLetteredOrder: FailDeadLetteredOrder;
  republishStalledWork: RepublishStalledWork;
  logger: Logger;
  metrics: Metrics;
  /** Off when left out. */
  tracing?: Tracing;
}

export interface OrderWorkerOptions {
  /** Deliveries in flight at once, whose jobs the transactions draw on. */
  concurrency: number;
  /** How the jobs of the deliveries in flight are grouped into transactions. */
  batching: BatchOptions;
  republishIntervalMs: number;
}

/** What this worker did since it started: for logs, tests and an eventual metrics endpoint. */
export interface WorkerStats {
  /** Jobs handled to the end (a no-op on a settled order counts too). */
  processed: number;
  /**
   * Attempts that threw. The queue retries each but a job's last; it cannot tell which one is
   * the last until it reports the job dead-lettered, so this is not split into retries.
   */
  failed: number;
  /** Jobs the queue gave up on (their last attempt failed) and dead-lettered. */
  deadLettered: number;
}

/** Under a steady backlog the re-publisher still runs once per this many intervals. */
const SWEEPS_SKIPPED_AT_MOST = 10;

export interface RunningWorker {
  /** Stops the re-publisher, then the consumer, waiting for the jobs in flight. */
  stop(): Promise<void>;
  stats(): WorkerStats;
  /** Whether the broker delivers to this worker now (for readiness). */
  isConsuming(): boolean;
}

/**
 * Drives the order use cases from the queue: each delivery is answered with an outcome per job,
 * once the transaction that settled it committed; the jobs of deliveries that arrive together
 * share a transaction. A stock or funds failure is a result (the order becomes FAILED), so a
 * failed job means an error: the queue retries it with backoff and dead-letters it when it keeps
 * failing.
 *
 * Traced, a transaction is a CONSUMER span (the messaging conventions' "process"): the child of
 * its job's request when it settles one job, and linked to every job's request when it settles a
 * batch, since a span has one parent. Each settled job is logged with its order, its message and
 * the request that placed it.
 */
export async function startOrderWorker(
  deps: OrderWorkerDependencies,
  options: OrderWorkerOptions,
): Promise<RunningWorker> {
  const { logger, metrics } = deps;
  const tracing = deps.tracing ?? NO_TRACING;
  const counts: WorkerStats = { processed: 0, failed: 0, deadLettered: 0 };
  // Deliveries that arrive while a transaction runs share the next one.
  const transactions = new Batcher<OrderJob, void>(async (jobs) => {
    await tracing.run(
      'process orders',
      'consumer',
      jobs.map((job) => job.origin?.trace),
      {
        'messaging.operation.type': 'process',
        'messaging.batch.message_count': jobs.length,
        ...(jobs.length === 1 && jobs[0] && { 'order.id': jobs[0].orderId }),
      },
      () => deps.processOrderJobs.execute(jobs),
    );
    return jobs.map(() => succeeded(undefined));
  }, options.batching);
  // A job as its log lines name it: its order, the message it came in and the request behind it.
  const described = (job: OrderJob, delivery: DeliveryInfo = {}) => ({
    ...describeJob(job),
    jobId: delivery.messageId,
  });
  const handle = (jobs: readonly OrderJob[], delivery?: DeliveryInfo): Promise<JobOutcome[]> =>
    Promise.all(
      jobs.map(async (job): Promise<JobOutcome> => {
        try {
          await transactions.submit(job);
        } catch (error) {
          counts.failed += 1;
          metrics.jobsHandled(job.kind, 'failed', 1);
          const level = isTransient(error) ? 'warn' : 'error';
          logger[level]('order job failed; it will be retried', {
            ...described(job, delivery),
            error: String(error),
          });
          return failed(error);
        }
        counts.processed += 1;
        metrics.jobsHandled(job.kind, 'processed', 1);
        logger.info('order job done', described(job, delivery));
        return succeeded(undefined);
      }),
    );
  const deadLettered = async (
    job: OrderJob,
    error: unknown,
    delivery?: DeliveryInfo,
  ): Promise<void> => {
    counts.deadLettered += 1;
    metrics.jobDeadLettered(job.kind);
    if (isTransient(error)) {
      // The attempts ran out on the database or a lock, not on the order: failing it would
      // turn a few seconds of outage into refused orders. Left PENDING, it is published again
      // by the re-publisher once the store answers.
      logger.warn('order job dead-lettered on a transient error; left to the re-publisher', {
        ...described(job, delivery),
        error: String(error),
        deadLettered: counts.deadLettered,
      });
      return;
    }
    logger.error('order job dead-lettered', {
      ...described(job, delivery),
      error: String(error),
      deadLettered: counts.deadLettered,
    });
    if (job.kind === 'PLACE') await deps.failDeadLetteredOrder.execute(job.orderId);
  };

  const consumer = await deps.queue.consume(
    { handle, deadLettered },
    { concurrency: options.concurrency },
  );

  let sweeping: Promise<void> | null = null;
  let sweptAt = Date.now();
  const sweep = async () => {
    try {
      // While jobs wait, a pending order is most likely one of them: a copy would only queue
      // behind it (RabbitMQ has no job ids to drop copies by), so a backlog older than the
      // re-publish delay would grow by a batch per sweep and per worker. Lost work is found
      // once the queue has drained, or at the latest every SWEEPS_SKIPPED_AT_MOST intervals,
      // so that a queue that never quite empties cannot hide it for ever.
      const overdue = Date.now() - sweptAt >= SWEEPS_SKIPPED_AT_MOST * options.republishIntervalMs;
      if (!overdue && (await deps.queue.depth()) > 0) return;
      sweptAt = Date.now();
      const count = await deps.republishStalledWork.execute();
      if (count > 0) logger.info('re-published stalled work', { count });
    } catch (error) {
      logger.warn('re-publishing stalled work failed; will try again', { error: String(error) });
    } finally {
      sweeping = null;
    }
  };
  // A slow sweep is not overlapped by the next one.
  const timer = setInterval(() => {
    sweeping ??= sweep();
  }, options.republishIntervalMs);

  return {
    async stop() {
      clearInterval(timer);
      await sweeping;
      await consumer.stop();
    },
    stats: () => ({ ...counts }),
    isConsuming: () => consumer.isConsuming(),
  };
}
